"""The dataset described for search engines: a schema.org ``Dataset`` in JSON-LD, made from
the VoID/DCAT description (:func:`crdkg.export.dataset_quads`), for the home page of
``crdkg serve`` and of the static site.

Both languages: the English title is ``name`` and the Chinese one ``alternateName``
(``inLanguage`` lists both); the countries covered are ``spatialCoverage`` places with their
names and Wikidata items; the statistics' first and last year are ``temporalCoverage``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from .graph import KnowledgeGraph
from .namespaces import DATA_PARTS, DATASET_IRI, DCAT, DCT, OWL, RDFS, SKOS

__all__ = ["dataset_jsonld"]


def _place(graph: KnowledgeGraph, iri: str) -> dict[str, object]:
    place: dict[str, object] = {"@type": "Place", "@id": iri}
    res = graph.store.query(
        f"""SELECT ?label ?match WHERE {{
            {{ <{iri}> <{RDFS}label> ?label }} UNION {{ <{iri}> <{SKOS}exactMatch> ?match }} }}""",
        default_graph=graph.graph_names([p for p in DATA_PARTS if p in graph.parts]))
    assert isinstance(res, ox.QuerySolutions)  # a SELECT of ours
    for sol in res:
        label, match = sol["label"], sol["match"]
        if isinstance(label, ox.Literal) and label.language == "en":
            place["name"] = label.value
        elif isinstance(label, ox.Literal) and label.language == "zh":
            place["alternateName"] = label.value
        elif isinstance(match, ox.NamedNode):
            place["sameAs"] = match.value
    return place


def dataset_jsonld(graph: KnowledgeGraph, description: Sequence[ox.Quad], *,
                   distributions: Sequence[tuple[str, str, str]] = (), url: str | None = None) -> dict[str, object]:
    """A schema.org ``Dataset`` from the ``description`` quads of the dataset; each of
    ``distributions`` is ``(name, media type, URL)``, a ``DataDownload``; ``url`` is the page
    that describes the dataset."""
    from .export import about_dataset

    about = about_dataset(description)
    period = {q.predicate.value.rsplit("#", 1)[1]: q.object.value for q in description  # type: ignore[union-attr]
              if q.predicate.value in (DCAT + "startDate", DCAT + "endDate")}

    def text(predicate: str, lang: str | None = None) -> str | None:
        for o in about.get(predicate, []):
            if isinstance(o, ox.Literal) and (lang is None or o.language == lang):
                return o.value
        return None

    dataset: dict[str, object] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": DATASET_IRI,
        "identifier": DATASET_IRI,
        "name": text(DCT + "title", "en"),
        "alternateName": text(DCT + "title", "zh"),
        "description": text(DCT + "description", "en"),
        "inLanguage": ["en", "zh-Hans"],
        "version": text(OWL + "versionInfo"),
        "dateModified": text(DCT + "modified"),
        "isAccessibleForFree": True,
    }
    for o in about.get(DCT + "license", []):
        dataset["license"] = o.value
    for key, kind in (("creator", "Organization"), ("publisher", "Organization")):
        name = text(DCT + key)
        if name:
            dataset[key] = {"@type": kind, "name": name}
    if period:
        dataset["temporalCoverage"] = f"{period.get('startDate', '..')}/{period.get('endDate', '..')}"
    places = [_place(graph, o.value) for o in about.get(DCT + "spatial", []) if isinstance(o, ox.NamedNode)]
    if places:
        dataset["spatialCoverage"] = places[0] if len(places) == 1 else places
    if url:
        dataset["url"] = url
    if distributions:
        dataset["distribution"] = [{"@type": "DataDownload", "name": name, "encodingFormat": media,
                                    "contentUrl": link} for name, media, link in distributions]
    return {k: v for k, v in dataset.items() if v is not None}
