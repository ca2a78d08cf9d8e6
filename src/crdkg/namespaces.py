"""The project's IRIs: one persistent scheme under https://w3id.org/crdkg/."""

from __future__ import annotations

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

BASE = "https://w3id.org/crdkg/"
CRD = BASE + "ontology#"
CRDSH = BASE + "shapes#"
CRDID = BASE + "id/"
ONTOLOGY_IRI = BASE + "ontology"
SHAPES_IRI = BASE + "shapes"
DATASET_IRI = BASE + "dataset"
#: Datatypes that keep a literal as written where the store would rewrite it (crdkg.aswritten);
#: they exist only inside crdkg's own validation store, never in output.
AS_WRITTEN = BASE + "as-written/xsd#"

#: Named graphs of the parts of the graph, as loaded into a triple store.
GRAPHS = {
    "ontology": BASE + "graph/ontology",
    "shapes": BASE + "graph/shapes",
    "data": BASE + "graph/data",
    "statistics": BASE + "graph/statistics",
    "places": BASE + "graph/places",
    "census": BASE + "graph/census",
    "description": BASE + "graph/description",
}
#: Graphs of crdkg's own that ``crdkg load`` uses besides the five above: the staging graphs
#: of a load (one folder per load) and the store-wide lock that keeps two loads apart.
STAGING_GRAPHS = BASE + "graph/staging/"
LOCK_GRAPH = BASE + "graph/lock"
#: The parts that queries read: a query's default graph is the union of those its ``FROM``
#: clauses name, or of all of them when it names none (see KnowledgeGraph.query_graphs).
QUERY_PARTS = ("ontology", "data", "statistics", "places", "census")
#: The parts that ``crdkg load`` writes to a store and ``crdkg export`` to files, each in its
#: named graph, besides the description that both compute.
STORE_PARTS = ("ontology", "shapes", "data", "statistics", "places", "census")
#: Parts of the shipped graph that a command parses only when a query reads them: the
#: statistics cube, the prefectures and counties with their history and area lists
#: (``places``), and the census figures of every prefecture and county (``census``); each is
#: several times the size of the rest (docs/cold-path.md).
DEFERRED_PARTS = ("statistics", "places", "census")
#: The shipped parts that hold instance data (validated against the shapes and checks).
DATA_PARTS = ("data", "statistics", "places", "census")

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
#: The RDF Data Cube vocabulary (W3C), in which the statistics are published.
QB = "http://purl.org/linked-data/cube#"
#: The namespace of the SPARQL 1.1 Query Results XML Format.
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
#: The named graph of the files a user gives (``--data``, ``validate FILE``).
INPUT_GRAPH = BASE + "graph/input"
#: IRIs of crdkg's quality checks (``queries/checks/``).
CHECK_NAMESPACE = BASE + "check/"

#: Prefixes that the canonical Turtle writer and CONSTRUCT output use.
PREFIXES = {
    "crd": CRD,
    "crdsh": CRDSH,
    "crdid": CRDID,
    "check": CHECK_NAMESPACE,
    "country": CRDID + "country/",
    "region": CRDID + "region/",
    "division": CRDID + "division/",
    "former": CRDID + "former-division/",
    "list": CRDID + "area-list/",
    "membership": CRDID + "area-membership/",
    "prefecture": CRDID + "prefecture/",
    "area": CRDID + "area/",
    "cluster": CRDID + "city-cluster/",
    "span": CRDID + "span/",
    "source": CRDID + "source/",
    "doc": CRDID + "document/",
    "org": CRDID + "organization/",
    "status": CRDID + "status/",
    "passage": CRDID + "passage/",
    "strategy": CRDID + "strategy/",
    "goal": CRDID + "goal/",
    "task": CRDID + "task/",
    "initiative": CRDID + "initiative/",
    "mechanism": CRDID + "mechanism/",
    "event": CRDID + "event/",
    "instant": CRDID + "instant/",
    "period": CRDID + "period/",
    "category": CRDID + "area-category/",
    "group": CRDID + "population-group/",
    "scheme": CRDID + "scheme/",
    "listing": CRDID + "plan-listing/",
    "plancat": CRDID + "plan-category/",
    "cube": CRDID + "cube/",
    "obs": CRDID + "observation/",
    "series": CRDID + "series/",
    "uom": CRDID + "unit/",
    "cur": "http://qudt.org/vocab/currency/",
    "dcat": DCAT,
    "dcterms": DCT,
    "geo": "http://www.opengis.net/ont/geosparql#",
    "owl": OWL,
    "prov": "http://www.w3.org/ns/prov#",
    "qb": QB,
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-concept": "http://purl.org/linked-data/sdmx/2009/concept#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "rdf": RDF,
    "rdfs": RDFS,
    "sh": SH,
    "skos": SKOS,
    "time": "http://www.w3.org/2006/time#",
    "unit": "http://qudt.org/vocab/unit/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": XSD,
}


def split_iri(iri: str, ok: Callable[[str], bool] = bool) -> tuple[str, str] | None:
    """``(prefix, local name)`` for the longest namespace of :data:`PREFIXES` that ``iri``
    starts with and whose local name passes ``ok``; None when there is none.

    Every namespace ends in ``/`` or ``#`` (a test keeps it so), so the candidates are the
    IRI cut after each of those, longest first: a few dictionary look-ups, not one test per
    prefix (the JSON-LD of a release splits a million IRIs)."""
    end = len(iri) - 1  # the local name is never empty
    while end > 0:
        cut = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
        if cut < 0:
            return None
        prefix = _PREFIX_OF.get(iri[:cut + 1])
        if prefix is not None and ok(iri[cut + 1:]):
            return prefix, iri[cut + 1:]
        end = cut
    return None


#: each namespace of :data:`PREFIXES` -> its prefix
_PREFIX_OF = {ns: prefix for prefix, ns in PREFIXES.items()}
