"""SHACL-SPARQL (SHACL section 5): the SPARQL text in a shapes graph, its prefixes, the
rules that SHACL sets for pre-bound variables, and running SPARQL-based constraints on
the store.

SHACL 5.3.1 (pre-binding): a query with a potentially pre-bound variable (``$this``,
``$value`` and a component's parameters; ``$shapesGraph``, ``$currentShape``) must not
contain MINUS, VALUES or a federated query (SERVICE), must not assign such a variable
(``AS ?this``), and each subquery must return them. A shapes graph that breaks this is
refused, whichever engine runs; a SERVICE clause anywhere is refused too, since
validation reaches no network.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import OWL, SH
from ..sparqltext import calls_service, check_size, substitute, tokens
from .model import Result, path_sparql, path_text, term_text
from .shapesgraph import ShapeError, ShapesGraph, Unsupported, pick_message, sh

#: A SPARQL-based constraint of ``shape`` (reached from the targeted shape ``top``), run
#: when the plan runs; ``focus`` is the group pattern that binds ?this to its focus nodes.
SparqlCheck = namedtuple("SparqlCheck", ["top", "shape", "constraint", "focus", "path"])
_OPTIONAL = {"shapesGraph", "currentShape"}  # pre-bound, but a subquery need not return them


def prefix_lines(shapes: ShapesGraph, node: object) -> str:
    """PREFIX lines for the node's sh:prefixes: the sh:declare statements of each of its
    values and of the ontologies those import (owl:imports, transitively; SHACL 5.2.1)."""
    out, seen = [], set()
    todo = list(shapes.objects(node, sh("prefixes")))
    while todo:
        decls = todo.pop(0)
        if decls in seen:
            continue
        seen.add(decls)
        for decl in shapes.objects(decls, sh("declare")):
            prefix, ns = shapes.value(decl, sh("prefix")), shapes.value(decl, sh("namespace"))
            if prefix is not None and ns is not None:
                out.append(f"PREFIX {prefix.value}: <{ns.value}>\n")  # type: ignore[attr-defined]
        todo += shapes.objects(decls, ox.NamedNode(OWL + "imports"))
    return "".join(out)


def _named(shapes: ShapesGraph, node: object) -> str:
    """``node`` as a message names it: a blank node by the shape and property that hold it."""
    if isinstance(node, ox.BlankNode):
        for subject, preds in shapes.index.items():
            for pred, objects in preds.items():
                if node in objects:
                    name = f"sh:{pred.value[len(SH):]}" if pred.value.startswith(SH) else pred.value
                    return f"{_named(shapes, subject)}'s {name}"
    return term_text(node)


def undeclared_prefix(query: str, declarations: str) -> str | None:
    """The first prefix that ``query`` uses in a prefixed name and neither it nor the PREFIX
    lines of ``declarations`` declare; None when there is none (or the text does not lex:
    the engine's own message then says where)."""
    try:
        declared = {toks[i + 1].text[:-1] for text in (declarations, query)
                    for toks in [list(tokens(text))] for i, t in enumerate(toks[:-1])
                    if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 1].text.endswith(":")}
        for tok in tokens(query):
            if tok.kind == "word" and ":" in tok.text and not tok.text.startswith("_:"):
                prefix = tok.text.split(":", 1)[0]
                if prefix not in declared:
                    return prefix
    except QueryError:
        return None
    return None


def check_shape_queries(shapes: ShapesGraph) -> None:
    """Refuse (:class:`ShapeError`) a shapes graph whose SPARQL is too long or deep, calls a
    remote service, uses a prefix it does not declare, or breaks SHACL's pre-binding rules."""
    prebound = _prebound(shapes)
    for node, preds in shapes.index.items():
        for key in ("select", "ask", "construct", "update"):
            for text in preds.get(sh(key), ()):
                query = text.value
                try:
                    check_size(query, where=f"the SPARQL of {term_text(node)}")
                except QueryError as err:
                    raise ShapeError(str(err)) from None
                if calls_service(query):
                    raise ShapeError(f"the SPARQL of {term_text(node)} has a SERVICE clause: validation "
                                     "reaches no network")
                if node in prebound:
                    problem = prebinding_problem(query, prebound[node])
                    if problem:
                        raise ShapeError(f"the SPARQL of {term_text(node)} {problem}, which SHACL does not "
                                         "allow where variables are pre-bound (SHACL 5.3.1)")
                missing = undeclared_prefix(query, prefix_lines(shapes, node))
                if missing is not None:
                    raise ShapeError(f"the SPARQL of {_named(shapes, node)} uses the prefix {missing}: "
                                     f"without declaring it: write PREFIX {missing}: <namespace> in the query, "
                                     "or give the node sh:prefixes naming a resource with sh:declare "
                                     f"[ sh:prefix \"{missing}\" ; sh:namespace \"namespace\"^^xsd:anyURI ] "
                                     "(SHACL 5.2.1; the @prefix lines "
                                     "of the shapes file do not count)")


