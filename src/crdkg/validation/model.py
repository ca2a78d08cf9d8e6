"""The validation report: results from shapes and checks, with severities and locations."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

SEVERITIES = ("violation", "warning", "info")


def term_text(term) -> str:  # type: ignore[no-untyped-def]
    """The text of a pyoxigraph term in a result: the IRI, the literal's lexical form, or
    ``_:label`` for a blank node."""
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def severity_rank(name: str) -> int:
    """0 for violation, 1 for warning, 2 for info."""
    return SEVERITIES.index(name)


@dataclass(frozen=True)
class Result:
    """One finding: what is wrong (message), where (focus node, path, value; file and line),
    and which shape or check found it."""

    severity: str  # violation | warning | info
    focus: str
    message: str
    source: str  # the shape IRI, or crdkg:check/<name>
    kind: str = "shape"  # shape | check
    path: str | None = None
    value: str | None = None
    component: str | None = None
    file: str | None = None
    line: int | None = None
    #: the focus node and the value as RDF terms (pyoxigraph), where the engine gave them: the
    #: SHACL report in Turtle writes them with their kind and datatype
    focus_term: object = field(default=None, compare=False, repr=False)
    value_term: object = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple:
        return (severity_rank(self.severity), self.file or "~", self.line or 0, self.focus, self.source,
                self.path or "", self.value or "", self.component or "", self.message)

    def located(self, file: str | None, line: int | None) -> Result:
        return replace(self, file=file, line=line)


@dataclass
class ValidationReport:
    results: list[Result]
    files: list[str] = field(default_factory=list)
    inference: str = "none"

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def conforms(self, *, fail_on: str = "violation") -> bool:
        """True when no result is at least as severe as ``fail_on``."""
        limit = severity_rank(fail_on)
        return not any(severity_rank(r.severity) <= limit for r in self.results)

    def exit_code(self, *, fail_on: str = "violation") -> int:
        return 0 if self.conforms(fail_on=fail_on) else 1
