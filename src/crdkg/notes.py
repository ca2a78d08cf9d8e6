"""Notes on an answer that is not an error but may look like one: what the command line adds
on standard error after a result, so that an empty table or an empty column does not pass
silently.

* A column that the query computes (``... AS ?x``, or one of a stored query's computed
  columns) and that is empty in every row: the expression failed for each, as a decimal
  division does when it overflows Oxigraph's decimals or a value has the wrong type.
* No rows from a statistics query asked for one year: the years each data set covers (the
  stored query ``datasets``), so that the reader sees the year lies outside the series.
"""

from __future__ import annotations

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    from .catalogue import StoredQuery
    from .engines.base import Engine, QueryResult

__all__ = ["notes"]


def _assigned(text: str) -> set[str]:
    """The variables ``text`` assigns with ``AS`` (in a SELECT expression or a BIND)."""
    from .sparqltext import tokens

    toks = list(tokens(text))
    return {toks[i + 1].text[1:] for i, t in enumerate(toks[:-1])
            if t.kind == "word" and t.text.upper() == "AS" and toks[i + 1].kind == "var"}


def _empty_columns(result: QueryResult, candidates: set[str]) -> list[str]:
    if result.form != "select" or not result.rows:
        return []
    return [v for i, v in enumerate(result.variables)
            if v in candidates and all(row[i] is None for row in result.rows)]


def notes(result: QueryResult, *, engine: Engine, text: str | None = None, stored: StoredQuery | None = None,
          params: Mapping[str, str] | None = None) -> list[str]:
    """The notes on ``result``, of the ad hoc query ``text`` or the stored query ``stored`` run
    with ``params``."""
    out = []
    computed = _assigned(text) if text is not None else set()
    if stored is not None:  # its own columns may be empty by design (an English name no county has)
        computed |= {c.name for c in stored.computed}
    for column in _empty_columns(result, computed):
        out.append(f"column {column} is empty in every row: the expression that computes it failed for each "
                   "(a division of decimals can overflow Oxigraph's decimals, a value can have the wrong type); "
                   "cast to xsd:double to compute with doubles")
    if stored is not None and result.form == "select" and not result.rows and (params or {}).get("year") \
            and "statistics" in stored.tags and stored.name != "datasets":
        from .api import run_query
        from .terms import short

        covered = ", ".join(f"{short(r['dataset'])} {short(r['first_year'])}-{short(r['last_year'])}"
                            for r in run_query("datasets", engine=engine).records())
        out.append(f"no rows for the year {(params or {})['year']}; the data sets cover: {covered}")
    return out
