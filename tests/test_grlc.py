"""The stored queries in grlc itself (its Python package, a test dependency), in its local
mode: grlc reads the files of ``queries/`` and sends what it makes of them to a real Oxigraph
server on 127.0.0.1, loaded by ``crdkg load``. grlc pastes each value into the text in place
of the parameter's variable (``?_region_iri``, ``?__lang``), so an IRI parameter takes the
full IRI there; with the same values, every query gives in grlc what ``crdkg query`` gives."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from crdkg import resources
from crdkg.catalogue import load_catalogue
from crdkg.compare import comparable
from crdkg.engines.endpoint import parse_json_results
from crdkg.load import load_into_store
from crdkg.querying import bind_parameters, run_stored
from samples import every_parameter, without_computed
from server import free_port

pytestmark = pytest.mark.server
CATALOGUE = load_catalogue()
#: grlc rewrites only SELECT and CONSTRUCT queries (it sends an ASK with no value bound), and
#: by plain text replacement, so a variable that begins another (find-exact's ?_text and
#: ?_text_en) is pasted into both
NOT_IN_GRLC = {q.name for q in CATALOGUE if q.form == "ask" or q.tagged}


def grlc_installed() -> bool:
    try:
        import grlc  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def grlc_server(oxigraph_server, tmp_path_factory):
    if not grlc_installed():
        pytest.skip("grlc is not installed (pip install -e '.[test]' installs it)")
    load_into_store(gsp=oxigraph_server.store_url, update=oxigraph_server.update_url,
                    query=oxigraph_server.query_url)
    home = tmp_path_factory.mktemp("grlc")
    shutil.copytree(resources.query_dir(), home / "queries", ignore=shutil.ignore_patterns("checks"))
    (home / "config.ini").write_text(f"[local]\nlocal_sparql_dir = {home / 'queries'}\n"
                                     f"[defaults]\nsparql_endpoint = {oxigraph_server.query_url}\n")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", f"from grlc.server import app; app.run(host='127.0.0.1', port={port})"],
        cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        # ready when it accepts a connection: a cheap probe (its swagger page parses every query,
        # 12-16 s on a loaded machine), bounded by a deadline generous enough for a busy host
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"grlc exited: {process.stderr.read().decode()[-800:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("grlc did not accept a connection within 180 s") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def ask_grlc(base: str, name: str, params: dict[str, str], form: str):
    url = f"{base}/api-local/{name}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    accept = "application/n-triples" if form == "construct" else "application/sparql-results+json"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as resp:
        body = resp.read()
    if form == "construct":
        return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    return parse_json_results(json.loads(body), form="select", where=url)


def as_grlc_values(query, terms) -> dict[str, str]:
    """The values as grlc takes them: the text it pastes between <> or quotes."""
    return {name: term.value for name, term in terms.items()}


CASES = []
for q in CATALOGUE:
    if q.name in NOT_IN_GRLC:
        continue
    CASES.append((q.name, "defaults"))
    if q.params:
        CASES.append((q.name, "every parameter"))


@pytest.mark.parametrize(("name", "given"), CASES, ids=[f"{n}-{g.replace(' ', '-')}" for n, g in CASES])
def test_grlc_gives_crdkg_answers(name, given, grlc_server, engine):
    query = CATALOGUE[name]
    raw = every_parameter(query) if given == "every parameter" else query.example_params()
    terms = bind_parameters(query, raw, engine)
    given_terms = {k: v for k, v in terms.items() if k in raw}
    expected = without_computed(run_stored(query, engine, raw), query)  # grlc runs the text alone
    got = ask_grlc(grlc_server, name, as_grlc_values(query, given_terms), query.form)
    if query.form == "construct":  # the same triples, blank nodes aside
        def ground(triples):
            return {str(t) for t in triples if not any(isinstance(x, ox.BlankNode) for x in t)}

        assert len(got) == len(expected.triples) > 0
        assert ground(got) == ground(expected.triples)
        return
    assert got.variables == expected.variables
    assert len(got.rows) == len(expected.rows) > 0
    assert comparable(got, ordered=query.ordered) == comparable(expected, ordered=query.ordered)


def test_a_region_in_grlc_is_bound(grlc_server):
    """The bug this fixed: grlc ignored every parameter (33 rows for any region)."""
    got = ask_grlc(grlc_server, "divisions-in-region", {"region": "https://w3id.org/crdkg/id/region/west"}, "select")
    assert len(got.rows) == 12


def test_grlc_lists_each_parameter(grlc_server):
    """grlc's API description names each parameter of the query, required or not as declared."""
    spec = json.loads(urllib.request.urlopen(grlc_server + "/api-local/swagger", timeout=180).read())
    for q in CATALOGUE:
        if q.name in NOT_IN_GRLC:
            continue
        params = {p["name"]: p["required"] for p in spec["paths"][f"/{q.name}"]["get"].get("parameters", [])
                  if p["in"] == "query" and p["name"] not in ("endpoint", "page", "per_page")}
        assert params == {p.name: p.required for p in q.params}, q.name
