"""The statistics in statisticians' formats: each data set as a tidy CSV described by W3C
CSV on the Web metadata (so that a CSVW processor turns it back into the observations'
triples), and as a JSON-stat 2.0 dataset.

Made from the rows of :func:`crdkg.observations.observations` and the data sets' description
(:func:`crdkg.observations.datasets`); nothing here knows a figure or a label of its own.
IRIs of units, series, statuses and sources are written as their local names, with the
CSVW ``valueUrl`` templates that make them IRIs again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

from .errors import CrdkgError
from .namespaces import CRD, PREFIXES, QB, RDFS

__all__ = ["CSV_COLUMNS", "columns", "csv_table", "csvw_metadata", "dumps", "jsonstat", "local_name"]

#: the columns of a data set's CSV, in order (``census_date`` only where the data set has one)
CSV_COLUMNS = ("observation", "code", "name_en", "name_zh", "year", "census_date", "value", "unit", "unit_label",
               "series", "status", "sources")

_PROV = PREFIXES["prov"]
# the column whose cells hold local names of this namespace (its CSVW valueUrl template)
_NAMESPACE = {"unit": "uom", "series": "series", "status": "status", "sources": "source"}


def local_name(iri: str, prefix: str) -> str:
    """The part of ``iri`` after crdkg's namespace ``prefix`` (e.g. ``uom``); an IRI outside it
    cannot go in the table as a local name, and is refused."""
    base = PREFIXES[prefix]
    if not iri.startswith(base) or len(iri) == len(base) or "/" in iri[len(base):]:
        raise CrdkgError(f"{iri} is not in the namespace {prefix}: ({base}); the CSV cannot name it by a local name")
    return iri[len(base):]


def columns(rows: Sequence[Mapping[str, object]]) -> tuple[str, ...]:
    """The CSV columns of a data set: :data:`CSV_COLUMNS`, without ``census_date`` where no
    row has one."""
    dated = any(r.get("census_date") for r in rows)
    return tuple(c for c in CSV_COLUMNS if c != "census_date" or dated)


def _cells(row: Mapping[str, object], chosen: Sequence[str]) -> list[str]:
    out = []
    for column in chosen:
        value = row[column]
        if column in _NAMESPACE:
            prefix = _NAMESPACE[column]
            if column == "sources":
                value = " ".join(local_name(v, prefix) for v in value)  # type: ignore[attr-defined]
            else:
                value = local_name(str(value), prefix)
        out.append("" if value is None else str(value))
    return out


def csv_table(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The rows as CSV (RFC 4180 quoting, UTF-8, a header row, LF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    chosen = columns(rows)
    writer.writerow(chosen)
    for row in rows:
        writer.writerow(_cells(row, chosen))
    return buffer.getvalue().encode("utf-8")


def _datatype(rows: Sequence[Mapping[str, object]]) -> str:
    kinds = {type(r["value"]) for r in rows}
    return "integer" if kinds <= {int} else "decimal"


def _both(en: object, zh: object) -> list[dict[str, object]]:
    return [{"@value": v, "@language": lang} for v, lang in ((en, "en"), (zh, "zh")) if v]


def csvw_metadata(tables: Sequence[tuple[str, Mapping[str, object], Mapping[str, object],
                                        Sequence[Mapping[str, object]]]],
                  *, license: str | None, modified: str | None) -> dict[str, object]:
    """A CSVW table group describing each ``(file name, description in English, description in
    Chinese, rows)``: titles in both languages, the columns' datatypes, and the IRIs and
    properties that give back each observation's triples (``qb:dataSet``, the dimensions, the
    measure, the attributes, ``prov:wasDerivedFrom``, and the labels of divisions and units)."""
    division = PREFIXES["division"] + "{code}"
    described = []
    for url, en, zh, rows in tables:
        template = {col: PREFIXES[prefix] + "{" + col + "}" for col, prefix in _NAMESPACE.items()}
        columns_: list[dict[str, object]] = [
            {"name": "observation", "titles": "observation", "datatype": "anyURI", "required": True,
             "suppressOutput": True, "dc:description": "the observation's IRI"},
            {"name": "code", "titles": "code", "required": True,
             "datatype": {"base": "string", "format": "[0-9]{6}"},
             "propertyUrl": CRD + "refDivision", "valueUrl": division,
             "dc:description": "the division's GB/T 2260 code"},
            {"name": "name_en", "titles": "name_en", "lang": "en", "aboutUrl": division,
             "propertyUrl": RDFS + "label", "dc:description": "the division's English name, where one exists"},
            {"name": "name_zh", "titles": "name_zh", "lang": "zh", "aboutUrl": division,
             "propertyUrl": RDFS + "label", "dc:description": "the division's official Chinese name"},
            {"name": "year", "titles": "year", "datatype": "gYear", "required": True,
             "propertyUrl": CRD + "refYear"},
            {"name": "census_date", "titles": "census_date", "datatype": "date", "required": True,
             "propertyUrl": CRD + "censusDate", "dc:description": "the census's standard time (a day)"},
            {"name": "value", "titles": "value", "datatype": _datatype(rows), "required": True,
             "propertyUrl": str(en["measure"]),
             "dc:description": f"{en['measure_label']} ({en['unit_label']})"},
            {"name": "unit", "titles": "unit", "required": True, "propertyUrl": CRD + "unitOfMeasure",
             "valueUrl": template["unit"]},
            {"name": "unit_label", "titles": "unit_label", "lang": "en", "aboutUrl": template["unit"],
             "propertyUrl": RDFS + "label"},
            {"name": "series", "titles": "series", "required": True, "propertyUrl": CRD + "statisticalSeries",
             "valueUrl": template["series"]},
            {"name": "status", "titles": "status", "required": True, "propertyUrl": CRD + "verificationStatus",
             "valueUrl": template["status"]},
            {"name": "sources", "titles": "sources", "separator": " ", "propertyUrl": _PROV + "wasDerivedFrom",
             "valueUrl": template["sources"]},
            {"virtual": True, "propertyUrl": "rdf:type", "valueUrl": QB + "Observation"},
            {"virtual": True, "propertyUrl": QB + "dataSet", "valueUrl": str(en["dataset"])},
        ]
        chosen = columns(rows)
        columns_ = [c for c in columns_ if c.get("virtual") or c["name"] in chosen]
        table: dict[str, object] = {
            "url": url,
            "dc:title": _both(en["title"], zh["title"]),
            "dc:description": _both(en["description"], None),
            "dc:source": {"@id": str(en["dataset"])},
            "tableSchema": {"columns": columns_, "primaryKey": ["code", "year"], "aboutUrl": "{+observation}"},
        }
        if en.get("publisher"):
            table["dc:publisher"] = {"@id": str(en["publisher"])}
        described.append(table)
    group: dict[str, object] = {"@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}], "tables": described}
    if license:
        group["dc:license"] = {"@id": license}
    if modified:
        group["dc:modified"] = {"@value": modified, "@type": "xsd:date"}
    return group


def _json_number(value: object) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    assert isinstance(value, int)
    return value


def _decimals(rows: Sequence[Mapping[str, object]]) -> int:
    places = 0
    for row in rows:
        value = row["value"]
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int):
                places = max(places, -exponent)
    return places


def jsonstat(rows: Sequence[Mapping[str, object]], en: Mapping[str, object], zh: Mapping[str, object], *,
             updated: str | None, license: str | None) -> dict[str, object]:
    """A JSON-stat 2.0 dataset: dimensions division (geo), year (time) and the measure (metric,
    with its unit and decimals); dense values in row-major order, null where the graph has no
    figure; each figure's verification status in ``status``. Chinese titles and names, series and
    sources go in ``extension`` (JSON-stat has one label per item)."""
    codes = sorted({str(r["code"]) for r in rows})
    years = sorted({int(r["year"]) for r in rows})  # type: ignore[call-overload]
    code_index = {c: i for i, c in enumerate(codes)}
    year_index = {y: i for i, y in enumerate(years)}
    values: list[int | float | None] = [None] * (len(codes) * len(years))
    status: dict[str, str] = {}
    series: dict[str, str] = {}
    names_en: dict[str, str] = {}
    names_zh: dict[str, str] = {}
    for row in rows:
        code = str(row["code"])
        i = code_index[code] * len(years) + year_index[int(row["year"])]  # type: ignore[call-overload]
        values[i] = _json_number(row["value"])
        status[str(i)] = local_name(str(row["status"]), "status")
        series[str(i)] = local_name(str(row["series"]), "series")
        names_en[code] = str(row["name_en"] or row["name_zh"])
        if row["name_zh"]:
            names_zh[code] = str(row["name_zh"])
    measure = local_name(str(en["measure"]), "crd")
    dataset: dict[str, object] = {
        "version": "2.0",
        "class": "dataset",
        "href": str(en["dataset"]),
        "label": str(en["title"]),
        "source": str(en.get("publisher_label") or ""),
        "id": ["division", "year", "measure"],
        "size": [len(codes), len(years), 1],
        "role": {"geo": ["division"], "time": ["year"], "metric": ["measure"]},
        "dimension": {
            "division": {"label": "division (GB/T 2260 code)",
                         "category": {"index": codes, "label": names_en},
                         "extension": {"label_zh": names_zh}},
            "year": {"label": "year", "category": {"index": [str(y) for y in years]}},
            "measure": {"label": "measure", "category": {
                "index": [measure],
                "label": {measure: str(en["measure_label"])},
                "unit": {measure: {"label": str(en["unit_label"]), "decimals": _decimals(rows)}}}},
        },
        "value": values,
        "status": status,
        "extension": {"title_zh": str(zh["title"]), "description": str(en["description"] or ""),
                      "series": series, "license": license},
    }
    if en.get("description"):
        dataset["note"] = [str(en["description"])]
    if updated:
        dataset["updated"] = updated
    return dataset


def dumps(document: object) -> bytes:
    """JSON as the release writes it: UTF-8, sorted keys, one indent, a final newline."""
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
