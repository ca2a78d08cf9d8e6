"""Real triple stores for the tests, on 127.0.0.1 with free ports and a temporary folder:
the Oxigraph server (from PyPI) and Virtuoso 7 (from Debian); stopped in fixture teardown
even when tests fail."""

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


def stop_process(process: subprocess.Popen | None) -> None:
    """Stop a server process of the tests: terminate, then kill if it lingers; close its pipe."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process and process.stderr:
        process.stderr.close()


@dataclass
class StoreServer:
    """What the tests need of a store: its URLs, credentials, and a way to read and write it
    that does not go through crdkg."""

    location: Path
    port: int = 0
    process: subprocess.Popen | None = None
    #: whether the store has a default graph of its own to write to
    has_default_graph = True

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def credentials(self) -> dict[str, str]:
        """Environment variables with the credentials the write endpoints want."""
        return {}

    def stop(self) -> None:
        stop_process(self.process)

    def select(self, text: str) -> list[dict]:
        import json

        req = urllib.request.Request(self.query_url, data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
        doc = json.loads(urllib.request.urlopen(req, timeout=30).read())
        return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


@dataclass
class OxigraphServer(StoreServer):
    name = "oxigraph"

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

    def update(self, text: str) -> None:
        data = urllib.parse.urlencode({"update": text}).encode()
        urllib.request.urlopen(urllib.request.Request(self.update_url, data=data), timeout=30).read()

    def graph_counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
                           "{ ?s ?p ?o BIND('default' AS ?g) } } GROUP BY ?g")
        return {r["g"]: int(r["n"]) for r in rows}



#: Where Debian's package puts the Virtuoso server and its configuration.
VIRTUOSO_BINARY = "virtuoso-t"
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_MISSING = ("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; "
                    ".ci/run installs it, so CI runs these tests)")


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO_BINARY) is not None and VIRTUOSO_INI.exists()


@dataclass
class VirtuosoServer(StoreServer):
    """OpenLink Virtuoso 7 from Debian, on 127.0.0.1 with free ports and its database in a
    temporary folder (Debian's own configuration file, with its paths and ports changed).
    Its write endpoints want HTTP Digest authentication as ``dba`` (the default password)."""

    sql_port: int = 0
    name = "virtuoso"
    user = "dba"
    password = "dba"
    #: Virtuoso has no default graph of its own to write to: its default graph is the union
    has_default_graph = False

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def update_url(self) -> str:
        return self.base + "/sparql-auth"

    @property
    def store_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    @property
    def credentials(self) -> dict[str, str]:
        return {"CRDKG_ENDPOINT_USER": self.user, "CRDKG_ENDPOINT_PASSWORD": self.password}

    def _ini(self) -> Path:
        import configparser

        ini = configparser.ConfigParser(strict=False, interpolation=None, inline_comment_prefixes=(";",))
        ini.optionxform = str  # keep the keys' case
        ini.read(VIRTUOSO_INI)
        db = self.location
        for key, name in (("DatabaseFile", "virtuoso.db"), ("ErrorLogFile", "virtuoso.log"),
                          ("LockFile", "virtuoso.lck"), ("TransactionFile", "virtuoso.trx"),
                          ("xa_persistent_file", "virtuoso.pxa")):
            ini["Database"][key] = str(db / name)
        ini["TempDatabase"]["DatabaseFile"] = str(db / "virtuoso-temp.db")
        ini["TempDatabase"]["TransactionFile"] = str(db / "virtuoso-temp.trx")
        ini["Parameters"]["ServerPort"] = f"127.0.0.1:{self.sql_port}"
        ini["Parameters"]["DirsAllowed"] = f"., {db}"
        ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{self.port}"
        path = db / "virtuoso.ini"
        with open(path, "w") as fh:
            ini.write(fh)
        return path

    def start(self) -> VirtuosoServer:
        self.location.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.sql_port = self.sql_port or free_port()
        ini = self._ini()
        self.process = subprocess.Popen([VIRTUOSO_BINARY, "-f", "-c", str(ini)], cwd=self.location,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {self.process.stderr.read().decode()[-500:]}")
            try:
                self.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
                return self
            except (OSError, ValueError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("Virtuoso did not answer within 60 s")

    def _opener(self) -> urllib.request.OpenerDirector:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, self.base, self.user, self.password)
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))

    def update(self, text: str) -> None:
        data = urllib.parse.urlencode({"query": text}).encode()
        self._opener().open(urllib.request.Request(self.update_url, data=data), timeout=30).read()

    def graph_counts(self) -> dict[str, int]:
        """Triples per graph, without Virtuoso's own graphs (its system graphs and the
        graphs of its documentation, which all live under its own host names)."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        own = ("http://www.openlinksw.com/", "http://localhost:8890/", "http://www.w3.org/",
               "urn:activitystreams-owl:map", "http://www.w3.org/ns/ldp#", f"{self.base}/")
        return {r["g"]: int(r["n"]) for r in rows if not r["g"].startswith(own)}


APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")


class ApacheServer:
    """Debian's Apache on 127.0.0.1 (a free port), serving ``root`` with ``.htaccess`` files
    allowed, as w3id.org's server does: mod_rewrite, mod_mime, mod_dir. Started and stopped by
    the tests; its error log stays in ``folder``."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder, self.root = folder, root
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ApacheServer:
        import getpass
        import time
        import urllib.error
        import urllib.request

        user = "User www-data\nGroup www-data\n" if getpass.getuser() == "root" else ""
        modules = "".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so\n"
                          for name in ("mpm_event", "authz_core", "rewrite", "mime", "dir", "alias"))
        config = self.folder / "httpd.conf"
        config.write_text(
            f"ServerRoot {self.folder}\nServerName 127.0.0.1\nListen 127.0.0.1:{self.port}\n"
            f"PidFile {self.folder}/httpd.pid\nErrorLog {self.folder}/error.log\nLogLevel warn\n{modules}{user}"
            f"TypesConfig /etc/mime.types\nDocumentRoot {self.root}\nDirectoryIndex index.html\n"
            f"<Directory {self.root}>\n  Options FollowSymLinks\n  AllowOverride All\n  Require all granted\n"
            f"</Directory>\n", encoding="utf-8")
        if user:  # www-data must read what the tests wrote under root's temporary folders
            for path in (self.root, *self.root.parents):
                if path != Path("/"):
                    path.chmod(path.stat().st_mode | 0o005)
        self.process = subprocess.Popen([str(APACHE), "-f", str(config), "-DFOREGROUND"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"apache2 ended: {err} {(self.folder / 'error.log').read_text(errors='replace')}")
            try:
                urllib.request.urlopen(self.base + "/", timeout=5).close()
                return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("apache2 did not answer within 60 s")

    def stop(self) -> None:
        stop_process(self.process)


def w3id_apache(folder: Path, *, target: str | None = None, static_site: Path | None = None) -> ApacheServer:
    """Apache laid out as w3id.org is: a folder ``crdkg/`` holding the rules that ``crdkg
    redirects`` writes, for ``crdkg serve`` at ``target`` or for ``static_site``, which the same
    Apache then serves under ``/site/``. Skips the test where Debian's apache2 is missing."""
    import pytest

    if not APACHE.exists():
        pytest.skip("Debian's apache2 is not installed (apt-get install apache2): the w3id redirects are "
                    "tested in a real Apache")
    root = folder / "htdocs"
    (root / "crdkg").mkdir(parents=True)
    apache = ApacheServer(folder, root)
    if static_site is not None:
        shutil.copytree(static_site, root / "site")
        options = ["--static", "--target", f"{apache.base}/site/"]
    else:
        assert target is not None
        options = ["--target", target]
    rules = subprocess.run([sys.executable, "-m", "crdkg", "redirects", *options], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    (root / "crdkg" / ".htaccess").write_text(rules, encoding="utf-8")
    return apache.start()
