"""Typed parameters of stored queries, and turning the text a user gives into RDF terms.

A value is always bound as one RDF term (an IRI or a literal), never pasted into the
query text. An IRI parameter with a ``class`` accepts the IRI, a prefixed name, the
local name, a GB/T 2260 code or a label in any language; the candidates are found by the
stored query ``find-resource`` on the same engine that runs the query.
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import ParameterError, QueryError
from .namespaces import CRD, PREFIXES, XSD, split_iri
from .records import Record
from .sparqltext import is_variable_name

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Sequence

    #: finds candidates for a text (or all, for None) among the instances of a class
    Resolver = Callable[[str | None, str | None], Sequence["Candidate"]]
    #: whether an IRI is an instance of a class (of any class for None)
    InstanceTest = Callable[[str, str | None], bool]

__all__ = ["Candidate", "Parameter", "coerce", "expand_iri", "nearest", "parse_parameter"]

TYPES = ("iri", "string", "langstring", "integer", "year", "date", "enum")
_DESCRIBE = {
    "iri": "an IRI, a prefixed name (e.g. division:510000), a local name, a code or a label",
    "string": "any text",
    "langstring": "text with a language tag, e.g. 长江@zh",
    "integer": "a whole number, e.g. 3",
    "year": "a year of four digits, e.g. 2021",
    "date": "a date as YYYY-MM-DD, e.g. 2017-10-18",
}


class Parameter(Record):
    """A declared parameter: ``cls`` is the IRI of the class an IRI value must belong to;
    ``lookup`` lets an IRI parameter without a class accept names and labels; ``example``
    is a value that shows what it takes (docs, verification)."""

    __slots__ = ("name", "type", "description", "default", "required", "cls", "values", "lookup", "example")
    _defaults = ("", None, True, None, (), False, None)
    name: str
    type: str
    description: str
    default: str | None
    required: bool
    cls: str | None
    values: tuple[str, ...]
    lookup: bool
    example: str | None

    @property
    def accepts(self) -> str:
        if self.type == "enum":
            return "one of " + ", ".join(self.values)
        if self.type == "iri" and not (self.cls or self.lookup):
            return "an IRI, a prefixed name (e.g. cube:population) or the local name of a crd term"  # _coerce_iri
        text = _DESCRIBE[self.type]
        if self.cls:
            text += f" of a {self.cls.rsplit('#', 1)[-1]}"
        return text


class Candidate(Record):
    """A resource that a parameter value may name; ``within_en`` and ``within_zh`` name the
    provincial-level division it lies within (to tell apart divisions of one name)."""

    __slots__ = ("iri", "key", "label_en", "label_zh", "within_en", "within_zh", "alias")
    _defaults = ("", "", "")
    iri: str
    key: str
    label_en: str
    label_zh: str
    within_en: str
    within_zh: str
    #: the short form of the name people type (skos:hiddenLabel: 峨边 for 峨边彝族自治县)
    alias: str

    @property
    def name(self) -> str:
        """The prefixed name people type (the IRI where no prefix fits)."""
        split = split_iri(self.iri)
        return f"{split[0]}:{split[1]}" if split else self.iri

    def describe(self) -> str:
        split = split_iri(self.iri)
        name = f"{split[0]}:{split[1]}" if split else self.key
        labels = ", ".join(x for x in (self.label_en, self.label_zh) if x)
        within = " ".join(x for x in (self.within_zh, self.within_en) if x)
        if within:
            labels = f"{labels}; in {within}" if labels else f"in {within}"
        return f"{name} ({labels})" if labels else name



def _has_scheme(text: str) -> bool:
    """Whether ``text`` starts with ``scheme://`` (a scheme is a letter, then letters,
    digits, ``+``, ``.`` or ``-``)."""
    scheme, sep, _ = text.partition("://")
    return (bool(sep) and scheme.isascii() and scheme[:1].isalpha()
            and all(c.isalnum() or c in "+.-" for c in scheme))


def expand_iri(text: str) -> str | None:
    """An absolute IRI for ``<iri>``, ``iri`` or ``prefix:local``; None when it is neither."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if _has_scheme(text) or text.startswith("urn:"):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return None


