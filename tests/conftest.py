"""Shared fixtures: the shipped graph parsed once, engines over it, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

# The tests never read or write the user's own cache (parsed query headers, stores of --data
# inputs): one folder of their own per run, which the commands they start inherit.
os.environ["CRDKG_CACHE_DIR"] = __import__("tempfile").mkdtemp(prefix="crdkg-test-cache-")


@pytest.fixture(scope="session")
def kg():
    from crdkg.graph import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def engine(kg):
    from crdkg.api import embedded_engine

    return embedded_engine(kind="oxigraph", graph=kg)


@pytest.fixture(scope="session")
def rdflib_engine(kg):
    from crdkg.api import embedded_engine

    return embedded_engine(kind="rdflib", graph=kg)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 120) -> Run:
    """Run ``python -m crdkg`` in a subprocess: real exit codes, real stderr."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "crdkg", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd or ROOT, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server, one per test module, stopped even when tests fail."""
    from server import OxigraphServer

    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    try:
        yield server
    finally:
        server.stop()


STORES = ("oxigraph", "virtuoso")


def start_store(kind: str, location: Path):
    """A real triple store of the kind named, started on 127.0.0.1 (Virtuoso skips the test
    with a message where Debian's package is not installed)."""
    from server import VIRTUOSO_MISSING, OxigraphServer, VirtuosoServer, virtuoso_available

    if kind == "virtuoso":
        if not virtuoso_available():
            pytest.skip(VIRTUOSO_MISSING)
        return VirtuosoServer(location).start()
    return OxigraphServer(location).start()


@pytest.fixture(scope="module", params=STORES)
def store_server(request, tmp_path_factory):
    """Each real store in turn (Oxigraph, Virtuoso), one per test module, stopped even when
    tests fail. Its write credentials are in ``server.credentials`` (see ``credentials``)."""
    server = start_store(request.param, tmp_path_factory.mktemp(request.param))
    try:
        yield server
    finally:
        server.stop()


def with_credentials(server, monkeypatch) -> None:
    for key, value in server.credentials.items():
        monkeypatch.setenv(key, value)


@pytest.fixture(params=STORES)
def fresh_store(request, tmp_path, monkeypatch):
    """Each real store in turn, of the test's own (for tests that stop or break it); its
    credentials are in the environment."""
    server = start_store(request.param, tmp_path / "store")
    with_credentials(server, monkeypatch)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A real Oxigraph server of the test's own (for tests that stop or break it)."""
    from server import OxigraphServer

    server = OxigraphServer(tmp_path / "store").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def served():
    """``crdkg serve`` on a free port of 127.0.0.1, one per test module, stopped even when tests fail."""
    from test_serve import Served

    s = Served()
    try:
        yield s
    finally:
        s.stop()
