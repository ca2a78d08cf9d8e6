"""How long the statistics queries take on the embedded engine: on the shipped cube (about
2,100 observations) and on synthetic ones over 25 years of 1,400 divisions (70,000
observations) and of all 2,800 county-level divisions (140,000: a GDP and a population
figure for each division and year). For each stored
query of the statistics: the first run (which parses the statistics part, deferred until a
query reads it) and the median of five more. Prints the figures and writes
docs/benchmarks-disparity.md. The target is interactive: under 0.5 s a query.

    python benchmarks/disparity.py [--divisions 1400,2800] [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crdkg import resources  # noqa: E402
from crdkg.api import embedded_engine  # noqa: E402
from crdkg.catalogue import load_catalogue  # noqa: E402
from crdkg.graph import load_graph  # noqa: E402
from crdkg.querying import run_stored  # noqa: E402
from generate import statistics_cube  # noqa: E402

PARAMS = {"division-series": {"division": "division:510000"}, "divisions-by-year": {"year": "2020"}}
TARGET = 0.5


def measure(files: dict[str, list[str]] | None) -> tuple[float, list[tuple[str, float, float, int]]]:
    """Seconds to parse the statistics part, and per query: first run, median of five, rows."""
    catalogue = load_catalogue()
    names = [q.name for q in catalogue if "statistics" in q.tags]
    graph = load_graph(files=files) if files else load_graph()
    started = time.perf_counter()
    graph.parse_pending(["statistics"])
    parse = time.perf_counter() - started
    engine = embedded_engine(graph=graph)
    out = []
    for name in names:
        query = catalogue[name]
        params = PARAMS.get(name, {})
        started = time.perf_counter()
        rows = len(run_stored(query, engine, params))
        first = time.perf_counter() - started
        times = []
        for _ in range(5):
            started = time.perf_counter()
            run_stored(query, engine, params)
            times.append(time.perf_counter() - started)
        out.append((name, first, statistics.median(times), rows))
    return parse, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--divisions", default="1400,2800", help="sizes of the synthetic cubes, comma-separated")
    ap.add_argument("--no-write", action="store_true", help="print the figures only")
    args = ap.parse_args()
    sections = []
    with tempfile.TemporaryDirectory() as tmp:
        structure = [str(p) for p in resources.part_files("statistics") if p.name == "structure.ttl"]
        cubes: list[tuple[str, dict[str, list[str]] | None]] = [("shipped cube (2,108 observations)", None)]
        for size in (int(d) for d in args.divisions.split(",")):
            cube = Path(tmp) / f"cube-{size}.ttl"
            observations = statistics_cube(cube, divisions=size)
            cubes.append((f"synthetic cube: {size:,} divisions x 25 years ({observations:,} observations)",
                          {"statistics": [*structure, str(cube)]}))
        for title, files in cubes:
            parse, rows = measure(files)
            lines = [f"### {title}", "", f"Parsing the statistics part: {parse:.3f} s", "",
                     "| query | first run (s) | median of 5 (s) | rows | under 0.5 s |", "|---|---|---|---|---|"]
            for name, first, median, n in rows:
                lines.append(f"| {name} | {first:.3f} | {median:.3f} | {n} | {'yes' if median < TARGET else 'NO'} |")
            sections.append("\n".join(lines))
            print("\n".join(lines) + "\n")
    if not args.no_write:
        import platform

        head = ("# Statistics queries: benchmark figures\n\nWritten by `benchmarks/disparity.py` "
                f"({time.strftime('%Y-%m-%d')}; Python {platform.python_version()}, {platform.machine()}, "
                "2 cores). Embedded engine (pyoxigraph), one process; the median excludes the first run.\n\n")
        (ROOT / "docs" / "benchmarks-disparity.md").write_text(head + "\n\n".join(sections) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
