"""The pages' structure, rendered in process (the served pages in a browser: tests/test_browser.py)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_query_index_listed_37_names_alphabetically_and_now_groups_them_by_topic(engine, lang):
    """Readers' questions first (the strategy at a glance, strategies, tasks, ...), statistics
    together, the look-ups for programs last; every stored query once, under its first tag."""
    from crdkg.api import catalogue
    from crdkg.web.pages import Page, queries

    page = queries(Page(engine, lang, "/queries", ""))
    sections = re.findall(r'<h2 id="topic-([a-z]+)">[^<]+</h2><table><tbody>(.*?)</tbody></table>', page)
    assert [topic for topic, _ in sections] == ["summary", "strategies", "tasks", "initiatives", "goals", "mechanisms",
                                                "regions", "places", "areas", "statistics", "provenance", "lookup"]
    listed = {topic: re.findall(r">([a-z-]+)</a></td>", rows) for topic, rows in sections}
    names = [n for group in listed.values() for n in group]
    assert sorted(names) == sorted(catalogue().names()) and len(names) == len(set(names))
    assert {"disparity-by-year", "division-series", "observations"} <= set(listed["statistics"])
    assert "divisions-within" in listed["regions"] and "find-exact" in listed["lookup"]
    if lang == "zh":
        assert '<h2 id="topic-statistics">统计数据</h2>' in page
