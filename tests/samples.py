"""Parameter values with which every stored query is run in the engine-conformance tests:
the examples that the query headers give, and a value for every parameter."""

from crdkg.catalogue import StoredQuery, load_catalogue

SAMPLE_PARAMS = {q.name: q.example_params() for q in load_catalogue() if q.example_params()}

#: a value other than the default for each optional parameter, by hand
OTHER_VALUES = {"lang": "zh", "class": "ProvincialDivision", "strategy": "strategy:western-development",
                "series": "cube:gross-regional-product-5th-census", "level": "county", "type": "AutonomousCounty",
                "division": "Sichuan", "year": "2020"}


#: where a query has nothing for an other value: no regional strategy was launched within the
#: 5th-census series (2006-2024), so growth-since-launch is asked for the main series, by name
OTHER_VALUES_OF = {"growth-since-launch": {"series": "cube:gross-regional-product"}}


def every_parameter(query: StoredQuery) -> dict[str, str]:
    """A value for each parameter of ``query``: its example, or one of :data:`OTHER_VALUES`
    (Sichuan, the example of find-resource, is a ProvincialDivision)."""
    values = query.example_params()
    others = {**OTHER_VALUES, **OTHER_VALUES_OF.get(query.name, {})}
    for p in query.params:
        if p.name not in values:
            values[p.name] = others[p.name]
    return values


def without_computed(result, query: StoredQuery):
    """``result`` without the columns that crdkg computes (crdkg.computed): what the query's
    text gives when a store runs it as it is."""
    from crdkg.engines.base import QueryResult

    drop = {c.name for c in query.computed}
    if not drop or result.form != "select":
        return result
    keep = [i for i, v in enumerate(result.variables) if v not in drop]
    return QueryResult(form="select", variables=tuple(result.variables[i] for i in keep),
                       rows=tuple(tuple(row[i] for i in keep) for row in result.rows))


def assert_located_as_by_a_full_index(report, files) -> None:
    """The validator's locator reads only the statements about the results' focus nodes (and
    those that mention a value looked for anywhere): its file and line for each result of
    ``report`` must be those that indexing every statement of ``files`` gives, and at least one
    result must be located."""
    from dataclasses import replace

    from crdkg.validation.locate import Locator

    bare = [replace(r, file=None, line=None) for r in report.results]
    full = Locator({"input": list(files)})  # indexes every statement
    assert [(r.file, r.line) for r in report.results] == [(x.file, x.line) for x in map(full.locate, bare)]
    assert any(r.line is not None for r in report.results)
