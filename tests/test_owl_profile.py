"""The ontology is OWL 2 DL as the OWL API's profile checker sees it (Debian package
libowlapi-java, with a JDK to compile tests/java/OwlProfile.java). Skipped, with a message,
where they are not installed; `.ci/run` installs them, so CI always runs this."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

#: runs a reference engine (pySHACL, a reasoner or the OWL API) beside crdkg: not in `make test-fast`
pytestmark = pytest.mark.reference

JARS = Path("/usr/share/java")


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.skip("OWL 2 DL profile check skipped: no JDK (apt-get install default-jdk-headless)")
    if not (JARS / "owlapi-distribution.jar").exists():
        pytest.skip("OWL 2 DL profile check skipped: the OWL API is not installed (apt-get install libowlapi-java)")
    out = tmp_path_factory.mktemp("owlprofile")
    classpath = ":".join(str(p) for p in sorted(JARS.glob("*.jar")))
    subprocess.run(["javac", "-d", str(out), "-cp", classpath, str(ROOT / "tests" / "java" / "OwlProfile.java")],
                   check=True, capture_output=True, timeout=300)

    def check(path: Path) -> tuple[int, list[str]]:
        proc = subprocess.run(["java", "-cp", f"{out}:{classpath}", "OwlProfile", str(path)], capture_output=True,
                              text=True, timeout=300)
        lines = [line for line in proc.stdout.splitlines() if not line.startswith("axioms ")]
        return proc.returncode, lines

    return check


def test_the_ontology_is_owl_2_dl(checker):
    code, violations = checker(ROOT / "ontology" / "crd.ttl")
    assert (code, violations) == (0, [])


def test_the_checker_finds_a_violation(checker, tmp_path):
    """xsd:gYear is not in the OWL 2 datatype map: a range with it is not OWL 2 DL."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                   "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<https://example.org/o> a owl:Ontology .\n"
                   "<https://example.org/year> a owl:DatatypeProperty ; rdfs:range xsd:gYear .\n", encoding="utf-8")
    code, violations = checker(bad)
    assert code == 1 and any("xsd:gYear" in v for v in violations), violations


def test_a_dl_reasoner_loads_and_classifies_the_ontology(tmp_path):
    """HermiT (bundled with owlready2, run on the JDK) refused the ontology while it had
    xsd:gYear and xsd:date ranges; now it classifies it with no unsatisfiable class."""
    if shutil.which("java") is None:
        pytest.skip("DL reasoning skipped: no Java runtime (apt-get install default-jdk-headless)")
    import owlready2
    import pyoxigraph as ox

    data = (ROOT / "ontology" / "crd.ttl").read_bytes()
    nt = tmp_path / "crd.nt"
    nt.write_bytes(ox.serialize([ox.Triple(q.subject, q.predicate, q.object)
                                 for q in ox.parse(data, format=ox.RdfFormat.TURTLE)], format=ox.RdfFormat.N_TRIPLES))
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []
