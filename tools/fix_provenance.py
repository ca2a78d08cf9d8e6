"""One-off edit (issue 29): credit each statement to the passage whose words make it.

Adds qualified derivations (prov:qualifiedDerivation with crd:forProperty and, where one
property has values from different passages, crd:forValue) so that a statement credited to
a passage has its object in that passage's words; statements that are crdkg's reading or come
from the reference facts cite those instead. Kept for the record of what was decided; running
it again changes nothing (each derivation is added once)."""

from __future__ import annotations

import sys
from pathlib import Path

import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from crdkg.format import as_written, canonical_turtle, write_atomically

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/crdkg/id/"
CRD = Namespace("https://w3id.org/crdkg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")


def i(name: str) -> URIRef:
    return URIRef(ID + name)


def P(n: int, s: int = 1) -> URIRef:
    return i(f"passage/keywords-crd-p{n:02d}-s{s}")


REF = i("source/crdkg-reference")
ENTRY = i("document/keywords-coordinated-regional-development")
CRD_STRATEGY = i("strategy/coordinated-regional-development")
TASK_PASSAGES = {"support-special-areas": P(3), "western-development": P(4), "revitalize-old-industrial-bases": P(5),
                 "rise-of-central-region": P(6), "eastern-innovation-leadership": P(7), "coordination-mechanisms": P(8)}
MECHANISMS = ["equal-basic-public-services", "inter-regional-benefit-compensation", "market-integration",
              "regional-cooperation", "regional-development-safeguards", "regional-mutual-assistance",
              "regional-policy-regulation", "regional-strategy-coordination"]
OPINIONS = i("document/opinions-2018-regional-coordination-mechanism")

#: resource -> [(entity, [(property, value or None)])]
CREDITS: dict[str, list[tuple[URIRef, list[tuple[URIRef, object]]]]] = {
    "strategy/coordinated-regional-development": [
        (P(1, 1), [(RDFS.label, Literal("区域协调发展战略", lang="zh")),
                   (SKOS.altLabel, Literal("Coordinated regional development strategy", lang="en")),
                   (CRD.componentOf, None)]),
        (P(1, 3), [(RDFS.label, Literal("区域协调发展战略", lang="zh")), (RDF.type, None), (CRD.putForwardIn, None),
                   (CRD.servesGoal, i("goal/moderately-prosperous-society"))]),
        (P(10, 1), [(RDFS.label, Literal("Strategy for coordinated regional development", lang="en")),
                    (CRD.launchedAtJunctureFor, None)]),
        (P(10, 2), [(CRD.servesGoal, i(f"goal/{g}")) for g in ("subnational-development-coordination",
                    "regional-development-opportunities", "modern-economic-system", "two-centennial-goals")]),
        *[(p, [(CRD.hasTask, i(f"task/{t}"))]) for t, p in TASK_PASSAGES.items()],
        (REF, [(CRD.buildsOn, None), (SKOS.definition, None), (SKOS.editorialNote, None)]),
    ],
    "task/eastern-innovation-leadership": [
        (P(1, 2), [(CRD.advances, i("strategy/eastern-leading-development"))]),
        (REF, [(CRD.advances, i("strategy/innovation-driven-development"))]),
    ],
    "task/revitalize-old-industrial-bases": [
        (P(1, 2), [(CRD.advances, i("strategy/northeast-revitalization"))]),
    ],
    "task/rise-of-central-region": [
        (P(1, 2), [(CRD.advances, i("strategy/rise-of-central-region"))]),
    ],
    "task/western-development": [
        (P(1, 2), [(CRD.advances, i("strategy/western-development"))]),
    ],
    "initiative/city-cluster-network": [
        (P(9), [(RDFS.label, None), (RDF.type, None), (CRD.servesGoal, None)]),
        (i("document/13th-five-year-plan"), [(CRD.targets, None)]),
        (REF, [(CRD.targets, None), (SKOS.altLabel, None), (SKOS.editorialNote, None)]),
        (ENTRY, [(CRD.advances, None)]),
    ],
    "area/yangtze-economic-belt": [
        (i("source/beijing-review-2014-05-04"), [(SKOS.altLabel, None)]),
    ],
    "strategy/western-development": [
        (REF, [(SKOS.altLabel, Literal("China Western Development", lang="en")),
               (SKOS.altLabel, Literal("Large-scale development of the western region", lang="en"))]),
    ],
    "area-category/border-regions": [
        (P(3), [(RDFS.label, Literal("边疆地区", lang="zh"))]),
    ],
}
for name in ("border-development", "land-marine-coordination", "relocate-non-capital-functions",
             "resource-dependent-areas", "urban-residency-for-rural-migrants", "xiongan-new-area",
             "yangtze-economic-belt-conservation"):
    CREDITS.setdefault(f"initiative/{name}", []).append((ENTRY, [(CRD.advances, CRD_STRATEGY)]))
