"""SHACL shapes compiled to SPARQL and run on the pyoxigraph store.

Each constraint of a shape that has targets becomes one SELECT query that returns the
focus nodes (and value nodes) violating it; nested shapes (``sh:node``, ``sh:or``,
``sh:and``, ``sh:xone``, ``sh:not``, ``sh:qualifiedValueShape``) become boolean SPARQL
expressions inside it. The queries run on the store the data was parsed into, over the
same default graph as the quality checks, so no second copy of the data is made and the
work grows with the data as Oxigraph's joins do.

The compiler covers SHACL Core (less ``sh:qualifiedValueShapesDisjoint``, and ``sh:closed``
on property shapes) and SPARQL-based constraints and targets. A shape that
uses anything else is not guessed at: it is returned in :attr:`Plan.fallback` for pySHACL,
which stays the reference (tests run every shape example through both and compare).

SHACL: https://www.w3.org/TR/shacl/ (sections 2-5 give what each component means).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from ..sparqltext import substitute, tokens
from .model import Result, term_text

SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
_RDFS_CLASS = ox.NamedNode(_RDFS + "Class")
TYPE, FIRST, REST, NIL = (ox.NamedNode(_RDF + n) for n in ("type", "first", "rest", "nil"))
INSTANCE_OF = f"<{_RDF}type>/<{_RDFS}subClassOf>*"

#: Datatypes whose lexical forms Oxigraph checks when casting (an ill-typed literal such as
#: "2021-13-45"^^xsd:date does not have its datatype, as in pySHACL).
_CASTABLE = {_XSD + n for n in ("integer", "decimal", "double", "float", "boolean", "dateTime", "date",
                                "time", "gYear", "gYearMonth", "duration", "int", "long", "short", "byte")}
_NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
_RANGES = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
#: Predicates of a shape that the compiler understands; any other sh: predicate on a shape
#: sends the shape to pySHACL.
_KNOWN = {SH + n for n in (
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target", "path", "property", "node",
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive", "maxInclusive", "minExclusive",
    "maxExclusive", "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "hasValue", "in",
    "or", "and", "xone", "not", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "sparql",
    "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue", "select",
    "prefixes", "equals", "disjoint", "lessThan", "lessThanOrEquals", "closed", "ignoredProperties")}
#: Features that change what validation means (rules, custom components, functions): with
#: any of them in the shapes graph, every shape goes to pySHACL.
_GLOBAL = {SH + n for n in ("rule", "ConstraintComponent", "SPARQLFunction", "SPARQLTargetType", "JSConstraint",
                            "TripleRule", "SPARQLRule", "entailment", "shapesGraph")}
_MAX_PAIRWISE = 3  # nested counts are written as n distinct values; larger n goes to pySHACL
_MAX_DEPTH = 16

#: One compiled constraint of ``shape``, reached from the targeted shape ``top``: its query
#: returns ?this, and ?value when ``has_value``; sh:closed's returns the predicate as ?path.
Check = namedtuple("Check", ["top", "shape", "component", "query", "path", "has_value"])
#: A SPARQL-based constraint of ``shape`` (reached from ``top``), run when the plan runs.
SparqlCheck = namedtuple("SparqlCheck", ["top", "shape", "constraint", "focus", "path"])
_PAIRS = {"equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals"}


class Unsupported(Exception):
    """A feature the compiler leaves to pySHACL."""


class ShapeError(ValueError):
    """A shape that is not valid SHACL (a count that is not an integer, say)."""


def _sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


class ShapesGraph:
    """The shapes, indexed by subject and predicate (a few thousand triples at most)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.index: dict = {}
        for q in quads:
            self.index.setdefault(q.subject, {}).setdefault(q.predicate, []).append(q.object)

    def objects(self, node: object, pred: ox.NamedNode) -> list:
        return self.index.get(node, {}).get(pred, [])

    def value(self, node: object, pred: ox.NamedNode) -> object | None:
        found = self.objects(node, pred)
        return found[0] if found else None

    def items(self, node: object) -> list:
        """The members of an RDF list."""
        out, seen = [], set()
        while node != NIL:
            if node in seen or self.value(node, FIRST) is None:
                raise Unsupported("a malformed RDF list")
            seen.add(node)
            out.append(self.value(node, FIRST))
            node = self.value(node, REST)
        return out

    def predicates(self) -> Iterator[ox.NamedNode]:
        for preds in self.index.values():
            yield from preds

    def types(self) -> set:
        return {o for preds in self.index.values() for o in preds.get(TYPE, [])}


