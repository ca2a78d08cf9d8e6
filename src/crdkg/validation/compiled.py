"""SHACL shapes compiled to SPARQL and run on the pyoxigraph store.

Each constraint component is defined once (:meth:`Compiler.constraints`), as one of four
kinds of :class:`Constraint`; how a kind becomes SPARQL is written once per context:

* at the top level (a shape with targets), each constraint is one SELECT query that returns
  the focus nodes (and value nodes) that violate it;
* nested in another shape (``sh:node``, ``sh:property``, ``sh:or``, ``sh:and``, ``sh:xone``,
  ``sh:not``, ``sh:qualifiedValueShape``), a shape is a boolean SPARQL expression that is
  true when a node conforms.

The queries run on the store the data was parsed into, over the same default graph as the
quality checks, so no second copy of the data is made and the work grows with the data as
Oxigraph's joins do. Literals are compared as written (see :mod:`crdkg.aswritten`).

The compiler covers SHACL Core and SPARQL-based constraints and targets. A shape that uses
anything else (``sh:sparql`` in a nested shape, counts above 3 in a nested shape, recursion)
is not guessed at: it goes to pySHACL whole, in :attr:`Plan.fallback` with the reason; a
shapes graph with custom constraint components, rules or functions goes to pySHACL whole.

SHACL: https://www.w3.org/TR/shacl/ (sections 2-5 give what each component means).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..aswritten import NAMESPACE as _ENCODED
from ..aswritten import encoded, original
from ..namespaces import RDF, RDFS, SH, XSD
from .model import Path, Result, path_sparql, path_text, term_text
from .shapesgraph import CLASSES, TARGETS, TYPE, ShapeError, ShapesGraph, Unsupported, pick_message, sh, targeted_shapes
from .sparqlshapes import SparqlCheck, default_message, prefix_lines, run_sparql_constraint

__all__ = ["Plan", "ShapeError", "ShapesGraph", "compile_shapes", "run_plan", "targeted_shapes"]

INSTANCE_OF = f"<{RDF}type>/<{RDFS}subClassOf>*"

#: Datatypes that Oxigraph casts to (an ill-typed literal such as "2021-13-45"^^xsd:date
#: does not cast, so it does not have its datatype, as in pySHACL).
_CASTABLE = {XSD + n for n in ("integer", "decimal", "double", "float", "boolean", "dateTime", "date", "time",
                               "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth", "duration",
                               "yearMonthDuration", "dayTimeDuration")}
#: The integer types derived from xsd:integer, with their bounds (XSD 1.1 part 2, 3.4.13-3.4.25);
#: Oxigraph has no cast to them, so their lexical form and range are tested.
_INTEGERS = {
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None), "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}
_NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
_RANGES = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
#: Predicates of a shape that the compiler understands; any other sh: predicate on a shape
#: sends the shape to pySHACL.
_KNOWN = {SH + n for n in (
    *TARGETS, "path", "property", "node", "class", "datatype", "nodeKind", "minCount", "maxCount",
    *_RANGES, "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "hasValue", "in",
    "or", "and", "xone", "not", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint", "sparql", "message", "severity", "deactivated", "name", "description",
    "order", "group", "defaultValue", "select", "prefixes", "equals", "disjoint", "lessThan",
    "lessThanOrEquals", "closed", "ignoredProperties", "labelTemplate")}
#: Features that change what validation means (rules, custom components, functions): with
#: any of them in the shapes graph, every shape goes to pySHACL.
_GLOBAL = {SH + n for n in ("rule", "SPARQLFunction", "SPARQLTargetType", "JSConstraint", "TripleRule",
                            "SPARQLRule", "entailment", "shapesGraph", "parameter", "validator", "nodeValidator",
                            "propertyValidator", "JSTarget", "JSFunction")}
#: Parameters of which SHACL allows a shape at most one value (SHACL, the syntax rules of each
#: component): a second one makes the shapes graph ill-formed.
_AT_MOST_ONE = {"path", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive", "maxInclusive",
                "minExclusive", "maxExclusive", "minLength", "maxLength", "flags", "languageIn", "uniqueLang",
                "in", "closed", "deactivated", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
                "qualifiedValueShapesDisjoint", "select"}
_MAX_PAIRWISE = 3  # nested counts are written as n distinct values; larger n goes to pySHACL
_MAX_DEPTH = 16
_PAIRS = {"equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals"}


# -- the four kinds of constraint ------------------------------------------------------

@dataclass
class Cond:
    """A condition on one node: ``expr(v)`` is a SPARQL expression true when the node in ``v``
    passes; or ``exists(v)`` is a graph pattern that matches when it passes (so that the top
    level can test it as an anti-join)."""

    expr: Callable[[str], str] | None = None
    exists: Callable[[str], str] | None = None

    def holds(self, v: str) -> str:
        return f"EXISTS {{ {self.exists(v)} }}" if self.exists else self.expr(v)


@dataclass
class ValueTest:
    """Every value node passes ``cond`` (sh:class, sh:datatype, sh:node, ...)."""

    cond: Cond


@dataclass
class FocusTest:
    """The focus node passes ``cond`` (sh:hasValue): one result per focus node, no value."""

    cond: Callable[[str], str]


@dataclass
class Violations:
    """``pattern(f, value, keys)`` matches once per violation at the focus node in ``f``,
    binding the variable ``value`` where a result has a value; ``keys`` names further
    variables (by key) that tell results apart: sh:closed's ``path``, sh:uniqueLang's
    ``lang``, sh:lessThan's ``other`` (one result per pair of values)."""

    pattern: Callable[[str, str, dict[str, str]], str]
    has_value: bool = True
    keys: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # variables of the pattern that are not keys

    def variables(self, fresh: Callable[[], str], *, top: bool) -> dict[str, str]:
        names = {k: (f"?{k}" if top else fresh()) for k in self.keys}
        return {**names, **{h: fresh() for h in self.hidden}}


