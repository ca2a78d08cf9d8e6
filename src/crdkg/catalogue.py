"""The catalogue of stored queries: one ``.rq`` file per query, named by its file.

Each file opens with ``#+ `` lines of YAML (grlc's ``summary``, ``description``, ``tags``;
crdkg adds ``params``), then a plain SPARQL 1.1 body with explicit ``PREFIX`` lines that any
engine runs as it is.

A parameter's variable in the body follows grlc's convention: ``?_name`` for a required
parameter, ``?__name`` for an optional one, with grlc's type suffix (``_iri``, ``_integer``,
``_xsd_gYear``, ``_xsd_date``): ``region`` (a required IRI) is ``?_region_iri``. Left
unbound, an optional parameter's variable falls back to its default in the body itself
(``COALESCE(?__lang, "en")``), so the text runs unchanged in a store's console and in grlc.
A query of one's own may also use the parameter's plain name (``?region``).
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from . import resources, sparqltext
from .computed import Computed
from .computed import parse as parse_computed
from .errors import QueryError
from .params import Parameter, parse_parameter
from .records import Record

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Mapping
    from os import PathLike
    PathText = str | PathLike[str]

    from .engines.base import Term

#: grlc's suffix of a parameter variable, by crdkg's parameter type (others have none)
GRLC_SUFFIX = {"iri": "_iri", "integer": "_integer", "year": "_xsd_gYear", "date": "_xsd_date"}

__all__ = ["Catalogue", "StoredQuery", "load_catalogue", "parse_query_file"]


class StoredQuery(Record):
    """A stored query: its name (the file name), header fields and SPARQL text; ``header`` is
    the whole ``#+`` header as parsed, with any keys of other tools (grlc's, a check's severity)."""

    __slots__ = ("name", "path", "summary", "description", "tags", "params", "text", "form", "header", "variables",
                 "tagged", "computed")
    _defaults = ("select", None, None, None, ())
    name: str
    path: PathText
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Parameter, ...]
    text: str
    form: str
    header: dict[str, object] | None
    variables: dict[str, str] | None
    tagged: dict[str, tuple[tuple[str, str], ...]] | None
    #: columns that crdkg adds to the result (:mod:`crdkg.computed`)
    computed: tuple[Computed, ...]

    def variable(self, param: str) -> str:
        """The name of the body's variable that the parameter ``param`` binds."""
        return (self.variables or {}).get(param, param)

    def bindings(self, terms: Mapping[str, Term]) -> dict[str, Term]:
        """``terms`` given by parameter name, keyed by the variables they bind; a text
        parameter's language-tagged variables (``?_text_en``) get the text tagged."""
        out = {self.variable(name): term for name, term in terms.items()}
        for name, variants in (self.tagged or {}).items():
            term = terms.get(name)
            if isinstance(term, ox.Literal):
                for variable, lang in variants:
                    out[variable] = ox.Literal(term.value, language=lang)
        return out

    @property
    def dataset(self) -> list[str]:
        """The IRIs of the graphs the query's ``FROM`` clauses name (its default graph)."""
        return list(_dataset_of(self.text))

    def example_params(self) -> dict[str, str]:
        """Values to run the query with: each required parameter's example (or default)."""
        return {p.name: p.example for p in self.params if p.example is not None and p.default is None}

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def ordered(self) -> bool:
        """Whether the query orders its results (ORDER BY)."""
        return any(t.kind == "word" and t.text.upper() == "ORDER" for t in sparqltext.tokens(self.text))


_DATASETS: dict[str, tuple[str, ...]] = {}


def _dataset_of(text: str) -> tuple[str, ...]:
    """The ``FROM`` graphs of a query text, lexed once per text in a process."""
    if text not in _DATASETS:
        found: list[str] = []
        sparqltext.without_dataset(text, dataset=found)
        _DATASETS[text] = tuple(found)
    return _DATASETS[text]


_FINGERPRINT: list[bytes] = []


def _code_fingerprint() -> bytes:
    """A digest of the code that works a header out (this module, the lexer, the parameters and
    the computed columns), so that a change to any of them takes effect at once for unchanged
    queries: the cache of headers is keyed on it and on the query's text, not on the version
    number, which does not change between releases."""
    if not _FINGERPRINT:
        from .cache import blake2b

        h = blake2b(digest_size=16)
        here = os.path.dirname(os.path.abspath(__file__))
        for name in ("catalogue.py", "sparqltext.py", "params.py", "computed.py"):
            with open(os.path.join(here, name), "rb") as fh:
                h.update(fh.read())
        _FINGERPRINT.append(h.digest())
    return _FINGERPRINT[0]