#: the parameters whose values SHACL makes lists
_LIST_PARAMETERS = ("in", "languageIn", "ignoredProperties", "and", "or", "xone")


def check_lists(shapes: ShapesGraph) -> None:
    """Refuse (:class:`ShapeError`) a value of sh:in, sh:languageIn, sh:ignoredProperties,
    sh:and, sh:or or sh:xone that is not a well-formed RDF list: SHACL makes them lists, and
    both engines refuse such a shape the same way."""
    for node, preds in shapes.index.items():
        for name in _LIST_PARAMETERS:
            for value in preds.get(sh(name), ()):
                try:
                    shapes.items(value)
                except ShapeError:
                    raise ShapeError(f"the sh:{name} of {_named(shapes, node)} is not an RDF list "
                                     f"({term_text(value)}); SHACL makes its value a list, "
                                     "such as ( ex:a ex:b )") from None


def _prebound(shapes: ShapesGraph) -> dict[object, set[str]]:
    """The potentially pre-bound variables of each SPARQL-based constraint and validator."""
    out: dict[object, set[str]] = {}
    for preds in shapes.index.values():
        for constraint in preds.get(sh("sparql"), ()):
            out[constraint] = {"this"} | _OPTIONAL
    for preds in shapes.index.values():
        params = {_local(shapes.value(p, sh("path"))) for p in preds.get(sh("parameter"), ())}
        for key, extra in (("validator", {"this", "value"}), ("nodeValidator", {"this"}),
                           ("propertyValidator", {"this"})):
            for validator in preds.get(sh(key), ()):
                ask = shapes.value(validator, sh("ask")) is not None
                out[validator] = ({"value", "this"} if ask or key == "validator" else extra) | params | _OPTIONAL
    return out


def _local(iri: object) -> str:
    text = term_text(iri) if iri is not None else ""
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def prebinding_problem(query: str, prebound: set[str]) -> str | None:
    """What in ``query`` breaks SHACL's pre-binding rules, or None."""
    try:
        toks = list(tokens(query))
    except QueryError as err:
        return f"does not parse ({err})"
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word in ("MINUS", "VALUES", "SERVICE"):
            return f"uses {word}"
        if tok.kind == "var" and tok.text[1:] in prebound and i and toks[i - 1].text.upper() == "AS":
            return f"assigns the pre-bound variable {tok.text} (AS {tok.text})"
    depth = 0
    for i, tok in enumerate(toks):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif tok.kind == "word" and tok.text.upper() == "SELECT" and depth > 0:
            missing = (prebound - _OPTIONAL) - _projected(toks, i)
            if missing:
                names = ", ".join("$" + m for m in sorted(missing))
                return f"has a subquery that does not return {names}"
    return None


def _projected(toks: list, at: int) -> set[str]:
    """The variables that the SELECT at token ``at`` returns (for ``SELECT *``, those its
    WHERE block binds outside filters)."""
    names, i, star = set(), at + 1, False
    while i < len(toks) and toks[i].text != "{" and toks[i].text.upper() != "WHERE":
        if toks[i].text == "*":
            star = True
        elif toks[i].kind == "var":
            names.add(toks[i].text[1:])
        i += 1
    if not star:
        return names
    depth, paren, in_filter = 0, 0, False
    while i < len(toks):
        tok = toks[i]
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
            if depth == 0:
                break
        elif tok.kind == "word" and tok.text.upper() == "FILTER":
            in_filter, paren = True, 0
        elif in_filter and tok.text == "(":
            paren += 1
        elif in_filter and tok.text == ")":
            paren -= 1
            in_filter = paren > 0
        elif tok.kind == "var" and not in_filter:
            names.add(tok.text[1:])
        i += 1
    return names


# -- running SPARQL-based constraints on the store -----------------------------------

