"""crdkg benchmarks: cold start on the shipped graph, and load, query and validation times
with peak memory on synthetic graphs of 10k, 100k and 1M triples, each beside raw
pyoxigraph (and pySHACL) doing the same work. Prints figures; writes docs/benchmarks.md.

    python benchmarks/run.py                       # everything (about 45 minutes on 2 cores)
    python benchmarks/run.py --sizes 10000 --repeat 3 --no-write

Every load and validation runs in a fresh process, so that peak memory (ru_maxrss) is its
own; what is compared runs in turns (cold commands with the oxigraph command, crdkg's loads
with pyoxigraph's, each stored query with raw pyoxigraph on the same store, validation at
every size), so that a busy spell of the machine falls on both sides. Figures are medians of
--repeat runs (one run for the slow rdflib and pySHACL work at the largest sizes; the tables
say so).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BROKEN_EVERY = 400  # one county in this many gets an invalid code in the "with results" run
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    return median_times([fn], repeat)[0]


def median_times(fns, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    """The median time of each function, run in turns (so that a slow spell of the machine
    falls on all of them, not on one)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times, strict=True):
            t = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - t)
    return [statistics.median(spent) for spent in times]


# --- workers (each in its own process) -------------------------------------------------

def worker(task: dict) -> dict:
    kind = task["kind"]
    extra = [Path(f) for f in task.get("files", [])]
    repeat = task.get("repeat", 3)
    out: dict = {}
    if kind == "raw":
        import pyoxigraph as ox

        from crdkg import resources
        from crdkg.namespaces import GRAPHS

        t = time.perf_counter()
        store = ox.Store()
        graphs = []
        for part, paths in (("ontology", resources.ontology_files()), ("data", resources.data_files()),
                            ("input", extra)):
            g = ox.NamedNode(GRAPHS.get(part, "https://w3id.org/crdkg/graph/input"))
            graphs.append(g)
            for p in paths:
                store.load(path=str(p), format=ox.RdfFormat.TURTLE, to_graph=g)
        out["load"] = time.perf_counter() - t
    elif kind in ("crdkg", "crdkg-cached", "rdflib"):
        import pyoxigraph as ox

        from crdkg.api import embedded_engine
        from crdkg.catalogue import load_catalogue
        from crdkg.graph import load_graph
        from crdkg.querying import bind_parameters

        t = time.perf_counter()
        graph = load_graph(extra=extra, cache=(kind == "crdkg-cached"))
        engine = embedded_engine(kind="rdflib" if kind == "rdflib" else "oxigraph", graph=graph)
        out["load"] = time.perf_counter() - t
        if task.get("load_only"):
            out["peak_mb"] = peak_mb()
            return out
        out["queries"], out["lookup"], out["raw"] = {}, {}, {}
        cat = load_catalogue()
        default = graph.query_graphs()
        for q in cat:
            if task.get("only") and q.name not in task["only"]:
                continue
            params = q.example_params()
            t = time.perf_counter()
            bindings = bind_parameters(q, params, engine)
            out["lookup"][q.name] = time.perf_counter() - t
            ours = lambda q=q, bindings=bindings: engine.query(q.text, bindings=q.bindings(bindings))  # noqa: E731
            if kind != "crdkg":
                out["queries"][q.name] = median_time(ours, repeat)
                continue
            text = task["texts"][q.name]

            def raw(text: str = text) -> None:  # pyoxigraph itself, on the same store, with the text crdkg runs
                res = graph.store.query(text, default_graph=default)
                if isinstance(res, ox.QuerySolutions):
                    [tuple(s) for s in res]
                elif not isinstance(res, ox.QueryBoolean):
                    list(res)

            out["queries"][q.name], out["raw"][q.name] = median_times([ours, raw], repeat)
    elif kind == "crdkg-validate":
        from crdkg.validation import validate

        engine = task.get("engine", "sparql")
        times = []
        for _ in range(task.get("repeat", 1)):
            t = time.perf_counter()
            report = validate(files=extra, with_data=True, engine=engine)
            times.append(time.perf_counter() - t)
        out["validate"] = statistics.median(times)
        out["results"] = len(report.results)
    elif kind.startswith("engine-"):  # one SHACL engine on the same data and shapes files
        data_files, shape_files = task["data"], task["shapes"]
        times, results = [], None
        for _ in range(task.get("repeat", 1)):
            t = time.perf_counter()
            if kind == "engine-crdkg":
                from crdkg.validation import validate

                report = validate(files=data_files, extra_shapes=shape_files, shapes_only=True)
                results = len(report.results)
            elif kind == "engine-shacl-rs":
                import shacl

                rs = shacl.Shapes.from_file(task["shapes_joined"]).validate_file(task["data_joined"])
                results = len(rs.results)
            else:
                import pyshacl
                import rdflib

                data, shapes = rdflib.Graph(), rdflib.Graph()
                for f in data_files:
                    data.parse(f)
                for f in shape_files:
                    shapes.parse(f)
                _, graph, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
                results = len(list(graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#result"))))
            times.append(time.perf_counter() - t)
        out["validate"], out["results"] = statistics.median(times), results
    elif kind == "suite":  # the W3C SHACL test suite through one engine
        sys.path.insert(0, str(ROOT / "tests"))
        from crdkg.errors import InputError
        from crdkg.validation import validate
        from test_shacl_conformance import TESTS

        t = time.perf_counter()
        for _, data, shapes, _, _ in TESTS.values():
            try:
                validate(files=[data], extra_shapes=[shapes], shapes_only=True, engine=task["engine"])
            except InputError:
                pass
        out["validate"], out["tests"] = time.perf_counter() - t, len(TESTS)
    elif kind == "pyshacl":
        import pyshacl
        import rdflib

        from crdkg import resources

        t = time.perf_counter()
        data = rdflib.Graph()
        for p in [*resources.ontology_files(), *resources.data_files(), *extra]:
            data.parse(p)
        shapes = rdflib.Graph()
        for p in resources.shape_files():
            shapes.parse(p)
        conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
        out["validate"] = time.perf_counter() - t
        out["conforms"] = conforms
    out["peak_mb"] = peak_mb()
    return out


def spawn(task: dict, timeout: float = 3600) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--worker", json.dumps(task)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task['kind']} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the benchmark ---------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")).split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        mem = 0
    import pyoxigraph
    import pyshacl
    import rdflib

    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, "
            f"pyshacl {pyshacl.__version__}")