def prefix_lines(shapes: ShapesGraph, node: object) -> str:
    """PREFIX lines for the sh:declare statements of the node's sh:prefixes (SHACL 5.2.1)."""
    out = []
    for decls in shapes.objects(node, _sh("prefixes")):
        for decl in shapes.objects(decls, _sh("declare")):
            prefix, ns = shapes.value(decl, _sh("prefix")), shapes.value(decl, _sh("namespace"))
            if prefix is not None and ns is not None:
                out.append(f"PREFIX {prefix.value}: <{ns.value}>\n")
    return "".join(out)


def path_sparql(shapes: ShapesGraph, node: object) -> str:
    """A SHACL path as a SPARQL property path (the syntax results show it in)."""
    if isinstance(node, ox.NamedNode):
        return str(node)
    if isinstance(node, ox.BlankNode) and shapes.value(node, FIRST) is not None:
        return "/".join(_path_part(shapes, n) for n in shapes.items(node))
    for pred, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"),
                      ("zeroOrOnePath", "({})?")):
        inner = shapes.value(node, _sh(pred))
        if inner is not None:
            return fmt.format(_path_part(shapes, inner) if fmt == "^{}" else path_sparql(shapes, inner))
    alt = shapes.value(node, _sh("alternativePath"))
    if alt is not None:
        return "(" + "|".join(path_sparql(shapes, n) for n in shapes.items(alt)) + ")"
    raise Unsupported("a path that is not a SHACL path")


def _path_part(shapes: ShapesGraph, node: object) -> str:
    """A path as the operand of ``/`` or ``^``: a sequence goes in brackets."""
    text = path_sparql(shapes, node)
    return f"({text})" if shapes.value(node, FIRST) is not None else text


def path_text(shapes: ShapesGraph, node: object) -> str:
    return node.value if isinstance(node, ox.NamedNode) else path_sparql(shapes, node)


class Plan:
    """The compiled shapes: queries to run, and the shapes left to pySHACL."""

    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.sparql: list[SparqlCheck] = []
        self.fallback: list = []  # shape nodes for pySHACL
        self.everything_to_pyshacl = False