for t, p in TASK_PASSAGES.items():  # a task's own words are its passage's, not the list's opening (p02-s1)
    CREDITS.setdefault(f"task/{t}", []).append(
        (p, [(RDF.type, None), (RDFS.label, None), (SKOS.altLabel, None), (CRD.targets, None), (CRD.servesGoal, None)]))
for m in MECHANISMS:
    CREDITS[f"mechanism/{m}"] = [
        (P(8), [(CRD.implements, None)]),
        (REF, [(RDF.type, None), (RDFS.label, None), (SKOS.editorialNote, None), (CRD.establishedBy, None),
               (CRD.namedIn, None), (CRD.verificationStatus, None)]),
        (OPINIONS, [(RDFS.label, None), (CRD.establishedBy, None), (CRD.namedIn, None)]),
    ]
#: English labels that are crdkg's wording, not the English text's: said so (crd:editorialLabelIn "en")
EDITORIAL_EN = ["event/19th-cpc-national-congress", "goal/moderately-prosperous-society", "goal/border-stability-and-security", "goal/inter-regional-coordination", "goal/no-excessive-development",
                "goal/resource-area-transformation", "goal/strong-maritime-country",
                "goal/subnational-development-coordination", "initiative/border-development",
                "initiative/relocate-non-capital-functions", "initiative/resource-dependent-areas",
                "initiative/urban-residency-for-rural-migrants", "initiative/xiongan-new-area",
                "period/beginning-of-21st-century", "strategy/economic-and-social-development",
                "strategy/overall-regional-development", "task/support-special-areas"]


def main() -> int:
    files = sorted((ROOT / "data").glob("*.ttl"))
    graphs = {}
    with as_written():
        for f in files:
            g = rdflib.Graph()
            g.parse(f)
            graphs[f] = g
        for name, credits in CREDITS.items():
            r = i(name)
            g = next(g for g in graphs.values() if (r, RDF.type, None) in g)
            for entity, pairs in credits:
                for prop, value in pairs:
                    if any((d, CRD.forProperty, prop) in g and (d, PROV.entity, entity) in g
                           and (value is None or (d, CRD.forValue, value) in g)
                           for d in g.objects(r, PROV.qualifiedDerivation)):
                        continue
                    d = BNode()
                    g.add((r, PROV.qualifiedDerivation, d))
                    g.add((d, RDF.type, PROV.Derivation))
                    g.add((d, PROV.entity, entity))
                    g.add((d, CRD.forProperty, prop))
                    if value is not None:
                        g.add((d, CRD.forValue, value))
                    g.add((r, PROV.wasDerivedFrom, entity))
        for name in EDITORIAL_EN:
            r = i(name)
            g = next(g for g in graphs.values() if (r, RDF.type, None) in g)
            g.add((r, CRD.editorialLabelIn, Literal("en")))
        texts = {f: canonical_turtle(g) for f, g in graphs.items()}
    for f, text in texts.items():
        if f.read_text(encoding="utf-8") != text:
            write_atomically(f, text)
            print(f"rewrote {f.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
