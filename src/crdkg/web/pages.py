"""Pages for people, in English and Chinese (``?lang=zh``): the strategy at a glance, a page
per stored query with a form and its result as a table with links, a page per resource with
its links in both directions and its evidence in both languages, and the tile-grid map.
Every fact on a page comes from a stored query; only the page's own words are written here."""

from __future__ import annotations

import html
import urllib.parse

import pyoxigraph as ox

from ..api import catalogue
from ..catalogue import StoredQuery
from ..engines.base import Engine, QueryResult, Term
from ..querying import run_stored
from ..terms import short

#: the pages' own words, in both languages
WORDS = {
    "en": {"editor": "Query editor",
           "home": "Home", "queries": "Stored queries", "map": "Map", "statistics": "Statistics",
           "sparql": "SPARQL endpoint", "api": "API",
           "glance": "The strategy at a glance", "regions": "The four macro-regions", "run": "Run",
           "rows": "rows", "links_out": "Links from it", "links_in": "Links to it", "evidence": "Evidence",
           "labels": "Labels", "types": "What it is", "none": "none", "where": "where it stands",
           "map_title": "Provincial-level divisions", "map_note": "One tile per division, laid out like China's "
           "geography (no boundaries are drawn). Coloured by macro-region; with a query, the divisions its result "
           "names are marked.", "legend": "Legend", "not_in_region": "not in a macro-region",
           "in_result": "named by the result", "not_in_result": "not named", "title": "crdkg",
           "profile": "Where it lies, what it belongs to, its census population",
           "targeted": "What in the strategy concerns it, and how", "cite": "Cite this graph",
           "downloads": "Download", "download_note": "each named graph in Turtle, and the description of the "
           "dataset (VoID and DCAT); every format, and the statistics as CSV and JSON-stat, in a release "
           "(crdkg release)", "version": "version"},
    "zh": {"editor": "查询编辑器",
           "home": "首页", "queries": "存储查询", "map": "地图", "statistics": "统计", "sparql": "SPARQL 端点",
           "api": "接口",
           "glance": "战略概览", "regions": "四大板块", "run": "运行", "rows": "行", "links_out": "由此指出的联系",
           "links_in": "指向它的联系", "evidence": "依据", "labels": "名称", "types": "类型", "none": "无",
           "where": "出处", "map_title": "省级行政区",
           "map_note": "每个省级行政区一个方块，按地理位置大致排列（不绘制边界）。"
                       "按板块着色；给出查询时，标出结果中出现的行政区。",
           "legend": "图例", "not_in_region": "不属于四大板块",
           "in_result": "结果中出现", "not_in_result": "未出现", "title": "crdkg",
           "profile": "所在区域、所属名单与普查人口", "targeted": "战略中涉及它的内容及其途径",
           "cite": "引用本图谱", "downloads": "下载",
           "download_note": "各命名图的 Turtle 文件及数据集描述（VoID 与 DCAT）；全部格式以及 CSV 和 JSON-stat "
                            "格式的统计数据见发布包（crdkg release）", "version": "版本"},
}

#: (column, row) of each provincial-level division's tile, by GB/T 2260 code: a layout for the
#: eye, roughly as the divisions lie, not a fact of the graph
TILES = {
    "230000": (9, 0), "150000": (6, 1), "110000": (7, 1), "220000": (9, 1),
    "650000": (1, 2), "620000": (4, 2), "640000": (5, 2), "140000": (6, 2), "130000": (7, 2), "120000": (8, 2),
    "210000": (9, 2), "630000": (3, 3), "610000": (5, 3), "410000": (6, 3), "370000": (7, 3),
    "540000": (2, 4), "510000": (4, 4), "500000": (5, 4), "420000": (6, 4), "340000": (7, 4), "320000": (8, 4),
    "310000": (9, 4), "520000": (5, 5), "430000": (6, 5), "360000": (7, 5), "330000": (8, 5),
    "530000": (4, 5), "450000": (5, 6), "440000": (6, 6), "350000": (7, 6), "710000": (8, 6),
    "460000": (5, 7), "820000": (6, 7), "810000": (7, 7),
}
#: colours of the macro-regions (by local name) and of the marks
COLOURS = {"east": "#4e79a7", "central": "#f28e2b", "west": "#e15759", "northeast": "#76b7b2", None: "#bab0ac",
           "marked": "#59a14f", "unmarked": "#e8e8e8"}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem; color: #222; }