def bound_texts() -> dict[str, str]:
    """Each stored query's text with its example parameters bound, as crdkg would run it."""
    from crdkg.api import embedded_engine
    from crdkg.catalogue import load_catalogue
    from crdkg.querying import bind_parameters
    from crdkg.sparqltext import substitute, without_dataset

    engine = embedded_engine()
    # without the FROM clauses, as crdkg's embedded engine runs them (the oxigraph command
    # line queries its default graph, where `oxigraph load` puts the files)
    return {q.name: without_dataset(substitute(q.text, q.bindings(bind_parameters(q, q.example_params(), engine))))
            for q in load_catalogue()}


def cold_start(repeat: int, texts: dict[str, str]) -> list[tuple]:
    """Cold `crdkg query NAME` on the shipped graph beside `oxigraph query` on the same files."""
    from crdkg import resources
    from crdkg.catalogue import load_catalogue

    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    # the `crdkg` command that pip installed, as users run it (`python -m crdkg` adds runpy)
    script = Path(sys.executable).parent / "crdkg"
    crdkg = [str(script)] if script.is_file() else [sys.executable, "-m", "crdkg"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        loc = Path(tmp) / "store"
        files = [str(p) for p in [*resources.ontology_files(), *resources.data_files()]]
        subprocess.run([oxigraph, "load", "--location", str(loc), "--file", *files], check=True,
                       capture_output=True)
        for q in load_catalogue():
            graph_form = q.form in ("construct", "describe")
            args = [*crdkg, "query", q.name, "--format", "ntriples" if graph_form else "csv"]
            for k, v in q.example_params().items():
                args += ["--param", f"{k}={v}"]
            fmt = "nt" if graph_form else "csv"
            qfile = Path(tmp) / f"{q.name}.rq"
            # the oxigraph CLI queries its default graph, where `oxigraph load` put the files
            qfile.write_text(texts[q.name], encoding="utf-8")
            ox_args = [oxigraph, "query", "--location", str(loc), "--query-file", str(qfile),
                       "--results-format", fmt]
            ours, theirs = median_times(
                [lambda args=args: subprocess.run(args, check=True, capture_output=True, cwd=tmp),
                 lambda ox_args=ox_args: subprocess.run(ox_args, check=True, capture_output=True)], repeat)
            rows.append((q.name, ours, theirs, ours / theirs))
        validate = median_time(lambda: subprocess.run([*crdkg, "validate"], check=True, capture_output=True,
                                                       cwd=tmp), repeat)
        bare = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), repeat)
    rows.append(("(crdkg validate)", validate, None, None))
    rows.append(("(python -c pass)", bare, None, None))
    return rows


