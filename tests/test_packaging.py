"""The package as a user gets it: a wheel that carries the graph and works outside the
repository, and a command line that fails cleanly on bad input."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return next(out.glob("crdkg-*.whl"))


def test_wheel_carries_the_graph(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "crdkg/_shipped/ontology/crd.ttl" in names
    assert "crdkg/_shipped/data/strategy.ttl" in names
    assert {"crdkg/_shipped/data/places/counties.ttl", "crdkg/_shipped/data/census/census-population.ttl"} <= names
    assert "crdkg/_shipped/queries/divisions-in-region.rq" in names
    assert "crdkg/_shipped/ontology/shapes/crd-shapes.ttl" in names
    assert "crdkg/py.typed" in names
    # the query editor's assets, served by crdkg itself (no CDN)
    assert {"crdkg/web/static/yasgui/yasgui.min.js", "crdkg/web/static/yasgui/yasgui.min.css"} <= names


def test_installed_package_loads_outside_the_repository(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    code = (
        "import crdkg, pathlib\n"
        f"assert pathlib.Path(crdkg.__file__).is_relative_to(pathlib.Path(r'{target}')), crdkg.__file__\n"
        "from crdkg import resources\n"
        "assert '_shipped' in str(resources.root()), resources.root()\n"
        "rows = crdkg.run_query('divisions-in-region', region='northeast').values()\n"
        "print(sorted(r['code'] for r in rows))\n"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['210000', '220000', '230000']"


def test_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n',
                   encoding="utf-8")
    r = run_cli("validate", str(bad))
    assert r.code == 2
    assert f"{bad}:3:" in r.err
    assert "Traceback" not in r.err


def test_malformed_shipped_file_fails_loading(tmp_path, monkeypatch):
    """A malformed file anywhere in the graph fails loading with file, line and message."""
    from crdkg.errors import InputError
    from crdkg.graph import load_graph

    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b ;\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_graph(files={"data": [broken]})
    assert str(err.value).startswith(f"{broken}:")
    assert err.value.line == 3


def test_empty_file_validates_as_empty(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    r = run_cli("validate", str(empty))
    assert r.code == 0, r.out + r.err
    assert "Traceback" not in r.err


def test_unknown_extension_is_an_input_error(tmp_path):
    odd = tmp_path / "data.xyz"
    odd.write_text("x", encoding="utf-8")
    r = run_cli("validate", str(odd))
    assert r.code == 2 and "unknown RDF file extension" in r.err and "Traceback" not in r.err


def test_missing_file_is_an_input_error(tmp_path):
    r = run_cli("validate", str(tmp_path / "nope.ttl"))
    assert r.code == 2 and "no such file" in r.err and "Traceback" not in r.err


def test_no_network_and_no_pyshacl_for_a_query():
    """Running a query imports neither pyshacl nor rdflib (cold start)."""
    code = ("import sys\nfrom crdkg.cli import main\nmain(['query', 'macro-regions', '--format', 'csv'])\n"
            "bad = [m for m in ('pyshacl', 'rdflib', 'SPARQLWrapper', 'owlrl') if m in sys.modules]\n"
            "assert not bad, bad\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_the_ci_template_installs_nothing_by_a_bare_name():
    """An unedited copy of the workflow must not `pip install crdkg` (anyone could publish that
    name): its placeholder fails the job until edited."""
    text = (ROOT / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    package = re.search(r'CRDKG_PACKAGE: "([^"]*)"', text).group(1)
    assert package.startswith("EDIT-ME") and "git+" in package
    step = text[text.index("- name: Install crdkg"):text.index("- name: Validate (annotations)")]
    script = "\n".join(line[10:] for line in step.splitlines()[2:])
    run = subprocess.run(["bash", "-c", script], env={"CRDKG_PACKAGE": package, "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 1 and "edit CRDKG_PACKAGE" in run.stdout


def test_the_wheel_and_sdist_pass_twine_check(tmp_path):
    """RELEASE.md's check before a release: both distributions, built by hatchling (the build
    backend, installed for the tests: nothing is fetched), pass `twine check --strict`."""
    hatchling = Path(sys.executable).parent / "hatchling"
    build = subprocess.run([str(hatchling), "build", "--directory", str(tmp_path)], cwd=ROOT, capture_output=True,
                           text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    built = sorted(p.name for p in tmp_path.iterdir())
    assert [re.sub(r"\d+\.\d+\.\d+", "V", n) for n in built] == ["crdkg-V-py3-none-any.whl", "crdkg-V.tar.gz"]
    check = subprocess.run([str(Path(sys.executable).parent / "twine"), "check", "--strict",
                            *(str(tmp_path / n) for n in built)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2
