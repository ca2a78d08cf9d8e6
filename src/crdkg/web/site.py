"""``crdkg site --out DIR``: the pages of ``crdkg serve`` written as files that any static
host serves: the home page, the stored queries (each with its result for its example
values), a page per resource of crdkg's own, the map, the statistics page (with Chart.js
copied in), in English and in Chinese (``zh/``), the OpenAPI document, the downloads
the home page lists (each named graph as ``graph/PART.ttl``, the dataset's description as
``void.ttl``), and each thing at its IRI's path (``id/PATH.ttl``, ``.jsonld``, ``.nt``,
``.rdf``, and ``id/PATH.html`` leading to its page), where the redirects of
:mod:`crdkg.w3id` send clients. Written into a
new folder that then replaces ``DIR`` whole.

Only a folder that crdkg wrote is ever replaced: ``DIR`` must be missing, empty, or an
earlier site (it holds the marker file :data:`MARKER`); anything else is refused unless the
user says ``force``, and ``.``, ``/``, the home folder and crdkg's own folders never."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..api import catalogue
from ..engines.base import Engine
from ..namespaces import CRDID, GRAPHS, split_iri
from . import pages, statistics
from .linkeddata import DOCUMENT_PARTS, rdf

#: the file that marks a folder as a site crdkg wrote (and so one it may replace)
MARKER = ".crdkg-site"


def check_target(out: str | os.PathLike[str], *, force: bool = False, endpoint: str | None = None) -> Path:
    """The folder to write, after the checks that keep a user's files safe: a one-line
    :class:`~crdkg.errors.CrdkgError` for a folder crdkg must not replace, and for an
    ``endpoint`` that is not an http(s) URL."""
    from .. import resources as shipped
    from ..errors import CrdkgError

    if endpoint is not None:
        import urllib.parse

        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise CrdkgError(f"--endpoint {endpoint!r} is not an http(s) URL (e.g. https://example.org/sparql)")
    target = Path(out)
    if target.is_symlink():
        raise CrdkgError(f"--out {out}: is a symbolic link; give the folder itself")
    if target.exists() and not target.is_dir():
        raise CrdkgError(f"--out {out}: is a file, not a folder")
    resolved = target.resolve()
    root = Path(shipped.root_folder()).resolve()
    forbidden = {Path("/"), Path.home().resolve(), Path.cwd().resolve(), root,
                 *(root / name for name in ("data", "ontology", "queries", "src", "tests", "docs"))}
    around = {*root.parents, *Path.cwd().resolve().parents}  # a folder that holds the project or the user
    if resolved in forbidden or resolved in around or not resolved.name:
        raise CrdkgError(f"--out {out}: refusing to replace {resolved} (the whole folder is replaced); "
                         "give a folder of its own, e.g. --out site")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file() and not force:
        raise CrdkgError(f"--out {out}: the folder holds files that crdkg did not write (no {MARKER}); "
                         "it would be replaced whole: give a new or empty folder, or --force to replace it")
    return target


def resources(engine: Engine) -> list[str]:
    """The IRIs that get a page: every instance of a class of the ontology that is one of
    crdkg's own resources (``crdid:``), by the stored queries class-counts and list-resources."""
    from ..querying import run_stored

    found: set[str] = set()
    for row in run_stored(catalogue()["class-counts"], engine, {}).records():
        cls = row["class"]
        listed = run_stored(catalogue()["list-resources"], engine, {"class": cls.value})  # type: ignore[union-attr]
        found |= {r["resource"].value for r in listed.records()  # type: ignore[union-attr]
                  if r["resource"].value.startswith(CRDID) and split_iri(r["resource"].value)}  # type: ignore[union-attr]
    return sorted(found)


#: for a static site on Apache: the media types of the data files (a w3id redirect sends RDF
#: clients to them)
_HTACCESS = """# Written by crdkg site: the media types of the data files, for Apache.
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf
AddCharset utf-8 .ttl .jsonld .nt .rdf .html
"""