class Compiler:
    def __init__(self, shapes: ShapesGraph, run: Callable[[str], ox.QuerySolutions]) -> None:
        self.shapes = shapes
        self.run = run
        self._n = 0

    # -- helpers ---------------------------------------------------------------------
    def var(self) -> str:
        self._n += 1
        return f"?_v{self._n}"

    def one(self, node: object, name: str) -> object | None:
        found = self.shapes.objects(node, _sh(name))
        if len(found) > 1:
            raise Unsupported(f"more than one sh:{name}")
        return found[0] if found else None

    def integer(self, node: object, name: str) -> int | None:
        lit = self.one(node, name)
        if lit is None:
            return None
        if not isinstance(lit, ox.Literal) or not lit.value.lstrip("-").isdigit():
            raise ShapeError(f"sh:{name} of {term_text(node)} is not an integer: {lit}")
        return int(lit.value)

    def check_known(self, node: object) -> None:
        for pred in self.shapes.index.get(node, {}):
            if pred.value.startswith(SH) and pred.value not in _KNOWN:
                raise Unsupported(pred.value)
        if self.shapes.objects(node, _sh("qualifiedValueShapesDisjoint")):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")

    def deactivated(self, node: object) -> bool:
        flag = self.one(node, "deactivated")
        return isinstance(flag, ox.Literal) and flag.value == "true"

    # -- targets ---------------------------------------------------------------------
    def focus(self, shape: object) -> str | None:
        """A group pattern that binds ?this to each focus node of ``shape`` once."""
        parts = []
        classes = list(self.shapes.objects(shape, _sh("targetClass")))
        if {_RDFS_CLASS, _OWL_CLASS} & set(self.shapes.objects(shape, TYPE)):
            classes.append(shape)
        for cls in classes:
            if not isinstance(cls, ox.NamedNode):
                raise Unsupported("a blank-node target class")
            parts.append(f"{{ ?this {INSTANCE_OF} {cls} }}")
        nodes = list(self.shapes.objects(shape, _sh("targetNode")))
        for target in self.shapes.objects(shape, _sh("target")):
            nodes += self.sparql_target(target)
        if nodes:
            if any(isinstance(n, ox.BlankNode) for n in nodes):
                raise Unsupported("a blank node as a target node")
            parts.append("{ VALUES ?this { " + " ".join(str(n) for n in dict.fromkeys(nodes)) + " } }")
        for pred in self.shapes.objects(shape, _sh("targetSubjectsOf")):
            parts.append(f"{{ ?this {pred} [] }}")
        for pred in self.shapes.objects(shape, _sh("targetObjectsOf")):
            parts.append(f"{{ [] {pred} ?this }}")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def sparql_target(self, target: object) -> list:
        if _sh("SPARQLTarget") not in self.shapes.objects(target, TYPE) or self.one(target, "select") is None:
            raise Unsupported("a target that is not a sh:SPARQLTarget with sh:select")
        query = prefix_lines(self.shapes, target) + self.one(target, "select").value
        try:
            return [s["this"] for s in self.run(query) if s["this"] is not None]
        except SyntaxError as err:
            raise ShapeError(f"the SPARQL target of a shape does not parse: {err}") from None

    # -- conditions: true when the node in ``v`` conforms --------------------------------
    def value_tests(self, shape: object, depth: int) -> list[tuple[str, Callable[[str], str]]]:
        """The components of ``shape`` tested on each value node: (component, condition)."""
        tests: list[tuple[str, Callable[[str], str]]] = []
        for cls in self.shapes.objects(shape, _sh("class")):
            tests.append(("Class", lambda v, c=cls: f"EXISTS {{ {v} {INSTANCE_OF} {c} }}"))
        datatype = self.one(shape, "datatype")
        if datatype is not None:
            tests.append(("Datatype", lambda v, d=datatype: self.datatype(v, d)))
        kind = self.one(shape, "nodeKind")
        if kind is not None:
            name = kind.value[len(SH):] if kind.value.startswith(SH) else ""
            if name not in _NODE_KINDS:
                raise ShapeError(f"unknown sh:nodeKind {kind}")
            tests.append(("NodeKind", lambda v, f=_NODE_KINDS[name]: f.format(v=v)))
        for name, op in _RANGES.items():
            bound = self.one(shape, name)
            if bound is not None:
                tests.append((name[0].upper() + name[1:], lambda v, o=op, b=bound: f"COALESCE({v} {o} {b}, false)"))
        for name, op in (("minLength", ">="), ("maxLength", "<=")):
            n = self.integer(shape, name)
            if n is not None:
                tests.append((name[0].upper() + name[1:],
                              lambda v, o=op, n=n: f"(!isBlank({v}) && STRLEN(STR({v})) {o} {n})"))
        pattern = self.one(shape, "pattern")
        if pattern is not None:
            flags = self.one(shape, "flags")
            regex = ox.Literal(pattern.value)
            extra = f", {ox.Literal(flags.value)}" if flags is not None else ""
            tests.append(("Pattern", lambda v, r=regex, e=extra: f"(!isBlank({v}) && REGEX(STR({v}), {r}{e}))"))
        langs = self.one(shape, "languageIn")
        if langs is not None:
            tags = [ox.Literal(t.value) for t in self.shapes.items(langs)]
            tests.append(("LanguageIn", lambda v, ts=tags: "(isLiteral({v}) && ({c}))".format(
                v=v, c=" || ".join(f"LANGMATCHES(LANG({v}), {t})" for t in ts) or "false")))
        members = self.one(shape, "in")
        if members is not None:
            allowed = self.shapes.items(members)
            if any(isinstance(m, ox.BlankNode) for m in allowed):
                raise Unsupported("a blank node in sh:in")
            tests.append(("In", lambda v, a=allowed: "(" + (" || ".join(f"sameTerm({v}, {m})" for m in a) or "false")
                          + ")"))
        for node in self.shapes.objects(shape, _sh("node")):
            tests.append(("Node", self.conforms(node, depth + 1)))
        for name, join in (("or", " || "), ("and", " && ")):
            for lst in self.shapes.objects(shape, _sh(name)):
                parts = [self.conforms(m, depth + 1) for m in self.shapes.items(lst)]
                tests.append((name[0].upper() + name[1:],
                              lambda v, ps=parts, j=join: "(" + (j.join(p(v) for p in ps) or "true") + ")"))
        for lst in self.shapes.objects(shape, _sh("xone")):
            parts = [self.conforms(m, depth + 1) for m in self.shapes.items(lst)]
            tests.append(("Xone", lambda v, ps=parts:
                          "(" + " + ".join(f"IF({p(v)}, 1, 0)" for p in ps) + " = 1)" if ps else "false"))
        for node in self.shapes.objects(shape, _sh("not")):
            inner = self.conforms(node, depth + 1)
            tests.append(("Not", lambda v, i=inner: f"!({i(v)})"))
        return tests

    def datatype(self, v: str, dt: object) -> str:
        if dt.value == _RDF + "langString":
            return f'(isLiteral({v}) && LANG({v}) != "")'
        test = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {dt})"
        if dt.value in _CASTABLE:
            test += f" && COALESCE(isLiteral({dt}(STR({v}))), false)"
        return f"({test})"

    def conforms(self, shape: object, depth: int) -> Callable[[str], str]:
        """A function from a SPARQL variable to an expression that is true when the node it
        holds conforms to ``shape`` (targets of a nested shape are ignored, as SHACL says)."""
        if depth > _MAX_DEPTH:
            raise Unsupported("shapes nested deeper than 16 (recursive shapes?)")
        self.check_known(shape)
        if self.shapes.objects(shape, _sh("sparql")):
            raise Unsupported("a SPARQL-based constraint in a nested shape")
        if self.deactivated(shape):
            return lambda v: "true"
        path = self.one(shape, "path")
        tests = self.value_tests(shape, depth)
        conds: list[Callable[[str], str]] = []
        conds += [t for _, t in self.pair_conditions(shape, path)]
        if path is None:
            conds += [t for _, t in tests]
            for value in self.shapes.objects(shape, _sh("hasValue")):
                conds.append(lambda v, h=value: f"sameTerm({v}, {h})")
            for prop in self.shapes.objects(shape, _sh("property")):
                conds.append(self.conforms(prop, depth + 1))
            return lambda v: "(" + (" && ".join(c(v) for c in conds) or "true") + ")"
        p = path_sparql(self.shapes, path)
        if self.shapes.objects(shape, _sh("property")):
            raise Unsupported("sh:property inside a property shape")
        for _, test in tests:
            conds.append(lambda v, t=test: self.every_value(v, p, t))
        for value in self.shapes.objects(shape, _sh("hasValue")):
            conds.append(lambda v, h=value: self.some_value(v, p, h))
        qualified = self.one(shape, "qualifiedValueShape")
        counts = [(self.integer(shape, "minCount"), self.integer(shape, "maxCount"), None)]
        if qualified is not None:
            counts.append((self.integer(shape, "qualifiedMinCount"), self.integer(shape, "qualifiedMaxCount"),
                           self.conforms(qualified, depth + 1)))
        for low, high, only in counts:
            if low:
                conds.append(lambda v, n=low, o=only: f"EXISTS {{ {self.distinct(v, p, n, o)} }}")
            if high is not None:
                conds.append(lambda v, n=high, o=only: f"NOT EXISTS {{ {self.distinct(v, p, n + 1, o)} }}")
        if self.one(shape, "uniqueLang") == ox.Literal(True):
            conds.append(lambda v: self.unique_languages(v, p))
        return lambda v: "(" + (" && ".join(c(v) for c in conds) or "true") + ")"

    def pair_conditions(self, shape: object, path: object | None) -> list[tuple[str, Callable[[str], str]]]:
        """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals and sh:closed as conditions
        on a focus node (SHACL 4.5 and 4.8.1)."""
        out: list[tuple[str, Callable[[str], str]]] = []
        p = None if path is None else path_sparql(self.shapes, path)
        for name, component in _PAIRS.items():
            for other in self.shapes.objects(shape, _sh(name)):
                if not isinstance(other, ox.NamedNode):
                    raise ShapeError(f"sh:{name} of {term_text(shape)} is not an IRI: {other}")
                out.append((component, lambda v, n=name, o=other: self.pair(v, p, n, o)))
        allowed = self.closed(shape)
        if allowed is not None:
            if path is not None:
                raise Unsupported("sh:closed on a property shape")
            out.append(("Closed", lambda v, a=allowed: self.only_predicates(v, a)))
        return out

    def only_predicates(self, v: str, allowed: str) -> str:
        q, o = self.var(), self.var()
        return f"NOT EXISTS {{ {v} {q} {o} FILTER({q} NOT IN ({allowed})) }}"

    def closed(self, shape: object) -> str | None:
        """With sh:closed true, the predicates a focus node may have, for ``NOT IN (...)``."""
        if self.one(shape, "closed") != ox.Literal(True):
            return None
        allowed = [self.one(prop, "path") for prop in self.shapes.objects(shape, _sh("property"))]
        for lst in self.shapes.objects(shape, _sh("ignoredProperties")):
            allowed += self.shapes.items(lst)
        return ", ".join(str(a) for a in dict.fromkeys(allowed) if isinstance(a, ox.NamedNode))

    def pair(self, v: str, p: str | None, name: str, other: ox.NamedNode) -> str:
        """True when the value nodes of ``v`` (``v`` itself without a path) keep sh:``name``
        with the values of ``other``."""
        x, y = self.var(), self.var()
        values = f"{v} {p} {x} ." if p is not None else f"BIND({v} AS {x})"
        if name == "equals":
            back = f"{v} {p} {y}" if p is not None else f"FILTER(sameTerm({y}, {v}))"
            return (f"(NOT EXISTS {{ {values} FILTER NOT EXISTS {{ {v} {other} {x} }} }} && "
                    f"NOT EXISTS {{ {v} {other} {y} FILTER NOT EXISTS {{ {back} }} }})")
        if name == "disjoint":
            return f"NOT EXISTS {{ {values} {v} {other} {x} }}"
        op = "<" if name == "lessThan" else "<="
        return f"NOT EXISTS {{ {values} {v} {other} {y} FILTER(!COALESCE({x} {op} {y}, false)) }}"

    def every_value(self, v: str, p: str, test: Callable[[str], str]) -> str:
        y = self.var()
        return f"NOT EXISTS {{ {v} {p} {y} FILTER(!COALESCE({test(y)}, false)) }}"

    def some_value(self, v: str, p: str, value: object) -> str:
        y = self.var()
        return f"EXISTS {{ {v} {p} {y} FILTER(sameTerm({y}, {value})) }}"

    def unique_languages(self, v: str, p: str) -> str:
        a, b = self.var(), self.var()
        return (f'NOT EXISTS {{ {v} {p} {a}, {b} FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f'&& LCASE(LANG({a})) = LCASE(LANG({b}))) }}')

    def distinct(self, v: str, p: str, n: int, only: Callable[[str], str] | None) -> str:
        """A pattern that matches when ``v`` has at least ``n`` distinct values on ``p``
        (conforming to ``only``, if given)."""
        if n > _MAX_PAIRWISE:
            raise Unsupported(f"a count of {n} in a nested shape")
        ys = [self.var() for _ in range(n)]
        filters = [f"!sameTerm({a}, {b})" for i, a in enumerate(ys) for b in ys[i + 1:]]
        if only is not None:
            filters += [only(y) for y in ys]
        body = " . ".join(f"{v} {p} {y}" for y in ys)
        return body + (f" FILTER({' && '.join(filters)})" if filters else "")

    # -- top level -------------------------------------------------------------------
    def compile_shape(self, shape: object, focus: str, plan: Plan, top: object = None) -> None:
        """The checks of a shape whose focus nodes ``focus`` binds to ?this (a property shape
        of the targeted shape ``top``)."""
        top = shape if top is None else top
        self.check_known(shape)
        if self.deactivated(shape):
            return
        path = self.one(shape, "path")
        checks: list[Check] = []
        vn = f"?this {path_sparql(self.shapes, path)} ?value ." if path is not None else "BIND(?this AS ?value)"
        text = None if path is None else path_text(self.shapes, path)

        def add(component: str, query: str, has_value: bool = False) -> None:
            checks.append(Check(top, shape, SH + component + "ConstraintComponent", query, text, has_value))

        for cls in self.shapes.objects(shape, _sh("class")):  # an anti-join: instances found once, not per value
            add("Class", f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {vn} "
                         f"MINUS {{ ?value {INSTANCE_OF} {cls} }} }}", has_value=True)
        for component, test in self.value_tests(shape, 0):
            if component != "Class":
                add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {vn} "
                               f"FILTER(!COALESCE({test('?value')}, false)) }}", has_value=True)
        self.pair_checks(shape, path, focus, vn, add)
        for value in self.shapes.objects(shape, _sh("hasValue")):
            if path is None:
                add("HasValue", f"SELECT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {value})) }}")
            else:
                add("HasValue", f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {vn} "
                                f"FILTER(sameTerm(?value, {value})) }} }}")
        if path is not None:
            low, high = self.integer(shape, "minCount"), self.integer(shape, "maxCount")
            if low:
                add("MinCount", self.count_query(focus, vn, "<", low))
            if high is not None:
                add("MaxCount", self.count_query(focus, vn, ">", high))
            qualified = self.one(shape, "qualifiedValueShape")
            if qualified is not None:
                cond = self.conforms(qualified, 1)("?value")
                low = self.integer(shape, "qualifiedMinCount")
                high = self.integer(shape, "qualifiedMaxCount")
                if low:
                    add("QualifiedMinCount", self.count_query(focus, f"{vn} FILTER({cond})", "<", low))
                if high is not None:
                    add("QualifiedMaxCount", self.count_query(focus, f"{vn} FILTER({cond})", ">", high))
            if self.one(shape, "uniqueLang") == ox.Literal(True):
                add("UniqueLang", f"SELECT ?this WHERE {{ {focus} {vn} FILTER(isLiteral(?value) && LANG(?value) != \"\") "
                                  f"BIND(LCASE(LANG(?value)) AS ?lang) }} GROUP BY ?this ?lang "
                                  f"HAVING (COUNT(DISTINCT ?value) > 1)")
            if self.shapes.objects(shape, _sh("property")):
                raise Unsupported("sh:property inside a property shape")
        for constraint in self.shapes.objects(shape, _sh("sparql")):
            if not self.deactivated(constraint):
                self.check_known(constraint)
                if self.one(constraint, "select") is None:
                    raise Unsupported("a SPARQL-based constraint without sh:select")
                plan.sparql.append(SparqlCheck(top, shape, constraint, focus, path))
        plan.checks += checks
        if path is None:
            for prop in self.shapes.objects(shape, _sh("property")):
                self.compile_shape(prop, focus, plan, top)

    def pair_checks(self, shape: object, path: object | None, focus: str, vn: str,
                    add: Callable[..., None]) -> None:
        """The property pair components and sh:closed at the top level: one result per value
        node that breaks the pair (per pair of values for sh:lessThan), per offending triple
        for sh:closed."""
        for name, component in _PAIRS.items():
            for other in self.shapes.objects(shape, _sh(name)):
                if not isinstance(other, ox.NamedNode):
                    raise ShapeError(f"sh:{name} of {term_text(shape)} is not an IRI: {other}")
                values = f"{{ SELECT DISTINCT ?this ?value WHERE {{ {focus} {vn} }} }}"
                if name == "equals":
                    add(component, f"SELECT ?this ?value WHERE {{ {values} FILTER NOT EXISTS {{ ?this {other} ?value }} }}",
                        has_value=True)
                    back = f"?this {path_sparql(self.shapes, path)} ?value" if path is not None \
                        else "FILTER(sameTerm(?value, ?this))"
                    add(component, f"SELECT ?this ?value WHERE {{ {focus} ?this {other} ?value "
                                   f"FILTER NOT EXISTS {{ {back} }} }}", has_value=True)
                elif name == "disjoint":
                    add(component, f"SELECT ?this ?value WHERE {{ {values} ?this {other} ?value }}", has_value=True)
                else:
                    op = "<" if name == "lessThan" else "<="
                    add(component, f"SELECT ?this ?value WHERE {{ {values} ?this {other} ?other "
                                   f"FILTER(!COALESCE(?value {op} ?other, false)) }}", has_value=True)
        allowed = self.closed(shape)
        if allowed is not None:
            if path is not None:
                raise Unsupported("sh:closed on a property shape")
            add("Closed", f"SELECT ?this ?path ?value WHERE {{ {focus} ?this ?path ?value "
                          f"FILTER(?path NOT IN ({allowed})) }}", has_value=True)

    @staticmethod
    def count_query(focus: str, vn: str, op: str, n: int) -> str:
        if op == "<" and n == 1:
            return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {vn} }} }}"
        pattern = f"OPTIONAL {{ {vn} }}" if op == "<" else vn
        return f"SELECT ?this WHERE {{ {focus} {pattern} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {n})"


