"""Running stored queries: checking the parameters a user gives and binding them as terms."""

from __future__ import annotations

import pyoxigraph as ox

from .catalogue import StoredQuery, load_catalogue
from .engines.base import Engine, QueryResult
from .errors import ParameterError
from .params import Candidate, coerce, expand_iri

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping, Sequence

    from .params import Resolver

__all__ = ["bind_parameters", "instance_test_for", "resolver_for", "run_stored"]

EXACT_QUERY = "find-exact"
LABELS_QUERY = "labels"
FIND_QUERY = "find-resource"
LIST_QUERY = "list-resources"
INSTANCE_QUERY = "is-instance"
HISTORY_QUERY = "code-history"


def _lookup_text(query: StoredQuery, dataset: Sequence[str] | None) -> str:
    """A look-up query's text, reading ``dataset`` (the graphs of the query whose parameter is
    looked up) instead of its own: a parameter names a resource of the graphs its query reads,
    and a query that reads no places or figures does not pay for parsing them."""
    if not dataset:
        return query.text
    key = (query.text, tuple(dataset))
    if key not in _LOOKUP_TEXTS:
        from .sparqltext import with_dataset

        _LOOKUP_TEXTS[key] = with_dataset(query.text, list(dataset))
    return _LOOKUP_TEXTS[key]


_LOOKUP_TEXTS: dict[tuple[str, tuple[str, ...]], str] = {}


