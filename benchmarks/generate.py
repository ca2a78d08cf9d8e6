"""Synthetic graphs shaped like crdkg's, for benchmarks: county-level divisions with codes
and labels in two languages, within the shipped provinces; tasks and initiatives that
target them; passages they are derived from. Valid against the shapes together with the
shipped ontology and data (``crdkg validate FILE --with-data``).

    python benchmarks/generate.py 100000 out.ttl
"""

from __future__ import annotations

import sys
from pathlib import Path

PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
             "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
HEADER = """@prefix crd: <https://w3id.org/crdkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix b: <https://example.org/bench/> .
@prefix id: <https://w3id.org/crdkg/id/> .

"""
BLOCK_COUNTIES = 10


def block(j: int, broken_every: int = 0) -> tuple[str, int]:
    """Ten counties, a passage, a task and an initiative: text and number of triples. With
    ``broken_every``, every so many counties get a code that breaks the GB/T 2260 pattern."""
    out = []
    counties = []
    for k in range(BLOCK_COUNTIES):
        i = j * BLOCK_COUNTIES + k
        prov = PROVINCES[i % len(PROVINCES)]
        code = f"{prov}{i // len(PROVINCES) + 1:04d}"
        counties.append(code)
        written = f"x{code}" if broken_every and i % broken_every == broken_every - 1 else code
        out.append(f'b:c{code} a crd:CountyLevelDivision ; rdfs:label "County {i}"@en , "县{i}"@zh ; '
                   f'crd:divisionCode "{written}" ; geo:sfWithin id:division\\/{prov}0000 ; '
                   f'prov:wasDerivedFrom id:source\\/gbt-2260 .\n')
    out.append(f'b:p{j} a crd:Passage ; rdfs:label "Passage {j}"@en , "段落{j}"@zh ; '
               f'crd:quote "Support will be given to the counties of block {j}."@en ; '
               f'dcterms:isPartOf id:document\\/keywords-coordinated-regional-development ; '
               f'crd:paragraphNumber {j % 50 + 1} ; crd:sentenceNumber {j % 7 + 1} .\n')
    out.append(f'b:t{j} a crd:Task ; rdfs:label "Task {j}"@en , "任务{j}"@zh ; '
               f'crd:targets b:c{counties[0]} , b:c{counties[3]} , b:c{counties[6]} ; '
               f'crd:servesGoal id:goal\\/subnational-development-coordination ; prov:wasDerivedFrom b:p{j} .\n'
               f'id:strategy\\/coordinated-regional-development crd:hasTask b:t{j} .\n')
    out.append(f'b:i{j} a crd:Initiative ; rdfs:label "Initiative {j}"@en , "举措{j}"@zh ; '
               f'crd:advances id:strategy\\/coordinated-regional-development ; '
               f'crd:targets b:c{counties[1]} , b:c{counties[8]} ; prov:wasDerivedFrom b:p{j} .\n')
    triples = BLOCK_COUNTIES * 6 + 7 + 9 + 7
    return "".join(out), triples


def generate(target: int, path: Path, broken_every: int = 0) -> int:
    """Write at least ``target`` triples to ``path`` (Turtle); return how many. With
    ``broken_every``, one county in that many has an invalid code (a validation result)."""
    total = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        j = 0
        while total < target:
            text, n = block(j, broken_every)
            f.write(text)
            total += n
            j += 1
    return total


if __name__ == "__main__":
    n = generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} triples written to {sys.argv[2]}")


def statistics_cube(path: Path, divisions: int = 2800, years: range = range(2000, 2025)) -> int:
    """A synthetic statistics cube: ``divisions`` divisions (the 31 provinces of the shipped
    data, then synthetic county-level divisions placed directly within a macro-region, as
    the stored queries sum them) with a GDP and a population observation for every year, in
    the shipped data sets; the number of observations written. Values are made up, smooth and
    positive: a benchmark's load, not data."""
    regions = ["east", "central", "west", "northeast"]
    lines = ["@prefix crd: <https://w3id.org/crdkg/ontology#> .",
             "@prefix geo: <http://www.opengis.net/ont/geosparql#> .",
             "@prefix qb: <http://purl.org/linked-data/cube#> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
             "@prefix id: <https://w3id.org/crdkg/id/> .", "@prefix b: <https://example.org/bench/> .", ""]
    codes = [f"{p}0000" for p in PROVINCES]
    for i in range(divisions - len(codes)):
        code = f"9{i:05d}"
        codes.append(code)
        lines.append(f'b:d{code} a crd:CountyLevelDivision ; crd:divisionCode "{code}" ; '
                     f"geo:sfWithin id:region\\/{regions[i % 4]} .")
    written = 0
    for n, code in enumerate(codes):
        division = f"id:division\\/{code}" if n < len(PROVINCES) else f"b:d{code}"
        for year in years:
            gdp = round(100 + (n % 97) * 3.1 + (year - years[0]) * (5 + n % 13), 1)
            pop = round(50 + (n % 89) * 1.7 + (year - years[0]) * 0.3, 1)
            for kind, data_set, measure, value in (("g", "gross-regional-product", "grossRegionalProduct", gdp),
                                                   ("p", "population", "residentPopulation", pop)):
                lines.append(f"b:o{kind}{code}y{year} a qb:Observation ; qb:dataSet id:cube\\/{data_set} ; "
                             "crd:verificationStatus id:status\\/figure-verified ; "
                             f'crd:refDivision {division} ; crd:refYear "{year}"^^xsd:gYear ; crd:{measure} {value} .')
                written += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written
