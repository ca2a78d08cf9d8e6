"""A real Oxigraph SPARQL server for the tests, on 127.0.0.1 with a free port and a
temporary folder; stopped in fixture teardown even when tests fail."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    found = str(local) if local.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is missing: pip install oxigraph (a test dependency)")
    return found


@dataclass
class OxigraphServer:
    location: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def start(self) -> OxigraphServer:
        self.port = self.port or free_port()
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.process.stderr.read().decode()[:500]}")
            try:
                urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process and self.process.stderr:
            self.process.stderr.close()

    def update(self, text: str) -> None:
        data = urllib.parse.urlencode({"update": text}).encode()
        urllib.request.urlopen(urllib.request.Request(self.update_url, data=data), timeout=30).read()

    def select(self, text: str) -> list[dict]:
        import json

        req = urllib.request.Request(self.query_url, data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
        doc = json.loads(urllib.request.urlopen(req, timeout=30).read())
        return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]

    def graph_counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
                           "{ ?s ?p ?o BIND('default' AS ?g) } } GROUP BY ?g")
        return {r["g"]: int(r["n"]) for r in rows}

