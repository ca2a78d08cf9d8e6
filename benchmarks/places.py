"""Cold CPU of the commands that the prefecture- and county-level layer changes (issue 28):
queries that read no place below the provinces (they must keep their cold speed: they do not
parse the new layer), queries that do (target: at most 0.5 s of CPU, cold), and a cold
`crdkg validate` of the whole shipped graph (it must stay linear in the data). Each command
runs in a fresh process; the figure is the median CPU time (user + system) of --repeat runs.

    python benchmarks/places.py                     # this checkout
    python benchmarks/places.py --root OTHER_CHECKOUT --label before

Prints a Markdown table; --write appends it to docs/benchmarks-places.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

COMMANDS = [
    ("macro-regions (no places)", ["query", "macro-regions", "--format", "csv"]),
    ("strategy-overview (no places)", ["query", "strategy-overview", "--format", "csv"]),
    ("divisions-in-region west (no places)",
     ["query", "divisions-in-region", "--param", "region=west", "--format", "csv"]),
    ("targeting-region 四川 (reads places)",
     ["query", "targeting-region", "--param", "region=四川", "--format", "csv"]),
    ("targeting-region 峨边 (a county)", ["query", "targeting-region", "--param", "region=峨边", "--format", "csv"]),
    ("division-profile 511132 (places and census)", ["query", "division-profile", "--param", "division=511132",
                                                     "--format", "csv"]),
    ("divisions-within 510000 (183 + 21 rows)", ["query", "divisions-within", "--param", "region=510000",
                                                 "--format", "csv"]),
    ("code-history 110103", ["query", "code-history", "--param", "code=110103", "--format", "csv"]),
    ("validate (the whole shipped graph)", ["validate"]),
]


def cpu_of(argv: list[str], root: Path) -> float | None:
    """CPU seconds (user + system) of one run of ``crdkg ARGV`` from the checkout ``root``;
    None when the command fails there (a query that checkout does not have)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    proc = subprocess.run([sys.executable, "-m", "crdkg", *argv], cwd=root, env=env, capture_output=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        return None
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=HERE.parent, help="the checkout to measure (default: this one)")
    ap.add_argument("--label", default="this checkout", help="the column heading for these figures")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="append the table to docs/benchmarks-places.md")
    args = ap.parse_args()
    lines = [f"| command | CPU, cold ({args.label}) |", "|---|---|"]
    for name, argv in COMMANDS:
        runs = [cpu_of(argv, args.root) for _ in range(args.repeat)]
        figure = "n/a" if None in runs else f"{statistics.median(runs) * 1000:.0f} ms"  # type: ignore[type-var]
        lines.append(f"| {name} | {figure} |")
        print(lines[-1], flush=True)
    if args.write:
        with open(HERE.parent / "docs" / "benchmarks-places.md", "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