def compile_shapes(shapes: ShapesGraph, run: Callable[[str], ox.QuerySolutions]) -> Plan:
    """Compile every shape with targets; shapes the compiler does not cover go to
    :attr:`Plan.fallback` whole (a shape is never split between the two engines)."""
    plan = Plan()
    used = set(shapes.predicates()) | shapes.types()
    if any(t.value in _GLOBAL for t in used if isinstance(t, ox.NamedNode)):
        plan.everything_to_pyshacl = True
        return plan
    target_preds = [_sh(n) for n in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")]
    shape_types = {_sh("NodeShape"), _sh("PropertyShape")}
    tops = [s for s, preds in shapes.index.items()
            if any(p in preds for p in target_preds)
            or (shape_types & set(preds.get(TYPE, [])) and {_RDFS_CLASS, _OWL_CLASS} & set(preds.get(TYPE, [])))]
    compiler = Compiler(shapes, run)
    for shape in sorted(tops, key=str):
        sub = Plan()
        try:
            focus = compiler.focus(shape)
            if focus is not None:
                compiler.compile_shape(shape, focus, sub)
        except Unsupported:
            if isinstance(shape, ox.BlankNode):
                plan.everything_to_pyshacl = True
                return plan
            plan.fallback.append(shape)
            continue
        plan.checks += sub.checks
        plan.sparql += sub.sparql
    return plan


# -- running -------------------------------------------------------------------------

def _messages(shapes: ShapesGraph, *nodes: object) -> list:
    for node in nodes:
        found = shapes.objects(node, _sh("message"))
        if found:
            return found
    return []


def _pick(messages: list) -> str | None:
    english = [m for m in messages if m.language in (None, "en")]
    chosen = (english or messages or [None])[0]
    return None if chosen is None else chosen.value


def _severity(shapes: ShapesGraph, shape: object) -> str:
    sev = shapes.value(shape, _sh("severity"))
    return {SH + "Warning": "warning", SH + "Info": "info"}.get(sev.value if sev is not None else "", "violation")


def run_plan(plan: Plan, shapes: ShapesGraph, run: Callable[[str], ox.QuerySolutions]) -> list[Result]:
    """Run the compiled checks. A SPARQL-based constraint that cannot run here (a blank focus
    node where the query must be bound per focus node) sends its targeted shape to
    ``plan.fallback``, and the results already found for that shape are dropped: pySHACL
    reports the whole shape."""
    found: dict[object, list[Result]] = {}  # by targeted shape
    for check in plan.checks:
        component = check.component[len(SH):-len("ConstraintComponent")]
        message = _pick(_messages(shapes, check.shape))
        severity = _severity(shapes, check.shape)
        out = found.setdefault(check.top, [])
        for sol in run(check.query):
            focus, value = sol["this"], sol["value"] if check.has_value else None
            path = check.path if check.path is not None or sol["path"] is None else sol["path"].value
            out.append(Result(
                severity=severity, focus=term_text(focus), path=path,
                value=None if value is None else term_text(value), focus_term=focus, value_term=value,
                message=message or _default_message(component, focus, check.path, value),
                source=term_text(check.shape), component=check.component, kind="shape"))
    for sparql in plan.sparql:
        if sparql.top in plan.fallback:
            continue
        try:
            found.setdefault(sparql.top, []).extend(_run_sparql_constraint(shapes, run, sparql))
        except Unsupported:
            if isinstance(sparql.top, ox.BlankNode):
                plan.everything_to_pyshacl = True
                return []
            plan.fallback.append(sparql.top)
    return [r for top, results in found.items() if top not in plan.fallback for r in results]


def _default_message(component: str, focus: object, path: str | None, value: object | None) -> str:
    where = term_text(focus) + (f" -> {path}" if path else "")
    if value is not None:
        return f"{component} constraint not met by value {term_text(value)} of {where}"
    return f"{component} constraint not met at {where}"


def _bulk_query(query: str, focus: str) -> str | None:
    """``query`` with the focus pattern joined at the top of its WHERE group, when that gives
    the solutions that binding $this per focus node would: $this is projected, and used only
    at the top level of the WHERE group or inside FILTER EXISTS / NOT EXISTS blocks there
    (which see the group's bindings), never in a subquery, OPTIONAL, UNION or MINUS block."""
    toks = list(tokens(query))
    depth, opening, projected = 0, None, False
    exists_at: int | None = None  # depth at which an EXISTS block opened
    for i, tok in enumerate(toks):
        if tok.text == "{":
            depth += 1
            if opening is None:
                opening = tok
            elif exists_at is None and depth == 2 and i and toks[i - 1].text.upper() == "EXISTS":
                exists_at = depth
        elif tok.text == "}":
            if exists_at == depth:
                exists_at = None
            depth -= 1
        elif tok.kind == "word" and tok.text.upper() == "SELECT" and exists_at is not None:
            return None
        elif tok.kind == "var" and tok.text[1:] == "this":
            if opening is None:
                projected = True
            elif depth > 1 and exists_at is None:
                return None
        elif tok.text == "*" and opening is None:
            projected = True
    if opening is None or not projected:
        return None
    out, last = [], 0
    for tok in toks:
        if tok.kind == "var" and tok.text[1:] == "this":
            out += [query[last:tok.start], "?this"]
            last = tok.start + len(tok.text)
        if tok is opening:
            out += [query[last:tok.start + 1], " ", focus, " "]
            last = tok.start + 1
    out.append(query[last:])
    return "".join(out)


def _rows(solutions: ox.QuerySolutions) -> list[dict]:
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


def _run_sparql_constraint(shapes: ShapesGraph, run: Callable[[str], ox.QuerySolutions],
                           sparql: SparqlCheck) -> list[Result]:
    shape, constraint, focus, path = sparql.shape, sparql.constraint, sparql.focus, sparql.path
    query = shapes.value(constraint, _sh("select")).value
    names = {t.text[1:] for t in tokens(query) if t.kind == "var"}
    if names & {"currentShape", "shapesGraph"}:
        raise Unsupported("$currentShape or $shapesGraph in a SPARQL-based constraint")
    if "PATH" in names:
        if path is None:
            raise Unsupported("$PATH in a node shape")
        query = "".join(path_sparql(shapes, path) if t.kind == "var" and t.text[1:] == "PATH" else t.text
                        for t in _spaced(query))
    query = prefix_lines(shapes, constraint) + query
    bulk = _bulk_query(query, focus)
    if bulk is not None:
        solutions = [(None, row) for row in _rows(run(bulk))]
    else:
        solutions = []
        for sol in run(f"SELECT ?this WHERE {{ {focus} }}"):
            node = sol["this"]
            if isinstance(node, ox.BlankNode):
                raise Unsupported("a blank focus node for a per-node SPARQL constraint")
            solutions += [(node, row) for row in _rows(run(substitute(query, {"this": node})))]
    messages = _messages(shapes, constraint, shape)
    shape_path = None if path is None else path_text(shapes, path)
    severity, seen, results = _severity(shapes, shape), set(), []
    for given, bound in solutions:
        focus_node = bound.pop("this", None) or given
        result_path = bound.pop("path", None)
        value = bound.pop("value", None)
        bound.pop("failure", None)
        if value is None and path is None:
            value = focus_node
        key = (focus_node, result_path, value, tuple(sorted((k, str(v)) for k, v in bound.items())))
        if key in seen:
            continue
        seen.add(key)
        fill = {**bound, "this": focus_node, **({"path": result_path} if result_path else {}),
                **({"value": value} if value is not None else {})}
        text = _pick(messages)
        if text is not None:
            for name, term in fill.items():
                text = text.replace("{?" + name + "}", term_text(term)).replace("{$" + name + "}", term_text(term))
        results.append(Result(
            severity=severity, focus=term_text(focus_node),
            path=term_text(result_path) if result_path is not None else shape_path,
            value=None if value is None else term_text(value), focus_term=focus_node, value_term=value,
            message=text or _default_message("SPARQL", focus_node, shape_path, value),
            source=term_text(shape), component=SH + "SPARQLConstraintComponent", kind="shape"))
    return results


def _spaced(query: str) -> Iterator:
    """The query as tokens and the text between them, so that one token can be replaced."""
    Piece = namedtuple("Piece", ["kind", "text"])
    last = 0
    for tok in tokens(query):
        if tok.start > last:
            yield Piece("space", query[last:tok.start])
        yield tok
        last = tok.start + len(tok.text)
    yield Piece("space", query[last:])