@dataclass
class Count:
    """The number of distinct value nodes (passing ``only``, if given) compared with ``n``:
    a violation when ``count <op> n`` holds (op ``<`` for minimums, ``>`` for maximums)."""

    op: str
    n: int
    only: Callable[[str], str] | None = None


#: one constraint of a shape, of one of the four kinds
Constraint = ValueTest | FocusTest | Violations | Count


@dataclass
class Check:
    """One compiled constraint of ``shape``, reached from the targeted shape ``top``: its
    query returns ?this, and ?value when ``has_value``; sh:closed's returns ?path."""

    top: object
    shape: object
    component: str
    query: str
    path: Path | None
    has_value: bool


@dataclass
class Plan:
    """The compiled shapes: queries to run, and the shapes left to pySHACL (with why)."""

    checks: list[Check] = field(default_factory=list)
    sparql: list[SparqlCheck] = field(default_factory=list)
    fallback: dict[object, str] = field(default_factory=dict)
    everything_to_pyshacl: bool = False
    reason: str | None = None
    shapes_graph: ox.NamedNode | None = None  # the named graph of the shapes, for $shapesGraph


class Compiler:
    def check_regex(self, shape: object, regex: ox.Literal, extra: str) -> None:
        """Raise :class:`ShapeError` when the engine cannot read ``regex`` (with the flags in
        ``extra``): SHACL requires a valid pattern, and REGEX with one it cannot read fails on
        every value, which would report each as a violation."""
        found = self.run(f'SELECT (COALESCE(REGEX("", {regex}{extra}), "unread") AS ?r) {{}}')
        if any(isinstance(row[0], ox.Literal) and row[0].value == "unread" for row in found):
            raise ShapeError(f"the sh:pattern {regex} of {term_text(shape)} is not a regular expression that "
                             f"crdkg's engine reads{' with those sh:flags' if extra else ''} (a parenthesis or "
                             "bracket left open, say; XPath's \\p{Is...} block names are not read either: "
                             "--engine pyshacl reads Python's)")

    def __init__(self, shapes: ShapesGraph, run: Callable[[str], ox.QuerySolutions], *, encoded: bool) -> None:
        self.shapes = shapes
        self.run = run
        self.encoded = encoded  # the data has literals stored encoded (crdkg.aswritten)
        self._n = 0

    # -- helpers ---------------------------------------------------------------------
    def var(self) -> str:
        self._n += 1
        return f"?_v{self._n}"

    def one(self, node: object, name: str) -> object | None:
        found = self.shapes.objects(node, sh(name))
        if len(found) > 1:
            if name in _AT_MOST_ONE:
                raise ShapeError(f"{term_text(node)} has more than one sh:{name}")
            raise Unsupported(f"more than one sh:{name}")
        return found[0] if found else None

    def integer(self, node: object, name: str) -> int | None:
        lit = self.one(node, name)
        if lit is None:
            return None
        if not isinstance(lit, ox.Literal) or not lit.value.lstrip("-").isdigit():
            raise ShapeError(f"sh:{name} of {term_text(node)} is not an integer: {lit}")
        return int(lit.value)

    def flag(self, node: object, name: str) -> bool:
        """True when the value is the literal true (not "1": SHACL names only true)."""
        return self.one(node, name) == ox.Literal(True)

    def check_known(self, node: object) -> None:
        for pred in self.shapes.index.get(node, {}):
            if pred.value.startswith(SH) and pred.value not in _KNOWN:
                raise Unsupported(f"sh:{pred.value[len(SH):]}")

    def constant(self, term: object) -> str:
        """A shapes graph term written in a query, as the store holds it."""
        return str(encoded(term))

    def value_of(self, v: str) -> str:
        """The value in ``v`` for an order comparison: an encoded literal as its own type."""
        if not self.encoded:
            return v
        return (f'IF(STRSTARTS(STR(DATATYPE({v})), "{_ENCODED}"), STRDT(STR({v}), IRI(CONCAT("{XSD}", '
                f'STRAFTER(STR(DATATYPE({v})), "{_ENCODED}")))), {v})')

    # -- targets ---------------------------------------------------------------------
    def focus(self, shape: object) -> str | None:
        """A group pattern that binds ?this to each focus node of ``shape`` once."""
        parts = []
        classes = list(self.shapes.objects(shape, sh("targetClass")))
        if CLASSES & set(self.shapes.objects(shape, TYPE)):
            classes.append(shape)
        for cls in classes:
            if not isinstance(cls, ox.NamedNode):
                raise Unsupported("a blank-node target class")
            parts.append(f"{{ ?this {INSTANCE_OF} {cls} }}")
        nodes = list(self.shapes.objects(shape, sh("targetNode")))
        for target in self.shapes.objects(shape, sh("target")):
            nodes += self.sparql_target(target)
        if nodes:
            if any(isinstance(n, ox.BlankNode) for n in nodes):
                raise Unsupported("a blank node as a target node")
            parts.append("{ VALUES ?this { " + " ".join(self.constant(n) for n in dict.fromkeys(nodes)) + " } }")
        for pred in self.shapes.objects(shape, sh("targetSubjectsOf")):
            parts.append(f"{{ ?this {pred} [] }}")
        for pred in self.shapes.objects(shape, sh("targetObjectsOf")):
            parts.append(f"{{ [] {pred} ?this }}")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def sparql_target(self, target: object) -> list:
        if sh("SPARQLTarget") not in self.shapes.objects(target, TYPE) or self.one(target, "select") is None:
            raise Unsupported("a target that is not a sh:SPARQLTarget with sh:select")
        query = prefix_lines(self.shapes, target) + self.one(target, "select").value  # type: ignore[attr-defined]
        try:
            return [original(s["this"]) for s in self.run(query) if s["this"] is not None]
        except ShapeError as err:
            raise ShapeError(f"the SPARQL target {term_text(target)}: {err}") from None

    # -- the components, each defined once -------------------------------------------------
    def constraints(self, shape: object, path: Path | None, depth: int) -> list[tuple[str, Constraint]]:
        """The constraints of ``shape``: (component name, constraint), by the sections of SHACL
        4 (the core constraint components), in the order the compiled queries have always had."""
        p = None if path is None else path_sparql(path)
        return [
            *self.value_type(shape),  # 4.1 sh:class, sh:datatype, sh:nodeKind
            *self.value_range(shape),  # 4.3 sh:minExclusive ... sh:maxInclusive
            *self.string_based(shape),  # 4.4 sh:minLength, sh:maxLength, sh:pattern, sh:languageIn
            *self.member_of(shape),  # 4.8.3 sh:in
            *self.shape_based(shape, depth),  # 4.7.1 sh:node
            *self.logical(shape, depth),  # 4.6 sh:or, sh:and, sh:xone, sh:not
            *self.has_value(shape, p),  # 4.8.2 sh:hasValue
            *self.counted(shape, path, p, depth),  # 4.2, 4.7.3, 4.4.6: counts, qualified counts, sh:uniqueLang
            *self.property_pairs(shape, path, p),  # 4.5 sh:equals, sh:disjoint, sh:lessThan(OrEquals)
            *self.closed_to(shape, path),  # 4.8.1 sh:closed
        ]

    def value_type(self, shape: object) -> list[tuple[str, Constraint]]:
        out: list[tuple[str, Constraint]] = []
        for cls in self.shapes.objects(shape, sh("class")):
            out.append(("Class", ValueTest(Cond(exists=lambda v, c=cls: f"{v} {INSTANCE_OF} {c}"))))
        datatype = self.one(shape, "datatype")
        if datatype is not None:
            out.append(("Datatype", ValueTest(Cond(lambda v, d=datatype: self.datatype(v, d)))))
        kind = self.one(shape, "nodeKind")
        if kind is not None:
            name = kind.value[len(SH):] if kind.value.startswith(SH) else ""  # type: ignore[attr-defined]
            if name not in _NODE_KINDS:
                raise ShapeError(f"unknown sh:nodeKind {kind}")
            out.append(("NodeKind", ValueTest(Cond(lambda v, f=_NODE_KINDS[name]: f.format(v=v)))))
        return out

    def value_range(self, shape: object) -> list[tuple[str, Constraint]]:
        out: list[tuple[str, Constraint]] = []
        for name, op in _RANGES.items():
            bound = self.one(shape, name)
            if bound is not None:
                out.append((name[0].upper() + name[1:], ValueTest(Cond(
                    lambda v, o=op, b=bound: f"({self.value_of(v)} {o} {b})"))))
        return out

    def string_based(self, shape: object) -> list[tuple[str, Constraint]]:
        out: list[tuple[str, Constraint]] = []
        for name, op in (("minLength", ">="), ("maxLength", "<=")):
            n = self.integer(shape, name)
            if n is not None:
                out.append((name[0].upper() + name[1:], ValueTest(Cond(
                    lambda v, o=op, n=n: f"(!isBlank({v}) && STRLEN(STR({v})) {o} {n})"))))
        pattern = self.one(shape, "pattern")
        if pattern is not None:
            flags = self.one(shape, "flags")
            regex = ox.Literal(pattern.value)  # type: ignore[attr-defined]
            extra = f", {ox.Literal(flags.value)}" if flags is not None else ""  # type: ignore[attr-defined]
            self.check_regex(shape, regex, extra)
            out.append(("Pattern", ValueTest(Cond(
                lambda v, r=regex, e=extra: f"(!isBlank({v}) && REGEX(STR({v}), {r}{e}))"))))
        langs = self.one(shape, "languageIn")
        if langs is not None:
            tags = [ox.Literal(t.value) for t in self.shapes.items(langs)]
            out.append(("LanguageIn", ValueTest(Cond(lambda v, ts=tags: "(isLiteral({v}) && ({c}))".format(
                v=v, c=" || ".join(f"LANGMATCHES(LANG({v}), {t})" for t in ts) or "false")))))
        return out

    def member_of(self, shape: object) -> list[tuple[str, Constraint]]:
        members = self.one(shape, "in")
        if members is None:
            return []
        allowed = self.shapes.items(members)
        if any(isinstance(m, ox.BlankNode) for m in allowed):
            raise Unsupported("a blank node in sh:in")
        return [("In", ValueTest(Cond(lambda v, a=allowed: "(" + (
            " || ".join(f"sameTerm({v}, {self.constant(m)})" for m in a) or "false") + ")")))]

    def shape_based(self, shape: object, depth: int) -> list[tuple[str, Constraint]]:
        return [("Node", ValueTest(self.conforms(node, depth + 1))) for node in self.shapes.objects(shape, sh("node"))]

    def logical(self, shape: object, depth: int) -> list[tuple[str, Constraint]]:
        s = self.shapes
        out: list[tuple[str, Constraint]] = []
        for name, join in (("or", " || "), ("and", " && ")):
            for lst in s.objects(shape, sh(name)):
                conds = [self.conforms(m, depth + 1) for m in s.items(lst)]
                if conds and name == "or" and all(c.exists for c in conds):  # one pattern: an anti-join at the top
                    out.append(("Or", ValueTest(Cond(exists=lambda v, cs=conds: " UNION ".join(
                        f"{{ {c.exists(v)} }}" for c in cs)))))
                    continue
                out.append((name[0].upper() + name[1:], ValueTest(Cond(
                    lambda v, cs=conds, j=join: "(" + (j.join(f"COALESCE({c.holds(v)}, false)" for c in cs)
                                                       or ("false" if j == " || " else "true")) + ")"))))
        for lst in s.objects(shape, sh("xone")):
            parts = [self.conforms(m, depth + 1) for m in s.items(lst)]
            out.append(("Xone", ValueTest(Cond(lambda v, ps=parts: "(" + (
                " + ".join(f"IF(COALESCE({q.holds(v)}, false), 1, 0)" for q in ps) or "0") + " = 1)"))))
        for node in s.objects(shape, sh("not")):
            inner = self.conforms(node, depth + 1)
            out.append(("Not", ValueTest(Cond(lambda v, i=inner: f"!COALESCE({i.holds(v)}, false)"))))
        return out

    def has_value(self, shape: object, p: str | None) -> list[tuple[str, Constraint]]:
        out: list[tuple[str, Constraint]] = []
        for value in self.shapes.objects(shape, sh("hasValue")):
            if isinstance(value, ox.BlankNode):
                raise Unsupported("a blank node as sh:hasValue")
            h = self.constant(value)
            if p is None:
                out.append(("HasValue", FocusTest(lambda f, h=h: f"sameTerm({f}, {h})")))
            else:
                out.append(("HasValue", FocusTest(lambda f, h=h: f"EXISTS {{ {f} {p} {h} }}")))
        return out

    def counted(self, shape: object, path: Path | None, p: str | None, depth: int) -> list[tuple[str, Constraint]]:
        """The components that count a property shape's values, or compare them with each other."""
        if path is None:
            return []
        out: list[tuple[str, Constraint]] = []
        low, high = self.integer(shape, "minCount"), self.integer(shape, "maxCount")
        if low:
            out.append(("MinCount", Count("<", low)))
        if high is not None:
            out.append(("MaxCount", Count(">", high)))
        qualified = self.one(shape, "qualifiedValueShape")
        if qualified is not None:
            only = self.qualified(shape, qualified, depth)
            low, high = self.integer(shape, "qualifiedMinCount"), self.integer(shape, "qualifiedMaxCount")
            if low:
                out.append(("QualifiedMinCount", Count("<", low, only)))
            if high is not None:
                out.append(("QualifiedMaxCount", Count(">", high, only)))
        if self.flag(shape, "uniqueLang"):
            out.append(("UniqueLang", Violations(
                lambda f, x, k: (f"{f} {p} {x}, {k['other']} FILTER(!sameTerm({x}, {k['other']}) && "
                                 f"LANG({x}) != \"\" && LCASE(LANG({x})) = LCASE(LANG({k['other']}))) "
                                 f"BIND(LCASE(LANG({x})) AS {k['lang']})"),
                has_value=False, keys=("lang",), hidden=("other",))))
        return out

    def property_pairs(self, shape: object, path: Path | None, p: str | None) -> list[tuple[str, Constraint]]:
        def values(f: str, x: str) -> str:  # the value nodes of the focus node in f, into x
            return f"{f} {p} {x} ." if p is not None else f"BIND({f} AS {x})"

        out: list[tuple[str, Constraint]] = []
        for name, component in _PAIRS.items():
            for other in self.shapes.objects(shape, sh(name)):
                if not isinstance(other, ox.NamedNode):
                    raise ShapeError(f"sh:{name} of {term_text(shape)} is not an IRI: {other}")
                out += [(component, v) for v in self.pair(name, other, path, values)]
        return out

    def closed_to(self, shape: object, path: Path | None) -> list[tuple[str, Constraint]]:
        allowed = self.closed(shape)
        if allowed is None:
            return []
        if path is not None:
            raise Unsupported("sh:closed on a property shape")
        return [("Closed", Violations(
            lambda f, x, k, a=allowed: f"{f} {k['path']} {x} FILTER({k['path']} NOT IN ({a}))", keys=("path",)))]

    def datatype(self, v: str, dt: object) -> str:
        iri = dt.value  # type: ignore[attr-defined]
        if iri == RDF + "langString":
            return f'(isLiteral({v}) && LANG({v}) != "")'
        same = f"sameTerm(DATATYPE({v}), {dt})"
        if self.encoded and iri.startswith(XSD):
            same = f"({same} || sameTerm(DATATYPE({v}), <{_ENCODED}{iri[len(XSD):]}>))"
        test = f"isLiteral({v}) && {same}"
        if iri in _CASTABLE:
            test += f" && COALESCE(isLiteral({dt}(STR({v}))), false)"
        elif iri[len(XSD):] in _INTEGERS and iri.startswith(XSD):
            low, high = _INTEGERS[iri[len(XSD):]]
            n = f"<{XSD}integer>(STR({v}))"
            test += f' && REGEX(STR({v}), "^[+-]?[0-9]+$")'
            # bounds beyond Oxigraph's 64-bit integers are left out: the cast fails beyond them anyway
            test += "".join(f" && {n} {op} {b}" for op, b in ((">=", low), ("<=", high))
                            if b is not None and -2**63 < b < 2**63 - 1)
        return f"({test})"

    def qualified(self, shape: object, qualified: object, depth: int) -> Callable[[str], str]:
        """The condition a value node must meet to count for sh:qualifiedMin/MaxCount: it
        conforms to the qualified value shape and, with sh:qualifiedValueShapesDisjoint,
        to none of its siblings' (SHACL 4.7.3)."""
        conds = [self.conforms(qualified, depth + 1).holds]
        if self.flag(shape, "qualifiedValueShapesDisjoint"):
            for parent in self.shapes.subjects(sh("property"), shape):
                for sibling in self.shapes.objects(parent, sh("property")):
                    for other in self.shapes.objects(sibling, sh("qualifiedValueShape")):
                        if sibling != shape and other != qualified:
                            inner = self.conforms(other, depth + 1)
                            conds.append(lambda v, i=inner: f"!COALESCE({i.holds(v)}, false)")
        return lambda v: "(" + " && ".join(f"COALESCE({c(v)}, false)" for c in conds) + ")"

    def pair(self, name: str, other: ox.NamedNode, path: Path | None,
             values: Callable[[str, str], str]) -> list[Violations]:
        """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals (SHACL 4.5) as the patterns
        of their violations at a focus node (sh:equals has two: each side without the other;
        the order comparisons give one result per pair of values)."""
        if name == "equals":
            back = (lambda f, x: f"{f} {path_sparql(path)} {x}") if path is not None \
                else (lambda f, x: f"FILTER(sameTerm({x}, {f}))")
            return [Violations(lambda f, x, k: f"{values(f, x)} FILTER NOT EXISTS {{ {f} {other} {x} }}"),
                    Violations(lambda f, x, k: f"{f} {other} {x} FILTER NOT EXISTS {{ {back(f, x)} }}")]
        if name == "disjoint":
            return [Violations(lambda f, x, k: f"{values(f, x)} {f} {other} {x} .")]
        op = "<" if name == "lessThan" else "<="
        return [Violations(lambda f, x, k: (f"{values(f, x)} {f} {other} {k['other']} FILTER(!COALESCE("
                                            f"{self.value_of(x)} {op} {self.value_of(k['other'])}, false))"),
                           keys=("other",))]

    def closed(self, shape: object) -> str | None:
        """With sh:closed true, the predicates a focus node may have, for ``NOT IN (...)``."""
        if not self.flag(shape, "closed"):
            return None
        allowed = [self.one(prop, "path") for prop in self.shapes.objects(shape, sh("property"))]
        for lst in self.shapes.objects(shape, sh("ignoredProperties")):
            allowed += self.shapes.items(lst)
        return ", ".join(str(a) for a in dict.fromkeys(allowed) if isinstance(a, ox.NamedNode)) or "<urn:x:none>"

    # -- nested: a shape as a condition ---------------------------------------------------
    def conforms(self, shape: object, depth: int) -> Cond:
        """Conformance to a nested ``shape`` (its targets ignored, as SHACL says): a graph
        pattern when the shape is only tests that are patterns (sh:class, say), so that the top
        level can test it as an anti-join; an expression otherwise."""
        if depth > _MAX_DEPTH:
            raise Unsupported("shapes nested deeper than 16 (recursive shapes?)")
        self.check_known(shape)
        if self.shapes.objects(shape, sh("sparql")):
            raise Unsupported("a SPARQL-based constraint in a nested shape")
        if self.flag(shape, "deactivated"):
            return Cond(lambda v: "true")
        path_node = self.one(shape, "path")
        path = None if path_node is None else self.shapes.path(path_node)
        p = None if path is None else path_sparql(path)
        tests = [c for _, c in self.constraints(shape, path, depth)]
        props = self.shapes.objects(shape, sh("property"))
        if p is None and not props and tests and all(isinstance(t, ValueTest) and t.cond.exists for t in tests):
            return Cond(exists=lambda v, ts=tests: " . ".join(t.cond.exists(v) for t in ts))
        conds = [self.nested(c, p) for c in tests]
        for prop in props:
            inner = self.conforms(prop, depth + 1)
            # a property shape's own property shapes apply to its value nodes
            conds.append(inner.holds if p is None else self.nested(ValueTest(inner), p))
        return Cond(lambda v: "(" + (" && ".join(c(v) for c in conds) or "true") + ")")

    def nested(self, constraint: object, p: str | None) -> Callable[[str], str]:
        """A constraint as a condition on the focus node in a variable."""
        if isinstance(constraint, ValueTest):
            cond = constraint.cond
            if p is None:
                return lambda v: f"COALESCE({cond.holds(v)}, false)"
            return lambda v: (f"NOT EXISTS {{ {v} {p} {(y := self.var())} "
                              f"FILTER(!COALESCE({cond.holds(y)}, false)) }}")
        if isinstance(constraint, FocusTest):
            return lambda v: f"COALESCE({constraint.cond(v)}, false)"
        if isinstance(constraint, Violations):
            return lambda v: ("NOT EXISTS { "
                              + constraint.pattern(v, self.var(), constraint.variables(self.var, top=False)) + " }")
        assert isinstance(constraint, Count) and p is not None
        c = constraint
        if c.op == "<":
            return lambda v: f"EXISTS {{ {self.distinct(v, p, c.n, c.only)} }}"
        return lambda v: f"NOT EXISTS {{ {self.distinct(v, p, c.n + 1, c.only)} }}"

    def distinct(self, v: str, p: str, n: int, only: Callable[[str], str] | None) -> str:
        """A pattern that matches when ``v`` has at least ``n`` distinct values on ``p``
        (passing ``only``, if given)."""
        if n > _MAX_PAIRWISE:
            raise Unsupported(f"a count of {n} in a nested shape")
        ys = [self.var() for _ in range(n)]
        filters = [f"!sameTerm({a}, {b})" for i, a in enumerate(ys) for b in ys[i + 1:]]
        if only is not None:
            filters += [only(y) for y in ys]
        body = " . ".join(f"{v} {p} {y}" for y in ys)
        return body + (f" FILTER({' && '.join(filters)})" if filters else "")

    # -- top level: a constraint as a query -------------------------------------------------
    def top_query(self, constraint: object, focus: str, p: str | None, keys: str = "") -> tuple[str, bool]:
        """The query that returns the violations of a constraint: (text, has a ?value).
        ``keys`` are variables of ``focus`` that tell focus nodes reached by different
        routes apart (a property shape's property shapes report once per route, as SHACL does)."""
        vn = f"?this {p} ?value ." if p is not None else "BIND(?this AS ?value)"
        this = f"?this{keys}"
        if isinstance(constraint, ValueTest):
            cond = constraint.cond
            if cond.exists is not None:  # an anti-join: the passing nodes found once, not per value
                return (f"SELECT DISTINCT {this} ?value WHERE {{ {focus} {vn} "
                        f"MINUS {{ {cond.exists('?value')} }} }}"), True
            return (f"SELECT DISTINCT {this} ?value WHERE {{ {focus} {vn} "
                    f"FILTER(!COALESCE({cond.holds('?value')}, false)) }}"), True
        if isinstance(constraint, FocusTest):
            return f"SELECT {this} WHERE {{ {focus} FILTER(!COALESCE({constraint.cond('?this')}, false)) }}", False
        if isinstance(constraint, Violations):
            more = "".join(f" ?{k}" for k in constraint.keys) + (" ?value" if constraint.has_value else "")
            names = constraint.variables(self.var, top=True)
            return (f"SELECT DISTINCT {this}{more} WHERE {{ {focus} "
                    f"{constraint.pattern('?this', '?value', names)} }}"), constraint.has_value
        assert isinstance(constraint, Count) and p is not None
        c = constraint
        only = f" FILTER({c.only('?value')})" if c.only is not None else ""
        if c.op == "<" and c.n == 1:
            return f"SELECT {this} WHERE {{ {focus} FILTER NOT EXISTS {{ {vn}{only} }} }}", False
        pattern = f"OPTIONAL {{ {vn}{only} }}" if c.op == "<" else f"{vn}{only}"
        return (f"SELECT {this} WHERE {{ {focus} {pattern} }} GROUP BY {this} "
                f"HAVING (COUNT(DISTINCT ?value) {c.op} {c.n})"), False

    def compile_shape(self, shape: object, focus: str, plan: Plan, top: object = None, keys: str = "") -> None:
        """The checks of a shape whose focus nodes ``focus`` binds to ?this (a property shape
        of the targeted shape ``top``; ``keys`` as for :meth:`top_query`)."""
        top = shape if top is None else top
        self.check_known(shape)
        if self.flag(shape, "deactivated"):
            return
        path_node = self.one(shape, "path")
        path = None if path_node is None else self.shapes.path(path_node)
        p = None if path is None else path_sparql(path)
        for component, constraint in self.constraints(shape, path, 0):
            query, has_value = self.top_query(constraint, focus, p, keys)
            plan.checks.append(Check(top, shape, SH + component + "ConstraintComponent", query, path, has_value))
        for constraint in self.shapes.objects(shape, sh("sparql")):
            if not self.flag(constraint, "deactivated"):
                self.check_known(constraint)
                if self.one(constraint, "select") is None:
                    raise ShapeError(f"the SPARQL-based constraint {term_text(constraint)} has no sh:select")
                plan.sparql.append(SparqlCheck(top, shape, constraint, focus, path))
        if p is not None and self.shapes.objects(shape, sh("property")):
            # a property shape's own property shapes have its value nodes as focus nodes
            outer = self.var().replace("?_v", "?_f")
            keys += " " + outer
            focus = (f"{{ SELECT DISTINCT ?this{keys} WHERE {{ {focus.replace('?this', outer)} "
                     f"{outer} {p} ?this }} }}")
        for prop in self.shapes.objects(shape, sh("property")):
            self.compile_shape(prop, focus, plan, top, keys)


