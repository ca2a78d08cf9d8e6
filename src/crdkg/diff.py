"""The changelog of the graph itself: which resources two versions of the graph add, remove
and change, with the statements that changed, grouped by class.

An ontology diff (ROBOT's) compares axioms; this compares instances. A resource is an IRI
that is the subject of statements; a blank node belongs to the resource whose statement
points at it and is compared as a whole (``[ p o ; ... ]``), so a blank node's arbitrary
label never shows as a change. Graph names are ignored (a statement is compared wherever it
sits), and the ``description`` graph is left out: it is computed from the rest.

Either side is a release folder (``graph/crdkg.nq``), an export folder (``crdkg.nq``), an
RDF file, or a git revision of this repository (its ``ontology/`` and ``data/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import GRAPHS, RDF, RDFS, STORE_PARTS
from .terms import short

__all__ = ["Change", "GraphDiff", "diff_graphs", "read_version"]

_TYPE = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")
_DESCRIPTION = ox.NamedNode(GRAPHS["description"])
UNTYPED = "(no type)"


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A term as Turtle writes it, with crdkg's prefixes."""
    if isinstance(term, ox.Literal):
        quoted = json.dumps(term.value, ensure_ascii=False)
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return quoted
        return f"{quoted}^^{short(term.datatype)}"
    return short(term)


# --- reading a version ----------------------------------------------------------------

def _parse(path: Path) -> list[ox.Quad]:
    from .graph import rdf_format

    try:
        fmt = rdf_format(path)
        with path.open("rb") as f:
            return list(ox.parse(f, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as err:
        raise InputError(f"{path}: {err}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None


def _git_version(rev: str, repo: Path) -> list[ox.Quad]:
    from .graph import load_graph
    from .resources import part_folders

    try:
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                                capture_output=True, text=True, check=False)
    except OSError:
        commit = None
    if commit is None or commit.returncode != 0:
        raise InputError(f"{rev}: not a file, a folder or a git revision of {repo}")
    with tempfile.TemporaryDirectory(prefix="crdkg-diff.") as tmp:
        archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit.stdout.strip(),
                                  "ontology", "data"], capture_output=True, check=False)
        if archive.returncode != 0:
            raise InputError(f"{rev}: git archive failed: {archive.stderr.decode(errors='replace').strip()}")
        import io
        import tarfile

        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        files = part_folders(tmp)
        graph = load_graph(parts=[p for p in STORE_PARTS if p in files], files=files)
        return list(graph.quads())


def read_version(where: str, *, repo: Path | None = None) -> list[ox.Quad]:
    """The quads of one version: a release or export folder, an RDF file, or a git revision
    (of ``repo``, the current folder by default)."""
    path = Path(where)
    if path.is_dir():
        for candidate in (path / "graph" / "crdkg.nq", path / "crdkg.nq"):
            if candidate.is_file():
                return _parse(candidate)
        raise InputError(f"{where}: a folder without graph/crdkg.nq or crdkg.nq (not a release or an export)")
    if path.is_file():
        return _parse(path)
    return _git_version(where, repo or Path(os.getcwd()))


# --- comparing ------------------------------------------------------------------------

def _statements(quads: Iterable[ox.Quad]) -> tuple[dict[str, set[str]], dict[str, list[str]], dict[str, str]]:
    """Per IRI subject: its statements as text (blank nodes written out in full), its types,
    and a label (English first, then Chinese)."""
    triples = {(q.subject, q.predicate, q.object) for q in quads if q.graph_name != _DESCRIPTION}
    out_edges: dict[ox.BlankNode, list[tuple[ox.NamedNode, object]]] = defaultdict(list)
    for s, p, o in triples:
        if isinstance(s, ox.BlankNode):
            out_edges[s].append((p, o))
    referenced: set[ox.BlankNode] = {o for _, _, o in triples if isinstance(o, ox.BlankNode)}
    cache: dict[ox.BlankNode, str] = {}

    def written(term: object, seen: frozenset[ox.BlankNode] = frozenset()) -> str:
        if not isinstance(term, ox.BlankNode):
            return _text(term)  # type: ignore[arg-type]
        if term in seen:
            return "[ (cycle) ]"
        if term not in cache:
            inner = sorted(f"{_text(p)} {written(o, seen | {term})}" for p, o in out_edges[term])
            cache[term] = "[ " + " ; ".join(inner) + " ]" if inner else "[]"
        return cache[term]

    statements: dict[str, set[str]] = defaultdict(set)
    types: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for s, p, o in triples:
        if isinstance(s, ox.BlankNode):
            if s not in referenced:  # a blank node no resource points at: compared on its own
                statements["(blank nodes)"].add(f"{written(s)}")
            continue
        key = s.value  # type: ignore[union-attr]
        statements[key].add(f"{_text(p)} {written(o)}")
        if p == _TYPE and isinstance(o, ox.NamedNode):
            types[key].append(short(o))
        elif p == _LABEL and isinstance(o, ox.Literal) and o.language in ("en", "zh"):
            labels[key].setdefault(o.language, o.value)
    label = {k: v.get("en") or v.get("zh", "") for k, v in labels.items()}
    return statements, types, label


