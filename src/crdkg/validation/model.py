"""The validation report: results from shapes and checks, with severities, paths and locations.

A result keeps the RDF terms the SHACL report needs (focus node, value, source shape, and
the result path as a path structure), so that ``--format turtle`` writes the standard
report, and a readable text of each for the other formats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..choices import SEVERITIES
from ..namespaces import RDF, SH

SEVERITY_IRIS = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}

#: A SHACL property path (SHACL 2.3.1) as a value: an IRI, or ``(kind, operand)`` where kind is
#: ``inverse``, ``zeroOrMore``, ``oneOrMore`` or ``zeroOrOne`` (operand: a path) or
#: ``sequence`` or ``alternative`` (operand: a tuple of paths).
Path = ox.NamedNode | tuple
_UNARY = {"inversePath": "inverse", "zeroOrMorePath": "zeroOrMore", "oneOrMorePath": "oneOrMore",
          "zeroOrOnePath": "zeroOrOne"}
_SUFFIX = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}


class NotAPath(ValueError):
    """A node that is not a well-formed SHACL path."""


def read_path(value: Callable[[object, str], object | None], node: object, *, _depth: int = 0) -> Path:
    """The path whose structure starts at ``node``; ``value(node, iri)`` gives the object of
    ``node``'s triple with predicate ``iri`` (None if there is none)."""
    if _depth > 64:
        raise NotAPath("a path nested deeper than 64 (a cycle?)")
    if isinstance(node, ox.NamedNode):
        return node
    if not isinstance(node, ox.BlankNode):
        raise NotAPath(f"a path that is a literal: {node}")
    if value(node, RDF + "first") is not None:
        members = rdf_list(value, node)
        if len(members) < 2:
            raise NotAPath("a sequence path with fewer than two members")
        return ("sequence", tuple(read_path(value, m, _depth=_depth + 1) for m in members))
    for pred, kind in _UNARY.items():
        inner = value(node, SH + pred)
        if inner is not None:
            return (kind, read_path(value, inner, _depth=_depth + 1))
    alt = value(node, SH + "alternativePath")
    if alt is not None:
        members = rdf_list(value, alt)
        if len(members) < 2:
            raise NotAPath("an alternative path with fewer than two members")
        return ("alternative", tuple(read_path(value, m, _depth=_depth + 1) for m in members))
    raise NotAPath("a blank node that is not a SHACL path")


def rdf_list(value: Callable[[object, str], object | None], node: object) -> list:
    """The members of the RDF list at ``node`` (``value`` as for :func:`read_path`);
    :class:`NotAPath` for a malformed list."""
    out, seen = [], set()
    while node != ox.NamedNode(RDF + "nil"):
        first = value(node, RDF + "first")
        if node in seen or first is None:
            raise NotAPath("a malformed RDF list")
        seen.add(node)
        out.append(first)
        node = value(node, RDF + "rest")
    return out


def path_sparql(path: Path) -> str:
    """A path in SPARQL property path syntax."""
    if isinstance(path, ox.NamedNode):
        return str(path)
    kind, operand = path
    if kind == "sequence":
        return "/".join(_operand(p) for p in operand)
    if kind == "alternative":
        return "(" + "|".join(path_sparql(p) for p in operand) + ")"
    if kind == "inverse":  # ^ takes a path element: an inverse or a sequence in it goes in parentheses
        text = path_sparql(operand)
        return "^" + (f"({text})" if isinstance(operand, tuple) and operand[0] in ("sequence", "inverse") else text)
    return f"({path_sparql(operand)}){_SUFFIX[kind]}"


def _operand(path: Path) -> str:
    text = path_sparql(path)
    return f"({text})" if isinstance(path, tuple) and path[0] == "sequence" else text


def path_text(path: Path | None) -> str | None:
    """A path as results show it: the IRI itself, or the SPARQL syntax of a complex path."""
    if path is None:
        return None
    return path.value if isinstance(path, ox.NamedNode) else path_sparql(path)


