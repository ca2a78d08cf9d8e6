"""``crdkg site --out DIR``: the pages of ``crdkg serve`` written as files that any static
host serves: the home page, the stored queries (each with its result for its example
values), a page per resource of crdkg's own, the map, the statistics page (with Chart.js
copied in), in English and in Chinese (``zh/``), and the OpenAPI document. Written into a
new folder that then replaces ``DIR`` whole."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..api import catalogue
from ..engines.base import Engine
from ..namespaces import CRDID, split_iri
from . import pages, statistics


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


def export_site(engine: Engine, out: str | os.PathLike[str], *, endpoint: str | None = None) -> list[Path]:
    """Write the site into ``out`` (replaced whole); the files written, relative to it."""
    from .queries import openapi_document

    target = Path(out)
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
        assets = [("chartjs", name) for name in ("chart.umd.min.js", "LICENSE.md", "README.md")]
        if endpoint:
            assets += [("yasgui", name) for name in ("yasgui.min.js", "yasgui.min.css", "README.md")]
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
