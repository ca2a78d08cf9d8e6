"""The cache of parsed graphs: built once, opened afterwards, never stale."""

from __future__ import annotations

import pytest

from crdkg.errors import InputError
from crdkg.graph import load_graph


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CRDKG_CACHE_DIR", str(folder))
    return folder


def _data(path, label):
    path.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    f'<https://example.org/x> rdfs:label "{label}"@en .\n', encoding="utf-8")


def _label(graph):
    res = graph.store.query("SELECT ?l WHERE { <https://example.org/x> ?p ?l }", default_graph=graph.query_graphs())
    return [s["l"].value for s in res]


def test_cache_is_built_once_and_reused(cache_dir, tmp_path):
    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    g1 = load_graph(extra=[mine], cache=True)
    assert _label(g1) == ["first"]
    entries = [d for d in cache_dir.iterdir() if (d / "complete").exists()]
    assert len(entries) == 1
    del g1
    g2 = load_graph(extra=[mine], cache=True)
    assert _label(g2) == ["first"]
    assert len([d for d in cache_dir.iterdir() if (d / "complete").exists()]) == 1
    assert g2.count(["ontology", "data"]) == load_graph(cache=False).count(["ontology", "data"])


def test_cache_is_never_stale(cache_dir, tmp_path):
    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    load_graph(extra=[mine], cache=True)
    _data(mine, "second")  # same size, maybe the same mtime: the contents decide
    assert _label(load_graph(extra=[mine], cache=True)) == ["second"]


def test_parse_error_leaves_no_cache_behind(cache_dir, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_graph(extra=[bad], cache=True)
    assert err.value.path == str(bad) and err.value.line == 2
    assert not any(cache_dir.iterdir())


def test_small_inputs_are_not_cached(cache_dir, tmp_path):
    mine = tmp_path / "mine.ttl"
    _data(mine, "small")
    load_graph(extra=[mine])
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_a_file_replaced_between_hashing_and_parsing_cannot_poison_the_entry(cache_dir, tmp_path, monkeypatch):
    """The entry was keyed on one content and built from another, for good; now it is built
    from the very bytes that were hashed."""
    import crdkg.cache as cache

    mine = tmp_path / "mine.ttl"
    _data(mine, "hashed")
    real = cache.read_files

    def read_then_replace(files):
        out = real(files)
        _data(mine, "replaced")  # the file changes after it was read and hashed
        return out

    monkeypatch.setattr(cache, "read_files", read_then_replace)
    assert _label(load_graph(extra=[mine], cache=True)) == ["hashed"]
    monkeypatch.undo()
    assert _label(load_graph(extra=[mine], cache=True)) == ["replaced"]  # a new key for the new content
    _data(mine, "hashed")
    assert _label(load_graph(extra=[mine], cache=True)) == ["hashed"]


def test_a_corrupt_entry_is_built_again(cache_dir, tmp_path):
    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    load_graph(extra=[mine], cache=True)
    (entry,) = [d for d in cache_dir.iterdir() if (d / "complete").exists()]
    import shutil

    shutil.rmtree(entry / "store")
    (entry / "store").write_text("not a store", encoding="utf-8")
    assert _label(load_graph(extra=[mine], cache=True)) == ["first"]


def test_a_corrupt_cache_entry_grew_to_18_gb(cache_dir, tmp_path, capsys):
    """64 bytes flipped in the largest file of an entry's store (pyoxigraph read such an entry
    without end): found before the store is opened, reported in one line, removed and built
    again; the answer is right and the next run uses the new entry silently."""
    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    load_graph(extra=[mine], cache=True)
    (entry,) = [d for d in cache_dir.iterdir() if (d / "complete").exists()]
    largest = max((f for f in (entry / "store").iterdir() if f.is_file()), key=lambda f: f.stat().st_size)
    data = bytearray(largest.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    largest.write_bytes(bytes(data))
    capsys.readouterr()
    assert _label(load_graph(extra=[mine], cache=True)) == ["first"]
    err = capsys.readouterr().err
    assert err == (f"crdkg: warning: the cache entry {entry} is corrupt: {largest.name} is not as it was written; "
                   "it is removed and built again\n")
    assert _label(load_graph(extra=[mine], cache=True)) == ["first"]
    assert capsys.readouterr().err == ""


def test_an_entry_without_its_record_is_built_again(cache_dir, tmp_path, capsys):
    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    load_graph(extra=[mine], cache=True)
    (entry,) = [d for d in cache_dir.iterdir() if (d / "complete").exists()]
    (entry / "complete").write_text("")  # as an older crdkg left it
    capsys.readouterr()
    assert _label(load_graph(extra=[mine], cache=True)) == ["first"]
    assert "has no record of its files" in capsys.readouterr().err


def test_an_unusable_cache_falls_back_to_memory_with_a_warning(tmp_path):
    from conftest import run_cli

    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    with open(mine, "a", encoding="utf-8") as f:  # large enough for the cache (crdkg.cache.MIN_BYTES)
        f.write("# " + "x" * (4 * 1024 * 1024) + "\n")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    r = run_cli("query", "--data", str(mine), "--cache", "--format", "csv", "--query",
                "SELECT ?l WHERE { <https://example.org/x> ?p ?l }",
                env={"CRDKG_CACHE_DIR": str(not_a_folder / "cache")})
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["l", "first"]
    assert "warning: the cache cannot be used" in r.err and len(r.err.strip().splitlines()) == 1


def test_a_killed_build_leaves_no_folder_behind_for_good(cache_dir, tmp_path):
    mine = tmp_path / "mine.ttl"
    _data(mine, "first")
    cache_dir.mkdir(parents=True)
    dead = cache_dir / "0123abcd.building-999999999"  # no such process
    (dead / "store").mkdir(parents=True)
    load_graph(extra=[mine], cache=True)
    assert not dead.exists()


def test_the_cache_is_used_only_when_asked(tmp_path):
    """A large --data file is parsed into memory unless --cache (or CRDKG_CACHE=1) asks for
    the on-disk store, which queries that follow many links find slower."""
    from conftest import run_cli

    mine = tmp_path / "mine.ttl"
    _data(mine, "big")
    with open(mine, "a", encoding="utf-8") as f:  # large enough for the cache (crdkg.cache.MIN_BYTES)
        f.write("# " + "x" * (4 * 1024 * 1024) + "\n")
    folder = tmp_path / "cache"
    query = ["query", "--data", str(mine), "--format", "csv", "--query", "SELECT ?l WHERE { <https://example.org/x> ?p ?l }"]
    r = run_cli(*query, env={"CRDKG_CACHE_DIR": str(folder)})
    assert r.code == 0 and r.out.splitlines() == ["l", "big"]
    assert not folder.exists() or all(p.name == "headers" for p in folder.iterdir())  # no store built
    r = run_cli(*query, "--cache", env={"CRDKG_CACHE_DIR": str(folder)})
    assert r.code == 0 and r.out.splitlines() == ["l", "big"]
    assert any(p.name != "headers" for p in folder.iterdir())  # a store was built
    r = run_cli(*query, "--cache", "--no-cache")
    assert r.code == 2 and "--cache and --no-cache cannot go together" in r.err