def _class_of(types: list[str]) -> str:
    if not types:
        return UNTYPED
    ours = sorted(t for t in types if t.startswith("crd:"))
    return ours[0] if ours else sorted(types)[0]


@dataclass
class Change:
    """One resource that was added, removed or changed."""

    resource: str
    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"resource": self.resource, "label": self.label, "added": self.added, "removed": self.removed}


@dataclass
class GraphDiff:
    """The changes from ``old`` to ``new``, by class: for each, the resources added, removed
    and changed."""

    old: str
    new: str
    classes: dict[str, dict[str, list[Change]]]

    def count(self, kind: str) -> int:
        return sum(len(group[kind]) for group in self.classes.values())

    def statement_count(self, side: str) -> int:
        return sum(len(getattr(c, side)) for group in self.classes.values() for kind in group
                   for c in group[kind])

    def as_json(self) -> dict[str, object]:
        return {
            "old": self.old,
            "new": self.new,
            "summary": {"added": self.count("added"), "removed": self.count("removed"),
                        "changed": self.count("changed"), "statements_added": self.statement_count("added"),
                        "statements_removed": self.statement_count("removed")},
            "classes": [{"class": cls, **{kind: [c.as_json() for c in group[kind]] for kind in group}}
                        for cls, group in self.classes.items()],
        }

    def markdown(self, *, limit: int = 20) -> str:
        """The changes for people: per class, the resources added and removed (their names) and
        the resources changed with each statement added (+) or removed (the minus sign). At most ``limit``
        resources per list (0: all); the JSON has everything."""
        lines = [f"# Changes to the graph from {self.old} to {self.new}", ""]
        s = self.as_json()["summary"]
        assert isinstance(s, dict)
        if not self.classes:
            return "\n".join([*lines, "No resource was added, removed or changed.", ""])
        resources = "resource" if s["added"] == 1 else "resources"
        statements = "statement" if s["statements_added"] == 1 else "statements"
        lines += [f"{s['added']:,} {resources} added, {s['removed']:,} removed and {s['changed']:,} changed "
                  f"({s['statements_added']:,} {statements} added, {s['statements_removed']:,} removed).", ""]
        for cls, group in self.classes.items():
            lines += [f"## {cls}", ""]
            for kind in ("added", "removed", "changed"):
                changes = group[kind]
                if not changes:
                    continue
                lines.append(f"{kind.capitalize()} ({len(changes):,}):")
                lines.append("")
                shown = changes if limit <= 0 else changes[:limit]
                for c in shown:
                    name = f" ({c.label})" if c.label else ""
                    lines.append(f"- `{c.resource}`{name}")
                    if kind == "changed":
                        lines += [f"  - − `{st}`" for st in c.removed]
                        lines += [f"  - + `{st}`" for st in c.added]
                if len(shown) < len(changes):
                    lines.append(f"- … and {len(changes) - len(shown):,} more (all of them in the JSON output)")
                lines.append("")
        return "\n".join(lines)


def diff_graphs(old: Iterable[ox.Quad], new: Iterable[ox.Quad], *, old_name: str = "old",
                new_name: str = "new") -> GraphDiff:
    """Compare two versions of the graph resource by resource."""
    old_st, old_types, old_labels = _statements(old)
    new_st, new_types, new_labels = _statements(new)
    classes: dict[str, dict[str, list[Change]]] = defaultdict(lambda: {"added": [], "removed": [], "changed": []})
    for key in sorted(old_st.keys() | new_st.keys()):
        before, after = old_st.get(key, set()), new_st.get(key, set())
        if before == after:
            continue
        kind = "added" if not before else "removed" if not after else "changed"
        types = new_types.get(key) or old_types.get(key) or []
        label = new_labels.get(key) or old_labels.get(key) or ""
        name = short(ox.NamedNode(key)) if ":" in key and not key.startswith("(") else key
        classes[_class_of(types)][kind].append(Change(name, label, sorted(after - before), sorted(before - after)))
    ordered = {cls: classes[cls] for cls in sorted(classes, key=lambda c: (c == UNTYPED, c))}
    return GraphDiff(old_name, new_name, ordered)