nav { display: flex; gap: 1rem; padding: .8rem 0; border-bottom: 1px solid #ddd; align-items: baseline; }
nav .lang { margin-left: auto; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; display: block; max-width: 100%; overflow-x: auto; }
th, td { border-bottom: 1px solid #eee; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
blockquote { margin: .3rem 0 .3rem 1rem; }
.tiles { position: relative; }
.chart { position: relative; height: 26rem; }
.tile { position: absolute; width: 5.6rem; height: 3.6rem; border-radius: .3rem; color: #111; font-size: .8rem;
        display: flex; align-items: center; justify-content: center; text-align: center; text-decoration: none; }
.legend span { display: inline-block; width: 1rem; height: 1rem; vertical-align: middle; margin: 0 .3rem 0 1rem; }
form label { display: block; margin: .4rem 0; }
"""


def _v(term: object) -> str | None:
    """The text of a term of a result row (None where the row has none)."""
    return getattr(term, "value", None)


def static_file(path: str, params: dict[str, str], lang: str) -> str:
    """The file of a static export that holds the page at ``path`` (with ``params``), in
    ``lang``: English pages at the root, Chinese ones under ``zh/``; a resource by its prefixed
    name (``resource/region/west.html``)."""
    from ..namespaces import split_iri

    root = "" if lang == "en" else "zh/"
    if path == "/resource":
        split = split_iri(params.get("iri", ""))
        name = f"{split[0]}/{split[1]}" if split else "unknown"
        return f"{root}resource/{name}.html"
    if path.startswith("/queries/"):
        return f"{root}queries/{path[len('/queries/'):]}.html"
    files = {"/": "index", "/queries": "queries/index", "/map": "map", "/editor": "editor", "/statistics": "statistics"}
    return f"{root}{files.get(path, 'index')}.html"


class Page:
    """One request's page: its language and the engine its stored queries run on."""

    def __init__(self, engine: Engine, lang: str, path: str, query: str, *, static: str | None = None,
                 endpoint: str | None = None) -> None:
        self.engine, self.lang, self.path, self.query_string = engine, lang, path, query
        self.words = WORDS[lang]
        #: for a static export, the page's own file (``resource/region/west.html``): links are
        #: then relative file paths, and ``endpoint`` (if any) is where SPARQL goes
        self.static, self.endpoint = static, endpoint
        #: in a static export, the IRIs that have a page (a link to any other is plain text)
        self.known: set[str] = set()

    def run(self, name: str, **params: str) -> QueryResult:
        query = catalogue()[name]
        if query.param("lang") is not None:
            params.setdefault("lang", self.lang)
        return run_stored(query, self.engine, params)

    def href(self, path: str, **params: str) -> str:
        if self.static is not None:
            return html.escape(self.relative(static_file(path, params, self.lang)))
        if self.lang != "en":
            params = {**params, "lang": self.lang}
        return html.escape(path + ("?" + urllib.parse.urlencode(params) if params else ""))

    def relative(self, target: str) -> str:
        """The path from this page's file to ``target`` (both relative to the site's root)."""
        depth = (self.static or "").count("/")
        return "../" * depth + target

    def link(self, term: object, label: str | None = None) -> str:
        if isinstance(term, ox.NamedNode) and (self.static is None or term.value in self.known):
            return f'<a href="{self.href("/resource", iri=term.value)}">{html.escape(label or short(term))}</a>'
        return html.escape("" if term is None else short(term))  # type: ignore[arg-type]  # a literal

    def table(self, result: QueryResult, columns: list[str] | None = None) -> str:
        """The result as an HTML table: IRIs link to their resource page, with the label of a
        ``NAME_label`` column as the link text where the result has one."""
        variables = list(result.variables)
        shown = columns or [v for v in variables if not (v.endswith("_label") and v[:-6] in variables)]
        head = "".join(f"<th>{html.escape(v)}</th>" for v in shown)
        body = []
        for row in result.rows:
            values = dict(zip(variables, row, strict=True))
            cells = []
            for v in shown:
                cells.append(f"<td>{self.link(values[v], _v(values.get(v + '_label')))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        count = f'<p class="count">{len(result.rows)} {self.words["rows"]}</p>'
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{count}"

    def layout(self, title: str, content: str, *, head: str = "") -> str:
        w = self.words
        other = "zh" if self.lang == "en" else "en"
        params = dict(urllib.parse.parse_qsl(self.query_string))
        editor = ("" if self.static is not None and not self.endpoint
                  else f'<a href="{self.href("/editor")}">{w["editor"]}</a>')
        if self.static is not None:
            switch = html.escape(self.relative(static_file(self.path, params, other)))
            sparql = f'<a href="{html.escape(self.endpoint)}">{w["sparql"]}</a>' if self.endpoint else ""
            api = f'<a href="{html.escape(self.relative("openapi.json"))}">{w["api"]}</a>'
        else:
            params["lang"] = other
            switch = html.escape(self.path + "?" + urllib.parse.urlencode(params))
            sparql = f'<a href="/sparql">{w["sparql"]}</a>'
            api = f'<a href="/api">{w["api"]}</a>'
        nav = (f'<nav><strong>crdkg</strong><a href="{self.href("/")}">{w["home"]}</a>'
               f'<a href="{self.href("/queries")}">{w["queries"]}</a><a href="{self.href("/map")}">{w["map"]}</a>'
               f'<a href="{self.href("/statistics")}">{w["statistics"]}</a>'
               f'{editor}'
               f'{sparql}{api}'
               f'<a class="lang" id="lang-switch" href="{switch}">{"中文" if other == "zh" else "English"}</a></nav>')
        return (f'<!doctype html><html lang="{"zh-Hans" if self.lang == "zh" else "en"}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{html.escape(title)} · crdkg</title><style>{STYLE}</style>{head}</head>"
                f"<body>{nav}<main><h1>{html.escape(title)}</h1>{content}</main></body></html>")


def home(page: Page) -> str:
    w = page.words
    strategy = page.run("labels", resource="strategy:coordinated-regional-development").records()[0]
    title = _v(strategy.get("label_zh") if page.lang == "zh" else strategy.get("label_en")) or "crdkg"
    overview = page.run("strategy-overview")
    regions = page.run("macro-regions")
    content = (f"<h2>{w['glance']}</h2>{page.table(overview, ['aspect', 'item', 'detail'])}"
               f"<h2>{w['regions']}</h2>{page.table(regions)}"
               f'<p><a href="{page.href("/map")}">{w["map"]} →</a></p>')
    dataset = _dataset(page)
    if dataset is None:
        return page.layout(title, content)
    links = "".join(f'<li><a href="{html.escape(d["contentUrl"])}">{html.escape(d["name"])}</a></li>'
                    for d in dataset.get("distribution", []))
    content += (f"<h2>{w['downloads']}</h2><p>{w['download_note']}</p><ul>{links}</ul>"
                f"<h2>{w['cite']}</h2><p class=\"cite\">{html.escape(citation(dataset))}</p>")
    return page.layout(title, content, head=f'<script type="application/ld+json">{json_block(dataset)}</script>')


def citation(dataset: dict) -> str:
    """A reference to the dataset in the usual order (creator, year, title, version, identifier),
    from its schema.org description."""
    creator = dataset.get("creator", {}).get("name", "")
    year = str(dataset.get("dateModified", ""))[:4]
    return (f"{creator} ({year}). {dataset.get('name', '')} ({dataset.get('alternateName', '')}), "
            f"version {dataset.get('version', '')}. {dataset.get('identifier', '')}")


def _dataset(page: Page) -> dict | None:
    """The schema.org Dataset of the graph served, with the named graphs and the VoID
    description as its downloads (files of a static site; documents of the server); None on
    an engine without a graph of its own."""
    from ..export import description
    from ..schemaorg import dataset_jsonld
    from .linkeddata import DOCUMENT_PARTS

    graph = getattr(page.engine, "graph", None)
    if graph is None:
        return None
    if page.static is not None:
        files = [(f"graph/{part}.ttl", "text/turtle", page.relative(f"graph/{part}.ttl")) for part in DOCUMENT_PARTS]
        files.append(("void.ttl", "text/turtle", page.relative("void.ttl")))
    else:
        files = [(f"/graph/{part}", "text/turtle", f"/graph/{part}?format=turtle") for part in DOCUMENT_PARTS]
        files.append(("/.well-known/void", "text/turtle", "/.well-known/void?format=turtle"))
    return dataset_jsonld(graph, description(graph, statistics=False), distributions=files)


#: the topics of the query index, in order: readers' questions first, the tools of the trade last;
#: a query goes under its first tag (its header's ``tags``)
TOPICS = {
    "en": {"summary": "The strategy at a glance", "strategies": "Strategies", "tasks": "Tasks",
           "initiatives": "Initiatives", "goals": "Goals", "mechanisms": "Coordination mechanisms",
           "regions": "Regions and divisions", "places": "Prefectures and counties",
           "areas": "Areas the strategy targets", "statistics": "Statistics", "provenance": "Sources and evidence",
           "lookup": "Look-ups (for programs)", None: "Other"},
    "zh": {"summary": "战略概览", "strategies": "战略", "tasks": "任务", "initiatives": "举措", "goals": "目标",
           "mechanisms": "协调机制", "regions": "区域与行政区", "places": "地级与县级行政区",
           "areas": "战略针对的区域", "statistics": "统计数据", "provenance": "来源与依据",
           "lookup": "查找（供程序使用）", None: "其他"},
}


def queries(page: Page) -> str:
    """The stored queries grouped by topic, in the order of :data:`TOPICS`."""
    topics = TOPICS[page.lang]
    groups: dict[str | None, list[StoredQuery]] = {t: [] for t in topics}
    for q in catalogue():
        first = q.tags[0] if q.tags else None
        groups[first if first in topics else None].append(q)
    sections = []
    for topic, listed in groups.items():
        if not listed:
            continue
        rows = "".join(f'<tr><td><a href="{page.href("/queries/" + q.name)}">{html.escape(q.name)}</a></td>'
                       f"<td>{html.escape(q.summary)}</td></tr>" for q in listed)
        sections.append(f'<h2 id="topic-{html.escape(topic or "other")}">{html.escape(topics[topic])}</h2>'
                        f"<table><tbody>{rows}</tbody></table>")
    return page.layout(page.words["queries"], "".join(sections))


def query(page: Page, name: str, given: dict[str, str]) -> str:
    q = catalogue()[name]
    fields = []
    for p in q.params:
        value = html.escape(given.get(p.name, "") or "")
        label = f"{html.escape(p.name)}{'' if p.required else ' (optional)'}: {html.escape(p.description)}"
        if p.type == "enum":
            chosen = given.get(p.name, page.lang if p.name == "lang" else p.default or "")
            options = "".join(f'<option{" selected" if v == chosen else ""}>{html.escape(v)}</option>'
                              for v in p.values)
            control = f'<select name="{html.escape(p.name)}">{options}</select>'
        else:
            placeholder = html.escape(p.example or p.default or "")
            control = f'<input name="{html.escape(p.name)}" value="{value}" placeholder="{placeholder}">'
        fields.append(f"<label>{label}<br>{control}</label>")
    form = (f'<form method="get" action="/queries/{html.escape(name)}">{"".join(fields)}'
            f'<input type="hidden" name="lang" value="{page.lang}"><button type="submit">{page.words["run"]}</button>'
            f"</form>")
    result_html = ""
    needed = [p.name for p in q.params if p.required]
    if page.static is not None:  # no server to run the form: the result for the examples
        given = q.example_params()
        form = (f"<p>{html.escape(', '.join(f'{k}={v}' for k, v in given.items()))}</p>" if given else "")
    if all(given.get(n) for n in needed) and q.form == "select":
        params = {k: v for k, v in given.items() if v and k != "lang"}
        result_html = page.table(page.run(name, **params))
    description = f"<p>{html.escape(q.description)}</p>" if q.description else ""
    return page.layout(q.summary, description + form + result_html)


def resource(page: Page, iri: str) -> str:
    w = page.words
    node = ox.NamedNode(iri)
    labels = page.run("labels", resource=iri).records()[0]
    name = (labels.get("label_zh") if page.lang == "zh" else labels.get("label_en")) or labels.get("label_en") \
        or labels.get("label_zh")  # prefectures and counties have official names in Chinese only
    profile = page.run("resource-profile", resource=iri)
    rec = profile.records()
    out = [r for r in rec if _v(r["direction"]) == "out"]
    into = [r for r in rec if _v(r["direction"]) == "in"]

    def links(rows: list[dict[str, Term | None]]) -> str:
        if not rows:
            return f"<p>{w['none']}</p>"
        body = "".join(f"<tr><td>{page.link(r['property'], _v(r.get('property_label')))}</td>"
                       f"<td>{page.link(r['other'], _v(r.get('other_label')))}</td></tr>" for r in rows)
        return f"<table><tbody>{body}</tbody></table>"

    evidence = page.run("evidence", resource=iri).records()
    passages = []
    for e in evidence:
        if e.get("quote_en") is None and e.get("quote_zh") is None:
            continue
        document = f" · {page.link(e['document'])}" if e.get("document") is not None else ""
        passages.append(
            f'<div class="passage"><p>{page.link(e["source"], _v(e.get("source_label")))}{document}</p>'
            f'<blockquote lang="en">{html.escape(_v(e.get("quote_en")) or "")}</blockquote>'
            f'<blockquote lang="zh-Hans">{html.escape(_v(e.get("quote_zh")) or "")}</blockquote></div>')
    label_rows = "".join(f"<li>{html.escape(_v(labels.get(k)) or '')}</li>" for k in ("label_en", "label_zh")
                         if labels.get(k) is not None)
    division = _division_sections(page, iri)
    content = (f"<p><code>{html.escape(iri)}</code></p><h2>{w['labels']}</h2><ul>{label_rows}</ul>{division}"
               f"<h2>{w['links_out']}</h2>{links(out)}<h2>{w['links_in']}</h2>{links(into)}"
               f"<h2>{w['evidence']}</h2>{''.join(passages) or '<p>' + w['none'] + '</p>'}")
    return page.layout(_v(name) or short(node), content)


def _division_sections(page: Page, iri: str) -> str:
    """For an administrative division at any level: its profile (division-profile) and what
    in the strategy concerns it (targeting-region); nothing for any other resource."""
    from ..namespaces import CRD
    from ..querying import instance_test_for

    w = page.words
    if not instance_test_for(page.engine)(iri, CRD + "AdministrativeDivision"):
        return ""
    profile = page.run("division-profile", division=iri)
    targeted = page.run("targeting-region", region=iri)
    return (f"<h2>{w['profile']}</h2>{page.table(profile, ['relation', 'item', 'year', 'value', 'status'])}"
            f"<h2>{w['targeted']}</h2>{page.table(targeted, ['thing', 'how', 'via', 'status'])}")


def tile_map(page: Page, name: str | None, given: dict[str, str]) -> str:
    w = page.words
    divisions = page.run("divisions").records()
    marked: set[str] | None = None
    caption = ""
    if name:
        result = page.run(name, **{k: v for k, v in given.items() if k != "lang"})
        marked = {t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)}
        caption = f"<p>{html.escape(catalogue()[name].summary)}</p>"
    tiles = []
    for d in divisions:
        code, iri = _v(d["code"]) or "", _v(d["division"]) or ""
        if code not in TILES:
            continue
        col, row = TILES[code]
        region = _v(d.get("macro_region"))
        key = region.rsplit("/", 1)[-1] if region else None
        if marked is None:
            colour, state = COLOURS[key], key or "none"
        else:
            colour, state = (COLOURS["marked"], "marked") if iri in marked else (COLOURS["unmarked"], "unmarked")
        label = (_v(d.get("name_zh_short")) or _v(d.get("name_zh"))) if page.lang == "zh" else _v(d.get("name_en"))
        place = f"left:{col * 6}rem; top:{row * 4}rem; background:{colour}"
        link = page.href("/resource", iri=iri)
        tiles.append(f'<a class="tile" data-code="{code}" data-state="{state}" href="{link}" style="{place}">'
                     f"{html.escape(label or code)}</a>")
    entries: list[tuple[str, str]]
    if marked is None:
        regions = {(_v(r["region"]) or "").rsplit("/", 1)[-1]: _v(r.get("region_label"))
                   for r in page.run("macro-regions").records()}
        entries = [(COLOURS[k], lab or k) for k, lab in regions.items()]
        entries.append((COLOURS[None], w["not_in_region"]))
    else:
        entries = [(COLOURS["marked"], w["in_result"]), (COLOURS["unmarked"], w["not_in_result"])]
    legend = "".join(f'<span style="background:{c}"></span>{html.escape(t)}' for c, t in entries)
    content = (f"<p>{w['map_note']}</p>{caption}<p class=\"legend\"><strong>{w['legend']}</strong>{legend}</p>"
               f'<div class="tiles" style="height:{8 * 4}rem">{"".join(tiles)}</div>')
    return page.layout(w["map_title"], content)


def editor(page: Page) -> str:
    """The query editor: YASGUI (served by crdkg, no CDN) on this server's endpoint, with the
    stored queries to start from (their text runs as it is: the defaults are in the body)."""

    examples = {q.name: q.text for q in catalogue()}
    options = "".join(f'<option value="{html.escape(n)}">{html.escape(n)}</option>' for n in examples)
    # served: this server's endpoint and assets; in a static export: the configured endpoint,
    # and the assets copied into the site
    assets = html.escape(page.relative("static/")) if page.static is not None else "/static/"
    data = json_block({"examples": examples, "endpoint": page.endpoint if page.static is not None else None})
    script = f"""
<link rel="stylesheet" href="{assets}yasgui/yasgui.min.css">
<script src="{assets}yasgui/yasgui.min.js"></script>
<p><label>{html.escape(page.words["queries"])}:
<select id="examples"><option value=""></option>{options}</select></label></p>
<div id="yasgui"></div>
<script type="application/json" id="editor-data">{data}</script>
<script src="{assets}crdkg/editor.js"></script>"""
    return page.layout("SPARQL", script)


def json_block(value: object) -> str:
    """``value`` as JSON for a ``<script type="application/json">`` block: no ``<`` in it, so
    nothing in the data can end the block or open a tag."""
    import json

    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def api_docs(page: Page) -> str:
    """The documentation page of the stored-query API, made from its OpenAPI document: each
    query's path, its parameters (required or not, what they accept, default, example) and a
    request to try."""
    from .queries import openapi_document

    doc = openapi_document()
    parts = [f'<p>{html.escape(str(doc["info"]["description"]))} '  # type: ignore[index]
             f'<a href="/api/openapi.json">OpenAPI 3 (JSON)</a></p>']
    for path, item in doc["paths"].items():  # type: ignore[attr-defined]
        op = item["get"]
        params = [p for p in op["parameters"] if p["name"] != "format"]
        example = {p["name"]: p["example"] for p in params if "example" in p}
        try_it = path + ("?" + urllib.parse.urlencode(example) if example else "")
        rows = "".join(
            f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{'required' if p['required'] else 'optional'}</td>"
            f"<td>{html.escape(str(p['description']))}</td>"
            f"<td>{html.escape(str(p['schema'].get('default', '')))}</td>"
            f"<td>{html.escape(str(p.get('example', '')))}</td></tr>" for p in params)
        table = (f"<table><thead><tr><th>parameter</th><th></th><th>accepts</th><th>default</th><th>example</th>"
                 f"</tr></thead><tbody>{rows}</tbody></table>" if params else "")
        parts.append(f'<h2 id="{html.escape(op["operationId"])}"><code>GET {html.escape(path)}</code></h2>'
                     f"<p>{html.escape(op['summary'])}</p>{table}"
                     f'<p><a class="try" href="{html.escape(try_it)}">{html.escape(try_it)}</a> '
                     "(JSON; <code>?format=csv</code> or an Accept header for others)</p>")
    return page.layout("API", "".join(parts))
