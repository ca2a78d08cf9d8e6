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