def parse_parameter(spec: object, *, where: str) -> Parameter:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise QueryError(f"{where}: each entry of params needs a name")
    name = spec["name"]
    if not is_variable_name(name):
        raise QueryError(f"{where}: parameter name {name!r} is not a SPARQL variable name")
    ptype = spec.get("type", "string")
    if ptype not in TYPES:
        raise QueryError(f"{where}: parameter {name!r} has unknown type {ptype!r} (types: {', '.join(TYPES)})")
    cls = spec.get("class")
    if cls is not None:
        cls = expand_iri(str(cls))
        if cls is None:
            raise QueryError(f"{where}: parameter {name!r}: class must be an IRI or a known prefixed name")
    values = tuple(str(v) for v in spec.get("values") or ())
    if ptype == "enum" and not values:
        raise QueryError(f"{where}: enum parameter {name!r} needs values")
    default = spec.get("default")
    return Parameter(
        name=name,
        type=ptype,
        description=str(spec.get("description") or ""),
        default=None if default is None else str(default),
        required=bool(spec.get("required", default is None)),
        cls=cls,
        values=values,
        lookup=bool(spec.get("lookup", False)),
        example=None if spec.get("example") is None else str(spec["example"]),
    )


def _check_text(param: Parameter, raw: str) -> None:
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(f"parameter {param.name!r}: the value is not valid UTF-8 text") from None
    if "\x00" in raw:
        raise ParameterError(f"parameter {param.name!r}: the value contains a NUL character")


def _wrong(param: Parameter, raw: str) -> ParameterError:
    shown = raw if len(raw) <= 60 else raw[:57] + "..."
    return ParameterError(f"parameter {param.name!r}: {shown!r} is not valid; it accepts {param.accepts}")


def _fullmatch(pattern: str, text: str) -> bool:
    import re  # the cold-path rule: docs/cold-path.md

    return re.fullmatch(pattern, text) is not None


def coerce(param: Parameter, raw: str, *, resolver: Resolver | None = None,
           is_instance: InstanceTest | None = None) -> ox.NamedNode | ox.Literal:
    """The RDF term for the text ``raw`` given for ``param``. An IRI parameter with a class
    (or ``lookup``) takes the resource that an IRI or prefixed name names, when
    ``is_instance`` finds it of that class; anything else is looked up with ``resolver``."""
    _check_text(param, raw)
    t = param.type
    if t == "string":
        return ox.Literal(raw)
    if t == "langstring":
        text, sep, lang = raw.rpartition("@")
        if not sep or not _fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            raise _wrong(param, raw)
        return ox.Literal(text, language=lang.lower())
    if t == "integer":
        if not _fullmatch(r"[+-]?\d{1,18}", raw.strip()):
            raise _wrong(param, raw)
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
    if t == "year":
        if not _fullmatch(r"-?\d{4}", raw.strip()):
            raise _wrong(param, raw)
        return ox.Literal(raw.strip(), datatype=ox.NamedNode(XSD + "gYear"))
    if t == "date":
        from datetime import date

        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise _wrong(param, raw) from None
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if t == "enum":
        if raw not in param.values:
            raise _wrong(param, raw)
        iri = expand_iri(raw)
        return ox.NamedNode(iri) if iri else ox.Literal(raw)
    return _coerce_iri(param, raw, resolver, is_instance)


#: The longest name or IRI a parameter takes (the nearest-name search compares it with every
#: name of a class: a bound on its time). IRIs in the graph are far shorter.
MAX_NAME = 300