def _write_thing(building: Path, iri: str, engine: Engine, written: list[Path]) -> None:
    """``id/PATH.ttl``, ``.jsonld``, ``.nt`` and ``.rdf`` (the thing's description, as ``crdkg
    serve`` gives it at ``/id/PATH``) and ``id/PATH.html``, which sends a browser on to its page."""
    import html as html_text

    from ..results import write_result
    from ..w3id import RDF_FILES
    from .linkeddata import describe

    result = describe(engine, iri)
    if result is None:
        return
    rel = "id/" + iri[len(CRDID):]
    (building / os.path.dirname(rel)).mkdir(parents=True, exist_ok=True)
    formats = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
    for ext in RDF_FILES.values():
        (building / f"{rel}.{ext}").write_bytes(write_result(result, formats[ext]).encode("utf-8"))
        written.append(Path(f"{rel}.{ext}"))
    page = "../" * rel.count("/") + pages.static_file("/resource", {"iri": iri}, "en")
    (building / f"{rel}.html").write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html_text.escape(iri)}</title>'
        f'<meta http-equiv="refresh" content="0; url={html_text.escape(page)}"></head>'
        f'<body><p><a href="{html_text.escape(page)}">{html_text.escape(iri)}</a></p></body></html>\n',
        encoding="utf-8")
    written.append(Path(f"{rel}.html"))


def export_site(engine: Engine, out: str | os.PathLike[str], *, endpoint: str | None = None,
                force: bool = False) -> list[Path]:
    """Write the site into ``out`` (replaced whole, after :func:`check_target`); the files
    written, relative to it."""
    from .queries import openapi_document

    target = check_target(out, force=force, endpoint=endpoint)
    building = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    known = set(resources(engine))
    written: list[Path] = []

    def write(rel: str, text: str) -> None:
        path = building / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(Path(rel))

    try:
        for lang in ("en", "zh"):
            def page(path: str, params: dict[str, str] | None = None, lang: str = lang) -> pages.Page:
                rel = pages.static_file(path, params or {}, lang)
                p = pages.Page(engine, lang, path, "&".join(f"{k}={v}" for k, v in (params or {}).items()),
                               static=rel, endpoint=endpoint)
                p.known = known
                return p

            write(pages.static_file("/", {}, lang), pages.home(page("/")))
            write(pages.static_file("/queries", {}, lang), pages.queries(page("/queries")))
            for q in catalogue():
                path = f"/queries/{q.name}"
                write(pages.static_file(path, {}, lang), pages.query(page(path), q.name, {}))
            write(pages.static_file("/map", {}, lang), pages.tile_map(page("/map"), None, {}))
            write(pages.static_file("/statistics", {}, lang), statistics.page(page("/statistics"), {}))
            if endpoint:  # the query editor, on the configured endpoint (it must allow CORS)
                write(pages.static_file("/editor", {}, lang), pages.editor(page("/editor")))
            for iri in sorted(known):
                params = {"iri": iri}
                write(pages.static_file("/resource", params, lang), pages.resource(page("/resource", params), iri))
        write("openapi.json", json.dumps(openapi_document(endpoint or "/"), ensure_ascii=False, indent=2) + "\n")
        for iri in sorted(known):  # each thing at its IRI's path: its data, and its page for a w3id redirect
            if iri.startswith(CRDID):
                _write_thing(building, iri, engine, written)
        write(".htaccess", _HTACCESS)
        if getattr(engine, "graph", None) is not None:  # the downloads the home page lists
            for part in (*DOCUMENT_PARTS, "description"):
                body = rdf(engine, GRAPHS[part], "turtle")
                assert body is not None  # a document is never empty
                name = "void.ttl" if part == "description" else f"graph/{part}.ttl"
                (building / name).parent.mkdir(parents=True, exist_ok=True)
                (building / name).write_bytes(body)
                written.append(Path(name))
        write(MARKER, "This folder was written by `crdkg site`, which replaces it whole.\n")
        assets = [("chartjs", name) for name in ("chart.umd.min.js", "LICENSE.md", "README.md")]
        assets += [("crdkg", "chart.js")]
        if endpoint:
            assets += [("yasgui", name) for name in ("yasgui.min.js", "yasgui.min.css", "README.md")]
            assets += [("crdkg", "editor.js")]
        for folder, name in assets:
            copy = building / "static" / folder / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(__file__).parent / "static" / folder / name, copy)
            written.append(Path("static") / folder / name)
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            target.rename(old)
        building.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return written