# A cold `crdkg query NAME --format csv`, step by step as the command line takes them, timed
# inside a fresh process (the interpreter's own start is measured apart, as `python -c pass`).
PHASES = """
import time
start = time.perf_counter()
marks = []
def mark(name):
    marks.append((name, time.perf_counter()))
from crdkg.cli import parse_args
args = parse_args({argv!r})
mark("crdkg.cli imported, arguments read")
import pyoxigraph
mark("pyoxigraph imported")
from crdkg import api, querying, results
from crdkg.engines import oxigraph
mark("the query path's modules imported")
engine = api.embedded_engine()
mark("shipped graph parsed ({{}} files)".format(sum(len(v) for v in engine.graph.files.values())))
query = api.catalogue()[args.name]
bindings = querying.bind_parameters(query, dict(args.param), engine)
mark("stored query read, parameters bound (with name lookups)")
result = engine.query(query.text, bindings=query.bindings(bindings))
mark("query answered")
text = results.write_result(result, args.format)
mark("CSV written")
import json, sys
last = start
out = []
for name, t in marks:
    out.append((name, t - last))
    last = t
print(json.dumps(out))
"""


def cold_phases(repeat: int) -> list[tuple[str, float, float]]:
    """Where a cold query's time goes: each step's median, for a query without name lookups
    and one with (seconds)."""
    plain = ["query", "macro-regions", "--format", "csv"]
    lookup = ["query", "divisions-in-region", "--param", "region=west", "--format", "csv"]
    runs: dict[str, list[list[float]]] = {}
    names: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for argv in (plain, lookup):
            code = PHASES.format(argv=argv)
            for _ in range(repeat):
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                     cwd=tmp)
                steps = json.loads(out.stdout.strip().splitlines()[-1])
                names = [n for n, _ in steps]
                runs.setdefault(argv[1], []).append([t for _, t in steps])
        bare = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), repeat)
    rows = [("Python starts (`python -c pass`)", bare, bare)]
    for i, name in enumerate(names):
        rows.append((name, statistics.median(r[i] for r in runs["macro-regions"]),
                     statistics.median(r[i] for r in runs["divisions-in-region"])))
    return rows


