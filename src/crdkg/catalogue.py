"""The catalogue of stored queries: one ``.rq`` file per query, named by its file.

Each file opens with ``#+ `` lines of YAML (compatible with grlc: ``summary``,
``description``, ``tags``; crdkg adds ``params``), then a plain SPARQL 1.1 body with
explicit ``PREFIX`` lines that any engine runs as it is.
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

from . import resources, sparqltext
from .errors import QueryError
from .params import Parameter, parse_parameter

__all__ = ["StoredQuery", "Catalogue", "load_catalogue", "parse_query_file"]


class StoredQuery(namedtuple("StoredQuery", ["name", "path", "summary", "description", "tags", "params", "text",
                                             "form", "header"], defaults=("select", None))):
    """A stored query: its name (the file name), header fields and SPARQL text; ``header`` is
    the whole ``#+`` header as parsed, with any keys of other tools (grlc's, a check's severity)."""

    __slots__ = ()

    def example_params(self) -> dict[str, str]:
        """Values to run the query with: each required parameter's example (or default)."""
        return {p.name: p.example for p in self.params if p.example is not None and p.default is None}

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def ordered(self) -> bool:
        """Whether the query orders its results (ORDER BY)."""
        return any(t.kind == "word" and t.text.upper() == "ORDER" for t in sparqltext.tokens(self.text))


def _header(text: str, path: Path) -> tuple[dict, int]:
    """The ``#+`` YAML header, parsed once per distinct text: parsed headers are kept in the
    cache folder (in ``marshal`` form, which needs no import), so that a query does not pay
    for importing a YAML parser."""
    import marshal

    from .cache import blake2b, folder

    digest = blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    cached = folder() / "headers" / f"{digest}.bin"
    try:
        meta, n = marshal.loads(cached.read_bytes())
        return meta, n
    except (OSError, ValueError, EOFError, TypeError):
        pass
    meta, n = _parse_header(text, path)
    try:
        data = marshal.dumps((meta, n))
    except ValueError:  # a header value marshal cannot keep (a YAML date, say): parse each time
        return meta, n
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home: parse every time
    return meta, n


def _parse_header(text: str, path: Path) -> tuple[dict, int]:
    import yaml

    lines = text.splitlines()
    header = []
    for line in lines:
        if line.startswith("#+"):
            header.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif header or (line.strip() and not line.startswith("#")):
            break  # the header ends; plain comments may come before it
    if not header:
        return {}, 0
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise QueryError(f"{path}:{line or 1}: the #+ header is not valid YAML: {getattr(err, 'problem', err)}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{path}:1: the #+ header must be a YAML mapping")
    return meta, len(header)


def parse_query_file(path: Path) -> StoredQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"{path}: cannot read the query file: {err}") from None
    meta, _ = _header(text, path)
    summary = meta.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise QueryError(f"{path}:1: the #+ header has no summary")
    params = tuple(parse_parameter(p, where=str(path)) for p in meta.get("params") or [])
    tags = meta.get("tags") or []
    return StoredQuery(
        name=path.stem,
        path=path,
        summary=summary.strip(),
        description=str(meta.get("description") or "").strip(),
        tags=tuple(str(t) for t in tags),
        params=params,
        text=text,
        form=sparqltext.query_form(text),
        header=meta,
    )


class Catalogue:
    """The stored queries of a folder, by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._paths = {p.stem: p for p in sorted(folder.glob("*.rq"))}
        self._queries: dict[str, StoredQuery] = {}

    def names(self) -> list[str]:
        return list(self._paths)

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __iter__(self) -> Iterator[StoredQuery]:
        return (self[name] for name in self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, name: str) -> StoredQuery:
        if name not in self._paths:
            known = ", ".join(self._paths) or "none"
            raise QueryError(f"no stored query named {name!r} (stored queries: {known})")
        if name not in self._queries:
            self._queries[name] = parse_query_file(self._paths[name])
        return self._queries[name]


def load_catalogue(folder: Path | None = None) -> Catalogue:
    return Catalogue(folder or resources.query_dir())
