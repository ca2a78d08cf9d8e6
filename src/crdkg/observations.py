"""The statistics as rows: every observation of a data set, read by the stored queries
``observations`` and ``observation-sources``, as plain Python values (and a pandas
DataFrame on request).

The release's CSV and JSON-stat files (:mod:`crdkg.statfiles`) are written from these rows,
so the tables a statistician reads and the graph a SPARQL user queries cannot disagree.
"""

from __future__ import annotations

from decimal import Decimal

from .engines.base import Engine
from .errors import CrdkgError

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

__all__ = ["COLUMNS", "Observation", "datasets", "observations"]

#: the columns of a row, in order
COLUMNS = ("observation", "dataset", "code", "name_en", "name_zh", "year", "value", "unit", "unit_label",
           "series", "status", "sources", "measure", "census_date")

Observation = dict  # a row: COLUMNS -> str | int | Decimal | tuple[str, ...] | None


def _number(text: str, datatype: str) -> int | Decimal:
    if datatype.endswith("#integer"):
        return int(text)
    return Decimal(text)


def datasets(*, lang: str = "en", engine: Engine | None = None) -> list[dict[str, object]]:
    """The statistical data sets (qb:DataSet) the graph holds, one dict each, from the stored
    query ``datasets``: IRI, title, measure and unit with labels in ``lang``, first and last
    year, numbers of observations and divisions, publisher, description."""
    from .api import _engine, run_query

    result = run_query("datasets", engine=_engine(engine), lang=lang)
    return [{k: (v.value if v is not None else None) for k, v in rec.items()} for rec in result.records()]


def observations(dataset: str, *, division: str | None = None, year: str | int | None = None,
                 engine: Engine | None = None, frame: bool = False) -> Any:
    """Every observation of ``dataset`` (an IRI, prefixed name such as ``cube:population``, or
    name), optionally of one ``division`` (code, IRI or name) or one ``year``, ordered by
    division code and year.

    Each row is a dict with :data:`COLUMNS`: ``year`` an int, ``value`` an int or an exact
    :class:`~decimal.Decimal` (as the graph writes it), ``sources`` a sorted tuple of IRIs,
    ``name_en`` None where no English name exists, ``census_date`` (ISO text) only in the census
    data set. With ``frame=True``, a pandas DataFrame
    (``pip install 'crdkg[pandas]'``) with ``value`` as float and ``year`` as int.
    """
    from .api import _engine, run_query

    params: dict[str, str] = {"dataset": dataset}
    if division is not None:
        params["division"] = str(division)
    if year is not None:
        params["year"] = str(year)
    engine = _engine(engine)
    result = run_query("observations", engine=engine, **params)
    # the sources by a query of their own: SPARQL has no ordered GROUP_CONCAT, and a list that
    # came out in another order in another store would make the same query differ
    sources: dict[str, list[str]] = {}
    for rec in run_query("observation-sources", engine=engine, **params).records():
        sources.setdefault(rec["observation"].value, []).append(rec["source"].value)  # type: ignore[union-attr]
    rows: list[Observation] = []
    for rec in result.records():
        value = rec["value"]
        rows.append({
            "observation": rec["observation"].value,  # type: ignore[union-attr]
            "dataset": rec["dataset"].value,  # type: ignore[union-attr]
            "code": rec["code"].value,  # type: ignore[union-attr]
            "name_en": rec["name_en"].value if rec["name_en"] is not None else None,
            "name_zh": rec["name_zh"].value if rec["name_zh"] is not None else None,
            "year": int(rec["year"].value),  # type: ignore[union-attr]
            "value": _number(value.value, value.datatype.value),  # type: ignore[union-attr]
            "unit": rec["unit"].value,  # type: ignore[union-attr]
            "unit_label": rec["unit_label"].value if rec["unit_label"] is not None else None,
            "series": rec["series"].value,  # type: ignore[union-attr]
            "status": rec["status"].value,  # type: ignore[union-attr]
            "sources": tuple(sorted(sources.get(rec["observation"].value, ()))),  # type: ignore[union-attr]
            "measure": rec["measure"].value,  # type: ignore[union-attr]
            "census_date": rec["census_date"].value if rec["census_date"] is not None else None,
        })
    if frame:
        return _frame(rows)
    return rows


def _frame(rows: list[Observation]) -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError:
        raise CrdkgError("frame=True needs pandas: pip install 'crdkg[pandas]'") from None
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame["value"] = frame["value"].astype(float)
    frame["year"] = frame["year"].astype(int)
    return frame