def instruction_counts() -> list[tuple[str, int]] | None:
    """Instructions executed by a cold query and by `oxigraph query`, counted by valgrind
    (the same on any host, unlike times); None where valgrind is not installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    import re

    from crdkg import resources

    bin_dir = Path(sys.executable).parent
    script = bin_dir / "crdkg"
    crdkg = [str(script)] if script.is_file() else [sys.executable, "-m", "crdkg"]
    oxigraph = shutil.which("oxigraph") or str(bin_dir / "oxigraph")
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        loc = str(Path(tmp) / "store")
        files = [str(p) for p in [*resources.ontology_files(), *resources.data_files()]]
        subprocess.run([oxigraph, "load", "--location", loc, "--file", *files], check=True, capture_output=True)
        qfile = Path(tmp) / "q.rq"
        qfile.write_text(bound_texts()["macro-regions"], encoding="utf-8")
        subprocess.run([*crdkg, "query", "macro-regions"], check=True, capture_output=True, cwd=tmp)  # headers cached
        for label, cmd in (("python -c pass", [sys.executable, "-c", "pass"]),
                           ("crdkg query macro-regions --format csv", [*crdkg, "query", "macro-regions",
                                                                       "--format", "csv"]),
                           ("crdkg query divisions-in-region --param region=west --format csv",
                            [*crdkg, "query", "divisions-in-region", "--param", "region=west", "--format", "csv"]),
                           ("oxigraph query (macro-regions)", [oxigraph, "query", "--location", loc, "--query-file",
                                                               str(qfile), "--results-format", "csv"])):
            out = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                                 capture_output=True, text=True, cwd=tmp)
            m = re.search(r"Collected : (\d+)", out.stderr)
            if out.returncode != 0 or m is None:
                return None
            counts.append((label, int(m.group(1))))
    return counts


def engines_section(args, generate) -> list[str]:  # type: ignore[no-untyped-def]
    """SHACL engines side by side (same data, same shapes, same results counted) and the W3C
    suite's run time per engine."""
    import importlib.util
    import tempfile

    from crdkg import resources

    lines = ["## SHACL engines side by side", ""]
    have_rs = importlib.util.find_spec("shacl") is not None
    lines += ["The shipped ontology, data and synthetic triples validated against the shipped shapes alone "
              "(`crdkg validate FILES --shapes SHAPES --shapes-only`: no quality checks), beside the Rust engine "
              "`shacl` (PyPI 0.3.4, the same files joined into one data file and one shapes file) and plain "
              "pySHACL (rdflib parse + `pyshacl.validate`). Times include parsing; crdkg and shacl: median of 3 "
              "runs, pySHACL one run; each in a fresh process."
              + ("" if have_rs else " (shacl is not installed: `make bench` installs it)"),
              "", "| triples | crdkg | peak | results | shacl (Rust) | peak | results | pySHACL | peak | results |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    work = Path(tempfile.mkdtemp(prefix="crdkg-engines-"))
    shapes = [str(p) for p in resources.shape_files()]
    joined_shapes = work / "shapes.ttl"
    joined_shapes.write_text("\n".join(Path(p).read_text(encoding="utf-8") for p in shapes), encoding="utf-8")
    for size in [int(s) for s in args.engines_sizes.split(",") if s]:
        synthetic = work / f"synthetic-{size}.ttl"
        generate(size, synthetic)
        data = [str(p) for p in [*resources.ontology_files(), *resources.data_files(), synthetic]]
        joined = work / f"data-{size}.ttl"
        joined.write_text("\n".join(Path(p).read_text(encoding="utf-8") for p in data), encoding="utf-8")
        task = {"data": data, "shapes": shapes, "data_joined": str(joined), "shapes_joined": str(joined_shapes)}
        ours = spawn({**task, "kind": "engine-crdkg", "repeat": 3}, timeout=7200)
        rs = spawn({**task, "kind": "engine-shacl-rs", "repeat": 3}, timeout=7200) if have_rs else None
        py = (spawn({**task, "kind": "engine-pyshacl"}, timeout=7200)
              if str(size) in args.engines_pyshacl_sizes.split(",") else None)
        cells = [f"{fmt_s(r['validate'])} | {r['peak_mb']:.0f} MB | {r['results']}" if r else "- | - | -"
                 for r in (ours, rs, py)]
        lines.append(f"| {size:,} + shipped | " + " | ".join(cells) + " |")
    shutil.rmtree(work, ignore_errors=True)
    lines += ["", "The W3C SHACL test suite (120 tests, `tests/conformance`) through each engine, in one process:", "",
              "| engine | time |", "|---|---|"]
    for engine in ("sparql", "pyshacl"):
        r = spawn({"kind": "suite", "engine": engine}, timeout=3600)
        lines.append(f"| crdkg --engine {engine} | {fmt_s(r['validate'])} |")
    lines.append("")
    return lines


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--validate-sizes", default="10000,100000,1000000")
    ap.add_argument("--rdflib-sizes", default="10000,100000")
    ap.add_argument("--pyshacl-engine-sizes", default="10000,100000",
                    help="sizes at which `crdkg validate --engine pyshacl` is measured too")
    ap.add_argument("--engines-sizes", default="10000,100000,1000000",
                    help="sizes at which crdkg, the Rust engine shacl and pySHACL validate side by side")
    ap.add_argument("--engines-pyshacl-sizes", default="10000,100000",
                    help="sizes at which plain pySHACL runs beside them (it takes minutes at 1M)")
    ap.add_argument("--only-engines", action="store_true",
                    help="run only the side-by-side SHACL engines and the W3C suite timings, print, write nothing")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cold-repeat", type=int, default=15,
                    help="runs of each cold command (they take milliseconds, and a busy host skews a few)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0

    import compileall

    from generate import generate

    # a wheel install has its bytecode compiled; a checkout where PYTHONDONTWRITEBYTECODE is set
    # would compile crdkg's modules on every run and measure that instead
    compileall.compile_dir(str(ROOT / "src" / "crdkg"), quiet=1)

    if args.only_engines:
        for line in engines_section(args, generate):
            print(line, flush=True)
        return 0

    report = ["# Benchmarks", "", f"Measured {time.strftime('%Y-%m-%d')} by `make bench` (`benchmarks/run.py`) on: "
              f"{machine()}.", "", "Each figure is the median of several runs in fresh processes; peak memory is the "
              "process's maximum resident set size.", ""]

    def emit(line: str = "") -> None:
        print(line, flush=True)
        report.append(line)

    texts = bound_texts()
    emit("## Cold start on the shipped graph")
    emit("")
    emit(f"`crdkg query NAME` (a new Python process that parses the shipped Turtle and answers) beside "
         f"`oxigraph query` (the Rust command line, on a store loaded once from the same files); "
         f"median of {args.cold_repeat} runs, the two commands in turns. Targets: at most 0.3 s, and within 3x "
         f"of `oxigraph query`; cold "
         f"`crdkg validate` at most 2 s.")
    emit("")
    emit("| query | crdkg | oxigraph CLI | ratio |")
    emit("|---|---|---|---|")
    rows = cold_start(args.cold_repeat, texts)
    for name, ours, theirs, ratio in rows:
        emit(f"| {name} | {fmt_s(ours)} | {fmt_s(theirs)} | {'-' if ratio is None else f'{ratio:.2f}x'} |")
    emit("")
    ratios = [ratio for _, _, _, ratio in rows if ratio is not None]
    emit(f"Largest ratio: {max(ratios):.2f}x; median ratio {statistics.median(ratios):.2f}x (target 3x).")
    emit("")
    emit("Where the time of a cold query goes (median of each step in fresh processes; `macro-regions` binds "
         "only its default language, `divisions-in-region --param region=west` also looks the region's name up):")
    emit("")
    emit("| step | macro-regions | divisions-in-region |")
    emit("|---|---|---|")
    for name, a, b in cold_phases(args.cold_repeat):
        emit(f"| {name} | {a * 1000:.1f} ms | {b * 1000:.1f} ms |")
    emit("")
    counts = instruction_counts()
    if counts:
        emit("Instructions executed (valgrind; the same on any machine, so a change in them is a change in "
             "the work, not in the host's load):")
        emit("")
        emit("| command | instructions |")
        emit("|---|---|")
        for label, n in counts:
            emit(f"| `{label}` | {n / 1e6:.1f} M |")
        emit("")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    vsizes = {int(s) for s in args.validate_sizes.split(",") if s}
    rsizes = {int(s) for s in args.rdflib_sizes.split(",") if s}
    psizes = {int(s) for s in args.pyshacl_engine_sizes.split(",") if s}
    validation: list[tuple] = []
    work = ROOT / "benchmarks" / "out"
    work.mkdir(exist_ok=True)
    cache = Path(tempfile.mkdtemp(prefix="crdkg-bench-cache-"))
    os.environ["CRDKG_CACHE_DIR"] = str(cache)
    for size in sizes:
        path = work / f"synthetic-{size}.ttl"
        n = generate(size, path)
        mb = path.stat().st_size / 1e6
        repeat = args.repeat if size < 1_000_000 else max(1, args.repeat // 2)
        emit(f"## {n:,} synthetic triples (+ the shipped graph), {mb:.0f} MB of Turtle")
        emit("")
        # loads: raw pyoxigraph and crdkg in turns, each in a fresh process
        loads: dict[str, list[dict]] = {"raw": [], "crdkg": []}
        for _ in range(repeat):
            loads["raw"].append(spawn({"kind": "raw", "files": [str(path)]}))
            loads["crdkg"].append(spawn({"kind": "crdkg", "files": [str(path)], "load_only": True}))
        raw = {k: statistics.median(r[k] for r in loads["raw"]) for k in ("load", "peak_mb")}
        ours = spawn({"kind": "crdkg", "files": [str(path)], "texts": texts, "repeat": repeat})
        ours["load"] = statistics.median(r["load"] for r in loads["crdkg"])
        ours["peak_mb"] = statistics.median(r["peak_mb"] for r in loads["crdkg"])
        spawn({"kind": "crdkg-cached", "files": [str(path)], "repeat": 1, "only": ["about"]})  # builds the cache
        cached = spawn({"kind": "crdkg-cached", "files": [str(path)], "repeat": repeat})
        rdf = spawn({"kind": "rdflib", "files": [str(path)], "repeat": 1}) if size in rsizes else None
        emit(f"Load (median of {repeat}, raw pyoxigraph and crdkg in turns): raw pyoxigraph {fmt_s(raw['load'])}; "
             f"crdkg {fmt_s(ours['load'])} "
             f"({ours['load'] / raw['load']:.2f}x); crdkg from its cache {fmt_s(cached['load'])}"
             + (f"; rdflib engine {fmt_s(rdf['load'])}" if rdf else "") + ". "
             f"Peak memory once loaded: raw {raw['peak_mb']:.0f} MB, crdkg {ours['peak_mb']:.0f} MB"
             + (f", rdflib engine {rdf['peak_mb']:.0f} MB" if rdf else "") + ".")
        emit("")
        emit(f"Queries (median of {repeat}; crdkg's engine and raw pyoxigraph run in turns on the same store, "
             f"pyoxigraph with the text crdkg runs; `lookup` is crdkg's resolution of names given as parameters, "
             f"run once before the query; the ratio compares the query itself):")
        emit("")
        emit("| query | raw pyoxigraph | crdkg | ratio | lookup | crdkg (cached store) | rdflib engine |")
        emit("|---|---|---|---|---|---|---|")
        worst = 0.0
        for name in texts:
            r, o = ours["raw"][name], ours["queries"][name]
            ratio = o / r if r > 0 else 1.0
            worst = max(worst, ratio if r > 0.01 else 1.0)
            emit(f"| {name} | {fmt_s(r)} | {fmt_s(o)} | {ratio:.2f}x | {fmt_s(ours['lookup'][name])} | "
                 f"{fmt_s(cached['queries'][name])} | {fmt_s(rdf['queries'][name]) if rdf else '-'} |")
        emit("")
        emit(f"Largest ratio among queries that take over 10 ms raw: {worst:.2f}x (target 1.5x).")
        emit("")
        if size in vsizes:
            validation.append((n, size, path))
    if validation:
        # crdkg's validation at every size in turns, three rounds, so that the growth between
        # sizes compares runs made under the same load of the machine
        runs: dict[int, list[dict]] = {n: [] for n, _, _ in validation}
        for _ in range(3):
            for n, _, path in validation:
                runs[n].append(spawn({"kind": "crdkg-validate", "files": [str(path)], "repeat": 1}, timeout=7200))
        measured = []
        for n, size, path in validation:
            v = {"validate": statistics.median(r["validate"] for r in runs[n]),
                 "peak_mb": statistics.median(r["peak_mb"] for r in runs[n]), "results": runs[n][0]["results"]}
            e = (spawn({"kind": "crdkg-validate", "files": [str(path)], "engine": "pyshacl"}, timeout=7200)
                 if size in psizes else None)
            p = spawn({"kind": "pyshacl", "files": [str(path)]}, timeout=7200)
            broken = work / f"synthetic-{size}-broken.ttl"
            generate(size, broken, broken_every=BROKEN_EVERY)
            b = spawn({"kind": "crdkg-validate", "files": [str(broken)], "repeat": 1}, timeout=7200)
            measured.append((n, v, e, p, b))
        validation = measured
        emit("## Validation")
        emit("")
        emit("The SHACL shapes and the quality checks, on the synthetic triples with the shipped ontology and "
             "data (`crdkg validate FILE --with-data`): crdkg's default engine (shapes compiled to SPARQL on "
             "Oxigraph; median of 3 rounds, each running every size in turn), crdkg with `--engine pyshacl` "
             "(one run), and plain pySHACL on the "
             "same data and shapes (rdflib parse + `pyshacl.validate`, no quality checks; one run). Targets at "
             "1M triples: no slower than plain pySHACL, at most linear growth from 100k, peak memory under 2 GB.")
        emit("")
        emit(f"`with results`: the same graph with one county in {BROKEN_EVERY:,} given an invalid code, so that "
             f"each of those results is reported with its file and line (one run).")
        emit("")
        emit("| triples | crdkg validate | peak | results | with results | results | crdkg --engine pyshacl | peak "
             "| plain pySHACL | peak | crdkg / plain |")
        emit("|---|---|---|---|---|---|---|---|---|---|---|")
        for n, v, e, p, b in validation:
            reference = f"{fmt_s(e['validate'])} | {e['peak_mb']:.0f} MB" if e else "- | -"
            emit(f"| {n:,} | {fmt_s(v['validate'])} | {v['peak_mb']:.0f} MB | {v['results']} | "
                 f"{fmt_s(b['validate'])} | {b['results']} | {reference} | "
                 f"{fmt_s(p['validate'])} | {p['peak_mb']:.0f} MB | {v['validate'] / p['validate']:.2f}x |")
        emit("")
        for (n1, v1, *_), (n2, v2, *_) in itertools.pairwise(validation):
            emit(f"Growth from {n1:,} to {n2:,} triples ({n2 / n1:.1f}x the data): crdkg validate "
                 f"{v2['validate'] / v1['validate']:.1f}x the time, {v2['peak_mb'] / v1['peak_mb']:.1f}x the memory.")
        emit("")
    for line in engines_section(args, generate):
        emit(line)
    shutil.rmtree(cache, ignore_errors=True)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
