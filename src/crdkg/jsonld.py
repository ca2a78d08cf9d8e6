"""JSON-LD documents of triples, as the export and query results write them: one node object
per subject, labels as language maps, IRIs as compact IRIs of crdkg's prefixes."""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import PREFIXES, RDF, RDFS, SKOS, XSD, split_iri

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

__all__ = ["CONTEXT_TERMS", "jsonld_context", "jsonld_document"]

CONTEXT_TERMS = {
    "id": "@id",
    "type": "@type",
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "definition": {"@id": "skos:definition", "@container": "@language"},
}


def jsonld_context() -> dict:
    return {**{p: ns for p, ns in PREFIXES.items()}, **CONTEXT_TERMS}


def _compact(iri: str) -> str:
    split = split_iri(iri, lambda local: ":" not in local and not local.startswith("/"))
    return f"{split[0]}:{split[1]}" if split else iri


def _node_ref(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.Triple):
        raise ValueError("RDF-star triples have no JSON-LD form here")
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)


def _nodes(triples: Iterable[ox.Triple]) -> list[dict[str, object]]:
    aliases = {RDFS + "label": "label", SKOS + "altLabel": "altLabel", SKOS + "definition": "definition"}
    nodes: dict[str, dict] = {}
    for t in sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))):
        node = nodes.setdefault(_node_ref(t.subject), {"id": _node_ref(t.subject)})
        p, o = t.predicate.value, t.object
        if p == RDF + "type" and not isinstance(o, ox.Literal):
            node.setdefault("type", []).append(_node_ref(o))
        elif p in aliases and isinstance(o, ox.Literal) and o.language:
            node.setdefault(aliases[p], {}).setdefault(o.language, []).append(o.value)
        elif isinstance(o, ox.Literal):
            if o.language:
                value: object = {"@value": o.value, "@language": o.language}
            elif o.datatype.value == XSD + "string":
                value = o.value
            else:
                value = {"@value": o.value, "@type": _compact(o.datatype.value)}
            node.setdefault(_compact(p), []).append(value)
        else:
            node.setdefault(_compact(p), []).append({"id": _node_ref(o)})
    for node in nodes.values():
        for key in ("label", "altLabel", "definition"):
            if key in node:
                node[key] = {lang: vals[0] if len(vals) == 1 else vals for lang, vals in node[key].items()}
    return list(nodes.values())


def jsonld_document(triples: Iterable, *, graphs: dict[str, list] | None = None,
                    context: object | None = None) -> dict:
    """A JSON-LD document: one node object per subject, labels as language maps, IRIs as
    compact IRIs. With ``graphs`` (graph IRI -> triples), one named graph object each."""
    ctx = context if context is not None else jsonld_context()
    if graphs is None:
        return {"@context": ctx, "@graph": _nodes(triples)}
    return {"@context": ctx, "@graph": [{"id": iri, "@graph": _nodes(ts)} for iri, ts in sorted(graphs.items())]}
