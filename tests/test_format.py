"""`crdkg format` never changes a graph: it writes the canonical form when that holds the same
graph, literal for literal, and otherwise leaves the file as it was with a one-line error
(exit code 2). Files are replaced atomically."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import ROOT, run_cli
from crdkg.errors import InputError
from crdkg.format import format_files

HEAD = "@prefix ex: <https://example.org/f/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def _write(tmp_path: Path, body: str, name: str = "f.ttl") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "body"), [
    ("a blank-node cycle", "ex:a ex:p _:x . _:x ex:p _:y . _:y ex:p _:x .\n"),
    ("a blank-node self-loop", "_:x ex:p _:x ; ex:q 1 .\n"),
    ("a shared blank node", "ex:a ex:p _:x . ex:b ex:p _:x . _:x ex:q 1 .\n"),
])
def test_the_formatter_refuses_what_it_cannot_write_without_changing_the_graph(tmp_path, name, body):
    path = _write(tmp_path, body)
    before = path.read_bytes()
    run = run_cli("format", str(path))
    assert run.code == 2, (name, run)
    assert "without changing its graph" in run.err and len(run.err.strip().splitlines()) == 1, run.err
    assert path.read_bytes() == before


def test_lexical_forms_are_kept_or_the_file_is_refused(tmp_path):
    path = _write(tmp_path, 'ex:a ex:n "01"^^xsd:integer ; ex:d "4.0"^^xsd:decimal ; ex:b "1"^^xsd:boolean .\n')
    before = path.read_bytes()
    run = run_cli("format", str(path))
    if run.code == 0:  # written: the literals must be exactly as they were
        graph = rdflib.Graph()
        with _unnormalized():
            graph.parse(path)
        assert {str(o) for o in graph.objects()} == {"01", "4.0", "1"}
    else:
        assert run.code == 2 and path.read_bytes() == before


def test_a_relative_iri_is_refused_not_made_absolute(tmp_path):
    path = _write(tmp_path, "<thing> ex:p ex:o .\n")
    run = run_cli("format", str(path))
    assert run.code == 2 and "relative IRI (<thing>)" in run.err, run.err


def test_comments_are_kept_or_the_file_is_refused(tmp_path):
    path = _write(tmp_path, "# why this is here\nex:a ex:p ex:o .\n")
    before = path.read_bytes()
    run = run_cli("format", str(path))
    assert run.code == 2 and "why this is here" in run.err and f"{path}:3" in run.err, run.err
    assert path.read_bytes() == before
    assert run_cli("format", str(path), "--drop-comments").code == 0
    assert "why this is here" not in path.read_text(encoding="utf-8")
    # a '#' in an IRI or a string is no comment
    path = _write(tmp_path, 'ex:a ex:p <https://example.org/f/x#y> ; ex:q "# not a comment" .\n')
    assert run_cli("format", str(path)).code == 0


def test_n_triples_and_folders_and_unreadable_files_are_one_line_errors(tmp_path):
    nt = tmp_path / "f.nt"
    nt.write_text("<https://e/a> <https://e/p> <https://e/o> .\n", encoding="utf-8")
    for target, words in ((nt, "Turtle (.ttl) only"), (tmp_path, "Turtle (.ttl) only")):
        run = run_cli("format", str(target))
        assert run.code == 2 and words in run.err and "Traceback" not in run.err, run.err
    folder = tmp_path / "dir.ttl"
    folder.mkdir()
    run = run_cli("format", str(folder))
    assert run.code == 2 and "is a folder" in run.err, run.err
    if os.geteuid() != 0:  # root reads everything
        locked = _write(tmp_path, "ex:a ex:p ex:o .\n", "locked.ttl")
        locked.chmod(0)
        run = run_cli("format", str(locked))
        assert run.code == 2 and "cannot read" in run.err


def test_nothing_is_written_when_one_file_of_several_is_refused(tmp_path):
    good = _write(tmp_path, "ex:b ex:p ex:o . ex:a ex:p ex:o .\n", "good.ttl")
    bad = _write(tmp_path, "_:x ex:p _:x .\n", "bad.ttl")
    before = good.read_bytes()
    assert run_cli("format", str(good), str(bad)).code == 2
    assert good.read_bytes() == before


def test_a_full_disk_leaves_the_file_as_it_was(tmp_path):
    """The disk fills while the new text is flushed (os.fsync fails with ENOSPC, as on a full
    file system): one line, exit 2, the file unchanged and no temporary file left."""
    path = _write(tmp_path, "ex:b ex:p ex:o . ex:a ex:p ex:o .\n")
    before = path.read_bytes()
    code = ("import errno, os, sys\n"
            "real = os.fsync\n"
            "def full(fd): raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "os.fsync = full\n"
            "from crdkg.cli import main\n"
            f"sys.exit(main(['format', {str(path)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "No space left on device" in proc.stderr and "left as it was" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_killed_write_leaves_the_old_file_whole(tmp_path):
    """The new text goes to a temporary file that is renamed over the old one: killed before
    the rename, the old file is whole (it was left at 0 bytes)."""
    path = _write(tmp_path, "ex:b ex:p ex:o . ex:a ex:p ex:o .\n")
    before = path.read_bytes()
    code = ("import os, signal\n"
            "def stop(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
            "os.replace = stop\n"
            "from crdkg.cli import main\n"
            f"main(['format', {str(path)!r}])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == -9
    assert path.read_bytes() == before


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_format_left_hidden_tmp_files_after_a_kill(tmp_path, how):
    """Terminated or interrupted while the new text is written (before the rename): exit 130,
    one line, the old file whole and no temporary file beside it."""
    path = _write(tmp_path, "ex:b ex:p ex:o . ex:a ex:p ex:o .\n")
    before = path.read_bytes()
    code = ("import os, signal\n"
            f"def stop(fd): os.kill(os.getpid(), signal.{how})\n"
            "os.fsync = stop\n"
            "from crdkg.cli import main\n"
            f"raise SystemExit(main(['format', {str(path)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (proc.returncode, proc.stderr) == (130, "crdkg: interrupted\n")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_format_sweeps_the_tmp_files_a_killed_run_left(tmp_path):
    """A run killed outright (SIGKILL) leaves its temporary file; the next run on that file removes
    it once it is an hour old, and leaves alone files that are not crdkg's or are recent."""
    path = _write(tmp_path, "ex:b ex:p ex:o . ex:a ex:p ex:o .\n")
    stale = tmp_path / ".f.ttl.crdkg.k3j9x_2a.tmp"
    recent = tmp_path / ".f.ttl.crdkg.abcdefgh.tmp"
    other = tmp_path / ".f.ttl.mine.tmp"
    for p in (stale, recent, other):
        p.write_text("half a file")
    two_hours_ago = os.path.getmtime(path) - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    r = run_cli("format", str(path))
    assert r.code == 0, r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, recent.name, other.name])
    os.utime(recent, (two_hours_ago, two_hours_ago))
    assert run_cli("format", str(path)).code == 0  # in canonical form now: nothing to write, still swept
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, other.name])