def bulk_query(query: str, focus: str) -> str | None:
    """``query`` with the focus pattern joined at the top of its WHERE group, when that gives
    the solutions that binding $this per focus node would: $this is projected, and used only
    at the top level of the WHERE group or inside FILTER EXISTS / NOT EXISTS blocks there
    (which see the group's bindings), never in a subquery, OPTIONAL, UNION or MINUS block,
    and never in BOUND()."""
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
        elif tok.kind == "word" and tok.text.upper() in ("SELECT", "BOUND") and (exists_at is not None
                                                                                 or tok.text.upper() == "BOUND"):
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


def run_sparql_constraint(shapes: ShapesGraph, run: Callable[..., ox.QuerySolutions], check: SparqlCheck,
                          decode: Callable[[object], object], shapes_graph: ox.NamedNode | None) -> list[Result]:
    """The results of one SPARQL-based constraint (SHACL 5.3). ``decode`` gives a value as
    written (the store may hold it encoded); ``shapes_graph`` is the named graph that holds
    the shapes (None when they are in several), for ``$shapesGraph``."""
    shape, constraint, focus, path = check.shape, check.constraint, check.focus, check.path
    query = shapes.value(constraint, sh("select")).value  # type: ignore[attr-defined]  # checked by the router
    names = {t.text[1:] for t in tokens(query) if t.kind == "var"}
    fixed: dict[str, ox.NamedNode] = {}
    if "shapesGraph" in names:
        if shapes_graph is None:
            raise Unsupported("$shapesGraph with shapes from more than one file set")
        fixed["shapesGraph"] = shapes_graph
    if "currentShape" in names:
        if not isinstance(shape, ox.NamedNode):
            raise Unsupported("$currentShape for a shape that is a blank node")
        fixed["currentShape"] = shape
    if "PATH" in names:
        if path is None:
            raise ShapeError(f"$PATH in the SPARQL of {term_text(constraint)}, whose shape has no sh:path")
        query = "".join(path_sparql(path) if t.kind == "var" and t.text[1:] == "PATH" else t.text
                        for t in _spaced(query))
    query = prefix_lines(shapes, constraint) + substitute(query, fixed)
    bulk = bulk_query(query, focus)
    if bulk is not None:
        solutions = [(None, row) for row in _rows(run(bulk))]
    else:  # $this pre-bound per focus node: its value written in place of every occurrence
        solutions = []
        for sol in run(f"SELECT ?this WHERE {{ {focus} }}"):
            node = sol["this"]
            if isinstance(node, ox.BlankNode):
                raise Unsupported("a blank focus node for a SPARQL constraint that must be bound per node")
            solutions += [(node, row) for row in _rows(run(substitute(query, {"this": node})))]
    messages = shapes.messages(constraint, shape)
    severity, seen, results = shapes.severity(shape), set(), []
    for given, bound in solutions:
        failure = bound.pop("failure", None)
        if isinstance(failure, ox.Literal) and failure.value in ("true", "1"):
            raise ShapeError(f"the SPARQL of {term_text(constraint)} reported a failure (?failure true)")
        focus_node = bound.pop("this", None) or given
        result_path = bound.pop("path", None)
        value = bound.pop("value", None)
        if value is None and path is None:
            value = focus_node
        key = (focus_node, result_path, value, tuple(sorted((k, str(v)) for k, v in bound.items())))
        if key in seen:
            continue
        seen.add(key)
        value = decode(value) if value is not None else None
        fill = {**bound, "this": focus_node, **({"path": result_path} if result_path else {}),
                **({"value": value} if value is not None else {})}
        text = pick_message(messages)
        if text is not None:
            for name, term in fill.items():
                text = text.replace("{?" + name + "}", term_text(term)).replace("{$" + name + "}", term_text(term))
        result_path_term = result_path if isinstance(result_path, ox.NamedNode) else path
        results.append(Result(
            severity=severity, focus=term_text(focus_node), path=path_text(result_path_term),
            value=None if value is None else term_text(value), focus_term=focus_node, value_term=value,
            message=text or default_message("SPARQL", focus_node, path_text(result_path_term), value),
            source=term_text(shape), source_term=shape, path_term=result_path_term,
            component=SH + "SPARQLConstraintComponent", kind="shape"))
    return results


def default_message(component: str, focus: object, path: str | None, value: object | None) -> str:
    where = term_text(focus) + (f" -> {path}" if path else "")
    if value is not None:
        return f"{component} constraint not met by value {term_text(value)} of {where}"
    return f"{component} constraint not met at {where}"


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