def _header(text: str, path: PathText) -> tuple[dict, str | None, list[str]]:
    """The ``#+`` YAML header, the query form and the variables of a stored query's text, worked out once
    per distinct text: they are kept in the cache folder (in ``marshal`` form, which needs
    no import), so that a query pays neither for importing a YAML parser nor for lexing its
    text. The form is None where the text has none (``query_form`` then says why)."""
    import marshal

    from .cache import blake2b, folder

    digest = blake2b(_code_fingerprint() + b"\0" + text.encode(), digest_size=16).hexdigest()
    cached = os.path.join(folder(), "headers", f"{digest}.bin")
    try:
        with open(cached, "rb") as fh:
            cached_meta, cached_form, cached_names = marshal.loads(fh.read())
        return cached_meta, cached_form, cached_names
    except (OSError, ValueError, EOFError, TypeError):
        pass
    meta = _parse_header(text, path)
    try:
        form = sparqltext.query_form(text)
        names = sorted(sparqltext.variables(text))
    except QueryError:
        form, names = None, []  # query_form says why, when the query is run
    try:
        data = marshal.dumps((meta, form, names))
    except ValueError:  # a header value marshal cannot keep (a YAML date, say): parse each time
        return meta, form, names
    try:
        os.makedirs(os.path.dirname(cached), exist_ok=True)
        tmp = f"{cached}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home: parse every time
    return meta, form, names


def _variables(params: tuple[Parameter, ...], names: list[str],
               path: PathText) -> tuple[dict[str, str], dict[str, tuple[tuple[str, str], ...]]]:
    """The body variable of each parameter, and of a text parameter its language-tagged
    variables. grlc's variable (``?_name_iri``, ``?__name``) where the body has it, else the
    plain name; ``?_text_en`` binds the text of ``text`` as a literal tagged ``en`` (grlc's
    convention too). A grlc variable of a declared parameter with the wrong underscores or
    type suffix is an error, since grlc would read it differently."""
    present = set(names)
    main: dict[str, str] = {}
    tagged: dict[str, tuple[tuple[str, str], ...]] = {}
    for p in params:
        underscores = "_" if p.required else "__"
        expected = underscores + p.name + GRLC_SUFFIX.get(p.type, "")
        languages = []
        for name in sorted(present):
            stripped = name.lstrip("_")
            if name == stripped or name == expected or not (stripped == p.name or stripped.startswith(p.name + "_")):
                continue
            lang = stripped[len(p.name) + 1:]
            if (p.type == "string" and name.startswith(underscores + p.name + "_") and name[len(underscores)] != "_"
                    and lang.isalnum() and lang.isascii() and lang not in _GRLC_TYPES):
                languages.append((name, lang.lower()))
                continue
            kind = "required" if p.required else "optional"
            raise QueryError(f"{path}: parameter {p.name!r} ({kind}, {p.type}) is ?{expected} in grlc's "
                             f"convention, not ?{name}")
        main[p.name] = expected if expected in present or languages else p.name
        if languages:
            tagged[p.name] = tuple(languages)
    return main, tagged


#: the words grlc reads as a parameter's type, not a language, after its name
_GRLC_TYPES = {"iri", "number", "literal", "integer", "xsd"}


def _parse_header(text: str, path: PathText) -> dict:
    import yaml

    lines = text.splitlines()
    header = []
    for line in lines:
        if line.startswith("#+"):
            header.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif header or (line.strip() and not line.startswith("#")):
            break  # the header ends; plain comments may come before it
    if not header:
        return {}
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = mark.line + 1 if mark is not None else 1
        raise QueryError(f"{path}:{at}: the #+ header is not valid YAML: {getattr(err, 'problem', err)}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{path}:1: the #+ header must be a YAML mapping")
    return meta


def parse_query_file(path: PathText) -> StoredQuery:
    """The stored query in the file ``path``, named by the file's name without ``.rq``."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"{path}: cannot read the query file: {err}") from None
    meta, form, names = _header(text, path)
    summary = meta.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise QueryError(f"{path}:1: the #+ header has no summary")
    params = tuple(parse_parameter(p, where=str(path)) for p in meta.get("params") or [])
    tags = meta.get("tags") or []
    variables, tagged = _variables(params, names, path)
    return StoredQuery(
        name=os.path.splitext(os.path.basename(path))[0],
        path=path,
        summary=summary.strip(),
        description=str(meta.get("description") or "").strip(),
        tags=tuple(str(t) for t in tags),
        params=params,
        text=text,
        form=form or sparqltext.query_form(text),
        header=meta,
        variables=variables,
        tagged=tagged,
        computed=parse_computed(meta.get("computed"), where=str(path)),
    )


class Catalogue:
    """The stored queries of a folder, by name."""

    def __init__(self, folder: PathText) -> None:
        self.folder = folder
        self._paths = {os.path.basename(p)[:-3]: p for p in resources.listing(os.fspath(folder), ".rq")}
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
            import difflib  # the error path only

            near = difflib.get_close_matches(name, list(self._paths), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(near)}? " if near else ""
            raise QueryError(f"no stored query named {name!r}; {hint}'crdkg queries' lists them "
                             f"({', '.join(self._paths) or 'none'})", candidates=tuple(near))
        if name not in self._queries:
            self._queries[name] = parse_query_file(self._paths[name])
        return self._queries[name]


_SHIPPED: list[Catalogue] = []


def load_catalogue(folder: PathText | None = None) -> Catalogue:
    """The stored queries of ``folder``; without one, the shipped catalogue (made once per
    process: each query file is read and parsed once, when first asked for)."""
    if folder is not None:
        return Catalogue(folder)
    if not _SHIPPED:
        _SHIPPED.append(Catalogue(resources.query_folder()))
    return _SHIPPED[0]