def _global_feature(shapes: ShapesGraph) -> str | None:
    """A feature of the shapes graph that changes every shape, or None."""
    used = set(shapes.predicates()) | shapes.types()
    for term in sorted(used, key=str):
        if isinstance(term, ox.NamedNode) and term.value in _GLOBAL:
            return f"the shapes graph uses sh:{term.value[len(SH):]}"
    if shapes.instances(sh("ConstraintComponent")):
        return "the shapes graph declares constraint components of its own"
    return None


def compile_shapes(shapes: ShapesGraph, run: Callable[..., ox.QuerySolutions], *,
                   encoded: bool = False, shapes_graph: ox.NamedNode | None = None) -> Plan:
    """Compile every shape with targets; shapes the compiler does not cover go to
    :attr:`Plan.fallback` whole (a shape is never split between the two engines).
    ``encoded``: the data has literals stored encoded as written (:mod:`crdkg.aswritten`)."""
    plan = Plan(shapes_graph=shapes_graph)
    reason = _global_feature(shapes)
    if reason is not None:
        plan.everything_to_pyshacl, plan.reason = True, reason
        return plan
    if encoded and any(shapes.objects(s, sh("sparql")) for s in shapes.index):
        # a SPARQL-based constraint would see the encoding; pySHACL sees the literals as written
        plan.everything_to_pyshacl = True
        plan.reason = "the data has literals that the store rewrites, and the shapes have SPARQL-based constraints"
        return plan
    compiler = Compiler(shapes, run, encoded=encoded)
    for shape in targeted_shapes(shapes):
        sub = Plan()
        try:
            focus = compiler.focus(shape)
            if focus is not None:
                compiler.compile_shape(shape, focus, sub)
        except Unsupported as why:
            plan.fallback[shape] = str(why)
            continue
        plan.checks += sub.checks
        plan.sparql += sub.sparql
    return plan


