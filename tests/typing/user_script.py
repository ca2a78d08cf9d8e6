"""A user's script, type-checked with ``mypy --strict`` by tests/test_typing.py: what the
public API promises its callers' type checkers."""

from __future__ import annotations

import crdkg

summary: str = crdkg.catalogue()["macro-regions"].summary
params: list[str] = [p.name for p in crdkg.catalogue()["divisions-in-region"].params]

result = crdkg.run_query("divisions-in-region", region="west")
codes: list[str] = [str(row["code"]) for row in result.values()]
terms = result.records()
variables: tuple[str, ...] = result.variables

engine = crdkg.endpoint_engine("http://127.0.0.1:9/query", timeout=5.0)
report = crdkg.validate(files=["mine.ttl"], shapes_only=False)
ok: bool = report.conforms()
lines: list[tuple[str | None, int | None, str]] = [(r.file, r.line, r.message) for r in report.results]
written: list[str] = [str(p) for p in crdkg.export_graph("dist")]