def test_generated_graphs_keep_their_graph_through_the_formatter(tmp_path):
    """A property test: random graphs (IRIs, literals of many datatypes and languages, blank
    nodes in trees) are formatted, and the file parses to the same graph, or is refused."""
    rng = random.Random(20261201)
    literals = ['"x"', '"x"@en', '"鄂"@zh', '"42"^^xsd:integer', '"2.50"^^xsd:decimal',
                '"true"^^xsd:boolean', '"2020"^^xsd:gYear', '"2020-01-01"^^xsd:date', '"a\\nb"',
                '"""long\nstring"""', '"5"^^xsd:int']
    written = refused = 0
    for i in range(40):
        lines = []
        for s in range(rng.randint(1, 6)):
            props = []
            for _ in range(rng.randint(1, 4)):
                obj = rng.choice([f"ex:o{rng.randint(0, 5)}", rng.choice(literals),
                                  f"[ ex:q {rng.choice(literals)} ; ex:r ex:o1 ]"])
                props.append(f"ex:p{rng.randint(0, 3)} {obj}")
            lines.append(f"ex:s{s} " + " ; ".join(props) + " .")
        path = _write(tmp_path, "\n".join(lines) + "\n", f"g{i}.ttl")
        with _unnormalized():
            before = rdflib.Graph().parse(path)
        try:
            format_files([path])
        except InputError:
            refused += 1
            continue
        written += 1
        with _unnormalized():
            after = rdflib.Graph().parse(path)
        assert isomorphic(before, after), path.read_text(encoding="utf-8")
        def lits(g):
            return sorted((str(o), str(o.datatype), o.language or "") for o in g.objects() if isinstance(o, rdflib.Literal))

        assert lits(before) == lits(after)
    assert written >= 30, (written, refused)


@pytest.mark.parametrize("literal", ['"-0"^^xsd:integer', '"1e3"^^xsd:double', '"1.5E3"^^xsd:double'])
def test_a_literal_the_writer_would_change_is_refused_not_rewritten(tmp_path, literal):
    """rdflib's Turtle writer changes these lexical forms; the check after writing catches it."""
    path = _write(tmp_path, f"ex:a ex:p {literal} .\n")
    before = path.read_bytes()
    run = run_cli("format", str(path))
    assert run.code == 2 and "without changing its graph" in run.err
    assert path.read_bytes() == before


class _unnormalized:
    def __enter__(self):
        self.before = rdflib.NORMALIZE_LITERALS
        rdflib.NORMALIZE_LITERALS = False

    def __exit__(self, *exc):
        rdflib.NORMALIZE_LITERALS = self.before


