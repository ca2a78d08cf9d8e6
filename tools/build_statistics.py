"""Write the observations of the statistics cube (data/statistics/*.ttl, all but
structure.ttl) from the checked figures in data/reference/statistics/.

Every row of the two CSV files becomes one qb:Observation with its data set, division,
year, figure, unit, series (vintage), verification status, sources and note; nothing
else is computed. Run it after a change to the CSV files, then `crdkg validate`:

    .venv/bin/python tools/build_statistics.py

The structure (data sets, their structure definitions, units, series, sources) is
written by hand in data/statistics/structure.ttl. tests/test_statistics.py checks that
the shipped observations are exactly what this script writes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import rdflib
from rdflib import RDF, XSD, Literal, Namespace, URIRef

from crdkg.format import as_written, canonical_turtle, write_atomically
from crdkg.namespaces import CRD, CRDID, QB

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference" / "statistics"
OUT = ROOT / "data" / "statistics"

crd = Namespace(CRD)
qb = Namespace(QB)
prov = Namespace("http://www.w3.org/ns/prov#")
skos = Namespace("http://www.w3.org/2004/02/skos/core#")

#: CSV file, indicator -> (output file, data set, observation prefix, measure, unit)
DATASETS = {
    ("provincial_statistics.csv", "gdp_100m_yuan"):
        ("gross-regional-product.ttl", "gross-regional-product", "grp", "grossRegionalProduct", "100-million-yuan"),
    ("provincial_gdp_5th_census_basis_2006_2024.csv", "gdp_100m_yuan"):
        ("gross-regional-product-5th-census.ttl", "gross-regional-product-5th-census", "grp5", "grossRegionalProduct",
         "100-million-yuan"),
    ("provincial_statistics.csv", "population_10k"):
        ("population.ttl", "population", "pop", "residentPopulation", "10-thousand-persons"),
}
#: the vintage codes of the CSV files -> the series of the graph (skos:notation in structure.ttl)
SERIES = {
    "NBS-GRP-4thEC-final": "nbs-grp-4th-census-final",
    "NBS-GRP-4thEC-preliminary(CSY2024)": "nbs-grp-4th-census-preliminary-csy2024",
    "NBS-GRP-5thEC-revised(2025)": "nbs-grp-5th-census-2025",
    "NBS-POP-7thCensus-revised": "nbs-population-7th-census-revised",
}
STATUSES = {"VERIFIED": "figure-verified", "SINGLE-SOURCE": "figure-single-source"}


def observation_graphs(reference: Path = REFERENCE) -> dict[str, rdflib.Graph]:
    """The observations, one rdflib graph per output file name."""
    graphs: dict[str, rdflib.Graph] = {}
    for (name, indicator), (file, dataset, prefix, measure, unit) in DATASETS.items():
        g = graphs.setdefault(file, rdflib.Graph())
        with open(reference / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["indicator"] != indicator:
                    continue
                obs = URIRef(f"{CRDID}observation/{prefix}-{row['code6']}-{row['year']}")
                g.add((obs, RDF.type, qb.Observation))
                g.add((obs, qb.dataSet, URIRef(f"{CRDID}cube/{dataset}")))
                g.add((obs, crd.refDivision, URIRef(f"{CRDID}division/{row['code6']}")))
                g.add((obs, crd.refYear, Literal(row["year"], datatype=XSD.gYear)))
                g.add((obs, crd[measure], Literal(row["value"], datatype=XSD.decimal, normalize=False)))
                g.add((obs, crd.unitOfMeasure, URIRef(f"{CRDID}unit/{unit}")))
                g.add((obs, crd.statisticalSeries, URIRef(f"{CRDID}series/{SERIES[row['vintage']]}")))
                g.add((obs, crd.verificationStatus, URIRef(f"{CRDID}status/{STATUSES[row['status']]}")))
                g.add((obs, prov.wasDerivedFrom, URIRef(f"{CRDID}source/nbs-annual-by-province")))
                for source in row["sources"].split(";"):
                    g.add((obs, prov.wasDerivedFrom, URIRef(f"{CRDID}source/figures-{source.strip()}")))
                if row["notes"].strip():
                    g.add((obs, skos.note, Literal(row["notes"].strip(), lang="en")))
    return graphs


def main() -> int:
    with as_written():  # the figures as the CSV writes them ("1364", not "1364.0")
        graphs = observation_graphs()
        texts = {file: canonical_turtle(graph) for file, graph in graphs.items()}
    for file, graph in graphs.items():
        write_atomically(OUT / file, texts[file])
        print(f"wrote {OUT / file}: {len(graph)} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
