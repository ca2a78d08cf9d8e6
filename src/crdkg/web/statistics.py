"""The statistics page: GDP per person by macro-region as a line chart over the years, with
the launch years of the regional strategies marked, and the tile-grid map of the divisions
coloured by GDP per person in one year, for one GDP series (``?series=``, ``?year=``).

Every figure comes from a stored query (macro-region-series, divisions-by-year,
disparity-by-year, regional-strategies); the chart is drawn in the browser by Chart.js, which
crdkg serves itself (``static/chartjs/``)."""

from __future__ import annotations

import html

from .pages import COLOURS, TILES, Page, _v

#: the two GDP series the page offers, by the value of ``?series=`` (the first is the default)
SERIES = {"4th-census": "cube:gross-regional-product", "5th-census": "cube:gross-regional-product-5th-census"}
#: a sequential scale for GDP per person, lowest first (ColorBrewer "Blues", five classes)
SCALE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]

WORDS = {
    "en": {"title": "GDP per person by region", "series": "GDP series", "year": "Year", "show": "Show",
           "chart": "GDP per person by macro-region (yuan, current prices)",
           "computed": "Macro-region figures are computed by crdkg: the sum of the member divisions' GDP over the "
                       "sum of their year-end usual residents. NBS publishes no macro-region totals for these years. "
                       "Hong Kong, Macao and Taiwan are not in the series.",
           "launches": "Dashed lines: the launch years of the regional strategies, as the graph records them.",
           "no_launch": "has no launch year in the graph", "outside": "launched before this series begins",
           "map": "Divisions by GDP per person", "map_note": "GDP over year-end usual residents, in yuan; classes "
           "are quintiles of the 31 divisions. Grey: not in the series.", "not_in_series": "not in the series",
           "disparity": "Disparity by year", "source": "Source: National Bureau of Statistics (分省年度数据), "
           "through the checked copies each figure names; see the resource pages."},
    "zh": {"title": "各地区人均地区生产总值", "series": "地区生产总值系列", "year": "年份", "show": "显示",
           "chart": "四大板块人均地区生产总值（元，当年价格）",
           "computed": "板块数据由 crdkg 计算：所属省级行政区地区生产总值之和除以其年末常住人口之和。"
                       "国家统计局未发布这些年份的板块总量。港澳台不在本系列中。",
           "launches": "虚线：图谱记录的区域战略实施年份。", "no_launch": "图谱中没有实施年份",
           "outside": "实施早于本系列起始年份", "map": "各省级行政区人均地区生产总值",
           "map_note": "地区生产总值除以年末常住人口，单位为元；按31个省级行政区的五分位数分级。灰色：不在本系列中。",
           "not_in_series": "不在本系列中", "disparity": "逐年差距",
           "source": "来源：国家统计局分省年度数据，经各数据所列的核对副本；见资源页面。"},
}


def page(page: Page, given: dict[str, str]) -> str:
    w = WORDS[page.lang]
    key = given.get("series") or next(iter(SERIES))
    if key not in SERIES:
        from ..errors import ParameterError

        raise ParameterError(f"parameter 'series': {key[:40]!r} is not one of {', '.join(SERIES)}")
    series = SERIES[key]
    regions = page.run("macro-region-series", series=series).records()
    years = sorted({_v(r["year"]) or "" for r in regions})
    year = given.get("year") or years[-1]
    if year not in years:
        from ..errors import ParameterError

        raise ParameterError(f"parameter 'year': {year[:10]!r} is not a year of this series ({years[0]}-{years[-1]})")
    series_label = _v(page.run("labels", resource=series).records()[0].get("label_zh" if page.lang == "zh"
                                                                            else "label_en")) or series
    form = _form(page, w, key, year, years)
    chart = _chart(page, w, regions, years)
    tiles = _map(page, w, series, year)
    disparity = page.run("disparity-by-year", series=series)
    content = (f"{form}<p class=\"series\">{html.escape(w['series'])}: <strong>{html.escape(series_label)}</strong></p>"
               f"{chart}{tiles}<h2>{html.escape(w['disparity'])}</h2><p>{html.escape(w['computed'])}</p>"
               f"{page.table(disparity)}<p>{html.escape(w['source'])}</p>")
    return page.layout(w["title"], content)