def test_a_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes("\ufeff".encode() + (HEAD + "ex:a ex:p ex:o .\n").encode())
    assert run_cli("format", "--check", str(path)).code == 1  # the canonical form has no BOM
    assert run_cli("format", str(path)).code == 0
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_blank_nodes_come_out_in_one_order_whatever_the_order_written(tmp_path):
    """The canonical form listed blank-node objects in the order of their labels, which the
    parser gives in the order it reads them: the same graph written two ways came out two ways,
    and `format --check` failed right after `format` (found on the statistics' structure)."""
    one = "ex:a ex:c [ ex:v 1 ; ex:w ex:x ] , [ ex:v 2 ] , [ ex:v 3 ; ex:n [ ex:v 4 ] ] .\n"
    two = "ex:a ex:c [ ex:v 3 ; ex:n [ ex:v 4 ] ] , [ ex:v 2 ] , [ ex:w ex:x ; ex:v 1 ] .\n"
    a, b = _write(tmp_path, one, "a.ttl"), _write(tmp_path, two, "b.ttl")
    assert run_cli("format", str(a), str(b)).code == 0
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    assert run_cli("format", "--check", str(a), str(b)).code == 0


def test_a_decimal_without_a_point_is_written_in_full_not_changed(tmp_path):
    """rdflib writes "1364"^^xsd:decimal as 1364.0, another lexical form: it is written as it is."""
    path = _write(tmp_path, 'ex:a ex:p "1364"^^xsd:decimal , 2.5 .\n')
    assert run_cli("format", str(path)).code == 0
    text = path.read_text(encoding="utf-8")
    assert '"1364"^^xsd:decimal' in text and "2.5" in text and "1364.0" not in text


def test_a_new_file_gets_the_mode_a_plain_write_gives(tmp_path):
    """write_atomically made new files 0600 (mkstemp's mode), as the statistics builder found."""
    from crdkg.format import write_atomically

    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.ttl", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.ttl").stat().st_mode & 0o777 == 0o644


def test_format_printed_rdflib_s_tracebacks_and_errors_without_a_line(tmp_path):
    """An ill-typed literal ("abc"^^xsd:integer, 30 February) is kept as written, with nothing on
    stderr (rdflib logged a traceback for each); a syntax error names its line and column."""
    ill = _write(tmp_path, 'ex:a ex:b "abc"^^xsd:integer ; ex:c "2019-02-30"^^xsd:date .\n')
    r = run_cli("format", str(ill))
    assert (r.code, r.err) == (0, "")
    assert '"abc"^^xsd:integer' in ill.read_text() and '"2019-02-30"^^xsd:date' in ill.read_text()
    bad = _write(tmp_path, 'ex:a ex:b "x"\n', name="bad.ttl")
    before = bad.read_bytes()
    r = run_cli("format", str(bad))
    assert (r.code, r.err) == (2, f"crdkg: error: {bad}:4:1: Triples should be followed by a dot\n")
    assert bad.read_bytes() == before


def _nested(depth: int) -> str:
    return "@prefix ex: <https://e/> .\nex:a ex:p " + "[ ex:p " * depth + "ex:z" + " ]" * depth + " .\n"


def test_blank_nodes_nested_a_thousand_deep_failed_where_validate_reads_them(tmp_path):
    """rdflib recursed past Python's limit ("maximum recursion depth exceeded"), and the
    canonical form's labels and its check took quadratic time."""
    path = tmp_path / "deep.ttl"
    path.write_text(_nested(1000), encoding="utf-8")
    r = run_cli("format", str(path))
    assert (r.code, r.out, r.err) == (0, f"{path}: rewritten\n", "")
    assert run_cli("format", "--check", str(path)).code == 0
    import pyoxigraph as ox

    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 1001 and sum(1 for t in triples if t.object == ox.NamedNode("https://e/z")) == 1


def test_nesting_deeper_than_the_formatter_writes_is_refused_and_left_as_it_is(tmp_path):
    from crdkg.format import MAX_NESTING

    path = tmp_path / "deeper.ttl"
    path.write_text(_nested(MAX_NESTING + 1), encoding="utf-8")
    before = path.read_bytes()
    r = run_cli("format", str(path))
    assert r.code == 2 and r.err == (f"crdkg: error: {path}: blank nodes nested deeper than {MAX_NESTING} levels; "
                                     "crdkg format reads and writes at most that many (left as it is)\n")
    assert path.read_bytes() == before


def test_a_literal_over_16_mib_took_gigabytes_and_is_refused_at_once(tmp_path):
    """rdflib grew to 6 GB over 23 s on a 50 MB literal, which validate refuses: Oxigraph now
    reads a large file first and refuses it."""
    path = tmp_path / "big.ttl"
    path.write_text('<https://e/a> <https://e/b> "' + "x" * (17 * 1024 * 1024) + '" .\n', encoding="utf-8")
    r = run_cli("format", "--check", str(path), timeout=60)
    assert r.code == 2 and r.err.startswith(f"crdkg: error: {path}: a single literal or IRI is larger than the "
                                            "parser's limit of 16 MiB")