def resolver_for(engine: Engine, dataset: Sequence[str] | None = None) -> Resolver:
    """A function that finds candidates for a text among the instances of a class, or lists
    the instances of the class when the text is None (``list-resources``), on ``engine``.
    A text is first looked up as it is written (``find-exact``: a label, a code or a local
    name, each an index lookup); only when nothing matches exactly are labels compared with
    case and punctuation folded (``find-resource``, which reads every label)."""
    catalogue = load_catalogue()

    def candidates(name: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> list[Candidate]:
        query = catalogue[name]
        out = []
        for rec in engine.query(_lookup_text(query, dataset), bindings=query.bindings(bindings)).records():
            out.append(Candidate(iri=rec["resource"].value, key=_text(rec, "key"),  # type: ignore[union-attr]
                                 label_en=_text(rec, "label_en"), label_zh=_text(rec, "label_zh"),
                                 within_en=_text(rec, "within_en"), within_zh=_text(rec, "within_zh"),
                                 alias=_text(rec, "alias")))
        return out

    def resolve(text: str | None, cls: str | None) -> Sequence[Candidate]:
        bindings: dict[str, ox.NamedNode | ox.Literal] = {}
        if cls is not None:
            bindings["class"] = ox.NamedNode(cls)
        if text is None:
            return candidates(LIST_QUERY, bindings)
        bindings["text"] = ox.Literal(text)
        found = candidates(EXACT_QUERY, bindings) or candidates(FIND_QUERY, bindings)
        if len(found) > 1:  # named in the message that says the value is ambiguous, with where each lies
            found = [labelled(c) for c in found]
        return found

    def labelled(c: Candidate) -> Candidate:
        query = catalogue[LABELS_QUERY]
        rec = engine.query(_lookup_text(query, dataset),
                           bindings=query.bindings({"resource": ox.NamedNode(c.iri)})).records()[0]
        return Candidate(iri=c.iri, key=c.key, label_en=_text(rec, "label_en"), label_zh=_text(rec, "label_zh"),
                         within_en=_text(rec, "within_en"), within_zh=_text(rec, "within_zh"))

    #: the few candidates a message names, with their labels and where they lie (``labels``)
    resolve.labelled = lambda found: [labelled(c) for c in found]  # type: ignore[attr-defined]
    return resolve


def _text(rec: Mapping[str, object], name: str) -> str:
    term = rec.get(name)
    return term.value if term is not None else ""  # type: ignore[attr-defined]


def history_for(engine: Engine, dataset: Sequence[str] | None = None):
    """A function that says what a division code or former name no longer in force was (the
    stored query ``code-history``): its name, the years it was listed and the divisions of
    today that took its area; None when the text is no such code or name."""
    catalogue = load_catalogue()

    def history(text: str) -> str | None:
        query = catalogue[HISTORY_QUERY]
        rows = engine.query(_lookup_text(query, dataset),
                            bindings=query.bindings({"code": ox.Literal(text.strip())})).records()
        records: dict[str, list[Mapping[str, object]]] = {}
        for rec in rows:
            records.setdefault(_text(rec, "record"), []).append(rec)
        if not records:
            return None
        said = []
        for recs in records.values():
            first = recs[0]
            name, code = _text(first, "name"), _text(first, "code")
            end = int(_text(first, "changed_in"))
            province, start = _text(first, "province_name"), _text(first, "listed_from")
            what = f"{code} {name} ({province}) was listed {start}-{end - 1} and changed in {end}"
            if any(_text(r, "continued_as") for r in recs):
                said.append(f"{what}: the code continues as "
                            + "; ".join(f"{_text(r, 'successor_name')} (division:{_text(r, 'successor_code')})"
                                        for r in recs if _text(r, "continued_as")))
            else:
                said.append(f"{what}; its area is today in " + "; ".join(
                    f"{_text(r, 'successor_name')} (division:{_text(r, 'successor_code')})" for r in recs))
        return "; ".join(said)

    return history


def instance_test_for(engine: Engine, dataset: Sequence[str] | None = None):
    """A function that tells whether an IRI is an instance of a class (any typed resource
    for None), by the stored query ``is-instance`` on ``engine``: an index lookup, where
    ``find-resource`` compares every label."""
    catalogue = load_catalogue()

    def is_instance(iri: str, cls: str | None) -> bool:
        bindings = {"resource": ox.NamedNode(iri)}
        if cls is not None:
            bindings["class"] = ox.NamedNode(cls)
        query = catalogue[INSTANCE_QUERY]
        return bool(engine.query(_lookup_text(query, dataset), bindings=query.bindings(bindings)).boolean)

    return is_instance


def bind_parameters(query: StoredQuery, raw: Mapping[str, str],
                    engine: Engine | None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Terms for the parameters of ``query``: given values, else defaults; a missing required
    or an undeclared parameter is an error that names it."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        names = ", ".join(f"{p.name} ({p.accepts})" for p in query.params) or "none"
        raise ParameterError(f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {names})")
    looked_up = any(p.type == "iri" and (p.cls or p.lookup) and (p.name in raw or p.default is None)
                    for p in query.params)
    dataset = query.dataset if looked_up else None
    resolver = resolver_for(engine, dataset) if looked_up and engine is not None else None
    is_instance = instance_test_for(engine, dataset) if looked_up and engine is not None else None
    history = history_for(engine, dataset) if looked_up and engine is not None else None
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        value = raw.get(p.name, p.default)
        default_iri = expand_iri(p.default) if p.name not in raw and p.default is not None and p.type == "iri" else None
        if default_iri is not None:
            bindings[p.name] = ox.NamedNode(default_iri)  # the header's own default: no look-up
            continue
        if value is None:
            if p.required:
                raise ParameterError(f"query {query.name!r} needs parameter {p.name!r}: {p.accepts}"
                                     f" (give it as --param {p.name}=VALUE)")
            continue
        try:
            bindings[p.name] = coerce(p, value, resolver=resolver, is_instance=is_instance)
        except ParameterError as err:
            # a code or name that is no longer in force is answered with what it was
            said = history(value) if history is not None and err.unmatched else None
            if said is None:
                raise
            raise ParameterError(f"parameter {p.name!r}: {value.strip()!r} is not in force: {said}. "
                                 "Give a division in force (its code or name).") from None
    return bindings


def run_stored(query: StoredQuery, engine: Engine, params: Mapping[str, str] | None = None) -> QueryResult:
    bindings = bind_parameters(query, params or {}, engine)
    result = engine.query(query.text, bindings=query.bindings(bindings))
    if query.computed:
        from .computed import apply

        result = apply(result, query.computed, query=query.name)
    return result