def _form(page: Page, w: dict[str, str], key: str, year: str, years: list[str]) -> str:
    if page.static is not None:
        return ""
    series = "".join(f'<option value="{k}"{" selected" if k == key else ""}>{k}</option>' for k in SERIES)
    choices = "".join(f'<option{" selected" if y == year else ""}>{y}</option>' for y in years)
    return (f'<form method="get" action="/statistics"><label>{w["series"]} <select name="series">{series}</select>'
            f'</label> <label>{w["year"]} <select name="year">{choices}</select></label>'
            f'<input type="hidden" name="lang" value="{page.lang}"> <button type="submit">{w["show"]}</button></form>')


def _chart(page: Page, w: dict[str, str], regions: list[dict], years: list[str]) -> str:
    lines: dict[str, dict] = {}
    for r in regions:
        iri = _v(r["region"]) or ""
        name = iri.rsplit("/", 1)[-1]
        line = lines.setdefault(iri, {"label": _v(r.get("region_label")) or name, "region": iri,
                                      "borderColor": COLOURS.get(name, COLOURS[None]),
                                      "backgroundColor": COLOURS.get(name, COLOURS[None]), "data": {}})
        line["data"][_v(r["year"])] = int(_v(r["gdp_per_person"]) or 0)
    datasets = [{**line, "data": [line["data"].get(y) for y in years]} for line in lines.values()]
    launches, notes = [], []
    for s in page.run("regional-strategies").records():
        label = _v(s.get("strategy_label")) or ""
        launch = _v(s.get("launch_year"))
        if launch is None:
            notes.append(f"{label}: {w['no_launch']}")
        elif launch not in years:
            notes.append(f"{label} ({launch}): {w['outside']}")
        else:
            launches.append({"year": launch, "label": f"{label} {launch}", "strategy": _v(s["strategy"])})
    from .pages import json_block

    data = json_block({"years": years, "datasets": datasets, "launches": launches})
    assets = html.escape(page.relative("static/") if page.static is not None else "/static/")
    caption = " ".join([w["computed"], w["launches"], *(n + "." for n in notes)])
    return f"""<figure><div class="chart"><canvas id="gdp-chart"></canvas></div>
<figcaption>{html.escape(w['chart'])}. {html.escape(caption)}</figcaption></figure>
<script type="application/json" id="gdp-data">{data}</script>
<script src="{assets}chartjs/chart.umd.min.js"></script>
<script src="{assets}crdkg/chart.js"></script>"""


def _map(page: Page, w: dict[str, str], series: str, year: str) -> str:
    rows = page.run("divisions-by-year", year=year, series=series).records()
    values = sorted(int(_v(r["gdp_per_person"]) or 0) for r in rows)
    # the upper bounds of the five quintile classes
    bounds = [values[min(len(values) - 1, (len(values) * (i + 1)) // len(SCALE) - 1)] for i in range(len(SCALE))]
    by_code = {_v(r["code"]): r for r in rows}
    tiles = []
    for d in page.run("divisions").records():
        code = _v(d["code"]) or ""
        if code not in TILES:
            continue
        col, row = TILES[code]
        label = (_v(d.get("name_zh_short")) or _v(d.get("name_zh"))) if page.lang == "zh" else _v(d.get("name_en"))
        figure = by_code.get(code)
        if figure is None:
            colour, cls, text = COLOURS[None], "none", ""
        else:
            gpp = int(_v(figure["gdp_per_person"]) or 0)
            cls = str(next(i for i, b in enumerate(bounds) if gpp <= b))
            colour, text = SCALE[int(cls)], f"<br>{gpp:,}"
        ink = "#fff" if cls in ("3", "4") else "#111"
        place = f"left:{col * 6}rem; top:{row * 4}rem; background:{colour}; color:{ink}"
        link = page.href("/resource", iri=_v(d["division"]) or "")
        tiles.append(f'<a class="tile" data-code="{code}" data-class="{cls}" href="{link}" style="{place}">'
                     f"{html.escape(label or code)}{text}</a>")
    low = [values[0], *(b + 1 for b in bounds[:-1])]
    legend = "".join(f'<span style="background:{c}"></span>{lo:,}–{hi:,}' for c, lo, hi in zip(SCALE, low, bounds,
                                                                                             strict=True))
    legend += f'<span style="background:{COLOURS[None]}"></span>{html.escape(w["not_in_series"])}'
    return (f'<h2>{html.escape(w["map"])}, {year}</h2><p>{html.escape(w["map_note"])}</p>'
            f'<p class="legend" id="gdp-legend"><strong>{page.words["legend"]}</strong> {legend}</p>'
            f'<div class="tiles" id="gdp-map" style="height:{8 * 4}rem">{"".join(tiles)}</div>')