# -- running -------------------------------------------------------------------------

def run_plan(plan: Plan, shapes: ShapesGraph, run: Callable[..., ox.QuerySolutions]) -> list[Result]:
    """Run the compiled checks. A SPARQL-based constraint that cannot run here (a blank focus
    node where the query must be bound per focus node) sends its targeted shape to
    ``plan.fallback``, and the results already found for that shape are dropped: pySHACL
    reports the whole shape."""
    found: dict[object, list[Result]] = {}  # by targeted shape
    for check in plan.checks:
        component = check.component[len(SH):-len("ConstraintComponent")]
        message = pick_message(shapes.messages(check.shape))
        severity = shapes.severity(check.shape)
        text = path_text(check.path)
        out = found.setdefault(check.top, [])
        for sol in run(check.query):
            focus = original(sol["this"])
            value = original(sol["value"]) if check.has_value and sol["value"] is not None else None
            path: object = check.path
            if path is None and sol["path"] is not None:  # sh:closed: the predicate
                path = sol["path"]
            out.append(Result(
                severity=severity, focus=term_text(focus), path=path_text(path),  # type: ignore[arg-type]
                value=None if value is None else term_text(value), focus_term=focus, value_term=value,
                message=message or default_message(component, focus, text if check.path else path_text(path),  # type: ignore[arg-type]
                                                   value),
                source=term_text(check.shape), source_term=check.shape, path_term=path,
                component=check.component, kind="shape"))
    for sparql in plan.sparql:
        if sparql.top in plan.fallback:
            continue
        try:
            found.setdefault(sparql.top, []).extend(run_sparql_constraint(shapes, run, sparql, original,
                                                                                 plan.shapes_graph))
        except Unsupported as why:
            plan.fallback[sparql.top] = str(why)
    return [r for top, results in found.items() if top not in plan.fallback for r in results]