def path_triples(path: Path, out: list[ox.Triple]) -> ox.NamedNode | ox.BlankNode:
    """The node of ``path`` in a report, its structure appended to ``out`` as triples."""
    if isinstance(path, ox.NamedNode):
        return path
    kind, operand = path
    node = ox.BlankNode()
    if kind == "sequence":
        _rdf_list(node, [path_triples(p, out) for p in operand], out)
    elif kind == "alternative":
        head = ox.BlankNode()
        out.append(ox.Triple(node, ox.NamedNode(SH + "alternativePath"), head))
        _rdf_list(head, [path_triples(p, out) for p in operand], out)
    else:
        pred = next(p for p, k in _UNARY.items() if k == kind)
        out.append(ox.Triple(node, ox.NamedNode(SH + pred), path_triples(operand, out)))
    return node


def _rdf_list(head: ox.BlankNode, members: list, out: list[ox.Triple]) -> None:
    node = head
    for i, member in enumerate(members):
        out.append(ox.Triple(node, ox.NamedNode(RDF + "first"), member))
        rest = ox.NamedNode(RDF + "nil") if i == len(members) - 1 else ox.BlankNode()
        out.append(ox.Triple(node, ox.NamedNode(RDF + "rest"), rest))
        node = rest  # type: ignore[assignment]


def term_text(term: object) -> str:
    """The text of a pyoxigraph term in a result: the IRI, the literal's lexical form, or
    ``_:label`` for a blank node."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined]  # any other term has a value


def severity_name(term: object | None) -> str:
    """``violation``, ``warning`` or ``info`` for SHACL's severities; a custom severity
    (any other IRI, SHACL 2.1.4) keeps its IRI; none given is ``violation``."""
    if term is None:
        return "violation"
    return SEVERITY_IRIS.get(term_text(term), term_text(term))


def severity_iri(name: str) -> str:
    return SH + name.capitalize() if name in SEVERITIES else name


def severity_rank(name: str) -> int:
    """0 for violation, 1 for warning, 2 for info; a custom severity ranks as a violation
    (a CI job fails on it unless it is told otherwise)."""
    return SEVERITIES.index(name) if name in SEVERITIES else 0


@dataclass(frozen=True)
class Result:
    """One finding: what is wrong (message), where (focus node, path, value; file and line),
    and which shape or check found it."""

    severity: str  # violation | warning | info | the IRI of a custom severity
    focus: str
    message: str
    source: str  # the shape (IRI or _:label), or check/<name>
    kind: str = "shape"  # shape | check
    path: str | None = None
    value: str | None = None
    component: str | None = None
    file: str | None = None
    line: int | None = None
    #: the RDF terms behind the texts above, for the SHACL report in Turtle: focus node and
    #: value with their kind and datatype, the source shape (a blank node stays one), and the
    #: result path as a :data:`Path`
    focus_term: object = field(default=None, compare=False, repr=False)
    value_term: object = field(default=None, compare=False, repr=False)
    source_term: object = field(default=None, compare=False, repr=False)
    path_term: object = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple:
        return (severity_rank(self.severity), self.severity, self.file or "~", self.line or 0, self.focus,
                self.source, self.path or "", self.value or "", self.component or "", self.message)

    def located(self, file: str | None, line: int | None) -> Result:
        return replace(self, file=file, line=line)


@dataclass
class ValidationReport:
    results: list[Result]
    files: list[str] = field(default_factory=list)
    inference: str = "none"
    #: how the shapes ran: ``sparql`` (compiled), ``pyshacl`` (the engine asked for, or the
    #: fallback), each with the shapes it ran; ``fallback`` gives the reason per shape
    routes: dict[str, list[str]] = field(default_factory=dict)
    fallback: dict[str, str] = field(default_factory=dict)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def conforms(self, *, fail_on: str = "violation") -> bool:
        """True when no result is at least as severe as ``fail_on`` (the exit code's rule)."""
        limit = severity_rank(fail_on)
        return not any(severity_rank(r.severity) <= limit for r in self.results)

    @property
    def shacl_conforms(self) -> bool:
        """``sh:conforms`` as SHACL defines it: true when there are no results at all."""
        return not self.results

    def exit_code(self, *, fail_on: str = "violation") -> int:
        return 0 if self.conforms(fail_on=fail_on) else 1