def _coerce_iri(param: Parameter, raw: str, resolver: Resolver | None,
                is_instance: InstanceTest | None) -> ox.NamedNode:
    """The IRI a value names, in three steps: an IRI or prefixed name taken as it is (checked
    to be an instance of the parameter's class where it has one); a bare name of a parameter
    with no class, a term of the ontology; any other text looked up by the resolver, which must
    find exactly one resource (:func:`_unmatched` and :func:`_ambiguous` say why not)."""
    if len(raw) > MAX_NAME:
        raise ParameterError(f"parameter {param.name!r}: the value is {len(raw):,} characters long; a name, "
                             f"code or IRI has at most {MAX_NAME}")
    looked_up = bool(param.cls or param.lookup) and resolver is not None
    iri = expand_iri(raw)
    if iri is not None:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            raise _wrong(param, raw) from None
        if not looked_up or (is_instance is not None and is_instance(iri, param.cls)):
            return node  # an IRI names its resource; labels need not be searched
    elif not looked_up:
        return _ontology_term(param, raw)
    assert resolver is not None
    found = {c.iri: c for c in resolver(raw.strip() if iri is None else iri, param.cls)}
    if len(found) == 1:
        return ox.NamedNode(next(iter(found)))
    if not found:
        raise _unmatched(param, raw, resolver)
    raise _ambiguous(param, raw, list(found.values()))


def _ontology_term(param: Parameter, raw: str) -> ox.NamedNode:
    """A bare name, of a parameter that looks nothing up, as a term of the crdkg ontology
    (``class=ProvincialDivision``)."""
    name = raw.strip()
    if name[:1].isalpha() and name.isascii() and all(c.isalnum() or c in "_-" for c in name):
        return ox.NamedNode(CRD + name)
    raise _wrong(param, raw)


def _class_name(param: Parameter) -> str:
    return param.cls.rsplit("#", 1)[-1] if param.cls else "resource"


def _unmatched(param: Parameter, raw: str, resolver: Resolver) -> ParameterError:
    """The error for a value that names nothing: the nearest values ("did you mean"), or all of
    them where the class has a dozen or fewer."""
    cls_name = _class_name(param)
    everything = resolver(None, param.cls) if param.cls else []
    if not everything:
        return ParameterError(f"parameter {param.name!r}: no {cls_name} matches {raw[:80]!r}; "
                              "give an IRI, a prefixed name, a local name, a code or a label", unmatched=True)
    near = nearest(raw, everything)
    if near and hasattr(resolver, "labelled"):  # where each lies, to tell apart divisions of one name
        near = resolver.labelled(near)
    if near:
        hint = f"did you mean {'; '.join(c.describe() for c in near)}?"
    elif len(everything) <= 12:
        hint = f"the {cls_name} values are {'; '.join(c.describe() for c in everything)}"
    else:
        hint = f"none is close; 'crdkg query list-resources --param class={cls_name}' lists all {len(everything)}"
    return ParameterError(f"parameter {param.name!r}: no {cls_name} matches {raw[:80]!r}; {hint}",
                          candidates=tuple(c.name for c in (near or (everything if len(everything) <= 12 else []))),
                          unmatched=True)


def _ambiguous(param: Parameter, raw: str, found: list[Candidate]) -> ParameterError:
    listed = "; ".join(c.describe() for c in found)
    return ParameterError(
        f"parameter {param.name!r}: {raw[:80]!r} is ambiguous: it matches {listed}. Give the prefixed name or the IRI.",
        candidates=tuple(c.name for c in found))


def _fold(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def nearest(raw: str, candidates: Sequence[Candidate], n: int = 5) -> list[Candidate]:
    """The few candidates whose local name or label is nearest to ``raw`` (case and
    punctuation folded), best first: the "did you mean" of an unknown value."""
    import difflib  # only on this error path

    target = _fold(raw[:MAX_NAME])
    scored = []
    for c in candidates:
        names = [_fold(x) for x in (c.key, c.label_en, c.label_zh, c.alias) if x]
        best = max((difflib.SequenceMatcher(None, target, x).ratio() for x in names), default=0.0)
        if target and any(target in x or x in target for x in names if x):
            best = max(best, 0.8)
        if best >= 0.6:
            scored.append((-best, c.iri, c))
    return [c for _, _, c in sorted(scored)[:n]]
