"""The ``crdkg`` command line: a thin layer over the Python API.

Exit codes: 0 success (the data conforms); 1 the data does not conform; 2 bad input
(a file that does not parse, a bad parameter, an endpoint or store that fails).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_ERROR, EXIT_OK, CrdkgError

EPILOG = "Exit codes: 0 success or conforms; 1 does not conform; 2 bad input or endpoint error."


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized with os.get_terminal_size: argparse builds one for every
    argument it adds, and its own sizing imports shutil (with bz2 and lzma), 4 ms of every
    cold command."""

    def __init__(self, prog: str, **kwargs: object) -> None:
        if kwargs.get("width") is None:
            try:
                columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size().columns
            except (OSError, ValueError):
                columns = 80
            kwargs["width"] = max(columns - 2, 40)
        super().__init__(prog, **kwargs)  # type: ignore[arg-type]


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


def _engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--endpoint", metavar="URL",
                   help="run on this SPARQL 1.1 endpoint instead of the embedded graph "
                        "(credentials: CRDKG_ENDPOINT_USER/CRDKG_ENDPOINT_PASSWORD or CRDKG_ENDPOINT_TOKEN)")
    g.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph",
                   help="embedded engine (default: oxigraph)")
    g.add_argument("--data", type=Path, action="append", default=[], metavar="FILE",
                   help="an RDF file of your own to query together with the shipped graph (repeatable; "
                        "inputs of 4 MB and more are parsed once into an on-disk store, see CRDKG_CACHE_DIR)")
    g.add_argument("--no-cache", action="store_true",
                   help="parse --data files into memory every time (slower to start; faster for heavy queries)")
    g.add_argument("--default-graph", metavar="IRI", action="append",
                   help="with --endpoint: a graph to query as the default graph (repeatable; "
                        "default: crdkg's ontology and data graphs)")
    g.add_argument("--store-default-graph", action="store_true",
                   help="with --endpoint: query the store's own default graph")
    g.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="with --endpoint: seconds to wait for an answer (default: 30)")


def _make_engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from . import api

    if args.endpoint:
        graphs = [] if args.store_default_graph else args.default_graph
        return api.endpoint_engine(args.endpoint, default_graphs=graphs, timeout=args.timeout)
    for path in args.data:
        if not path.is_file():
            from .errors import InputError

            raise InputError("no such file", path=str(path))
    return api.embedded_engine(kind=args.engine, data=args.data, cache=False if args.no_cache else None)


HELP = {
    "info": "what the graph holds: triples, instances per class, ontology version",
    "queries": "list the stored queries",
    "query": "run a stored query by NAME, or ad hoc SPARQL",
    "validate": "validate the shipped graph, or your RDF files, against the shapes",
    "export": "write the graph as files that triple stores bulk-load",
    "load": "load the graph into a triple store, replacing crdkg's own named graphs only",
    "format": "rewrite Turtle files in the canonical form (or --check them)",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, the arguments of that one command alone (a cold
    command does not pay for building the others)."""
    parser = argparse.ArgumentParser(
        prog="crdkg",
        description="A knowledge graph of China's strategy for coordinated regional development: "
                    "query it, validate it, export it and load it into a triple store.",
        epilog=EPILOG, formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"crdkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, text in HELP.items():
        if only is None or only == name:  # each subparser is a whole ArgumentParser: build the one in use
            ARGUMENTS[name](sub.add_parser(name, help=text, epilog=EPILOG, formatter_class=_Formatter))
    return parser


def _info_args(p: argparse.ArgumentParser) -> None:

    _engine_options(p)
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")


def _queries_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")


def _query_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="name of a stored query (see 'crdkg queries')")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--query", metavar="TEXT", help="ad hoc SPARQL query text")
    src.add_argument("--file", metavar="FILE", type=Path, help="file holding a SPARQL query")
    p.add_argument("-p", "--param", action="append", type=_param, default=[], metavar="NAME=VALUE",
                   help="a parameter of the stored query (repeatable)")
    p.add_argument("--lang", choices=("en", "zh"), help="label language, for queries with a 'lang' parameter")
    p.add_argument("--format", default="table",
                   choices=("table", "csv", "tsv", "json", "xml", "markdown", "turtle", "ntriples", "jsonld"))
    _engine_options(p)


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="RDF files to validate (with the shipped ontology); none: the shipped graph")
    p.add_argument("--with-data", action="store_true", help="merge in the shipped data too")
    p.add_argument("--shapes", type=Path, action="append", default=[], metavar="FILE",
                   help="a shapes file of your own, used with the shipped shapes (repeatable)")
    p.add_argument("--inference", choices=("none", "rdfs", "owlrl"), default="none",
                   help="inference before validation (default: none, the fastest; the shapes "
                        "follow rdfs:subClassOf in the ontology without it)")
    p.add_argument("--engine", choices=("sparql", "pyshacl"), default="sparql",
                   help="how the shapes run: sparql (default) compiles them to SPARQL on the embedded "
                        "Oxigraph store, and leaves shapes with features it does not compile to pySHACL; "
                        "pyshacl runs all of them with pySHACL (also chosen by --inference rdfs|owlrl)")
    p.add_argument("--format", choices=("text", "json", "turtle", "junit", "github"), default="text")
    p.add_argument("--fail-on", choices=("violation", "warning", "info"), default="violation",
                   help="the least severity that makes the exit code 1 (default: violation)")
    p.add_argument("--no-checks", action="store_true", help="run the SHACL shapes only, not the quality checks")
    p.add_argument("--no-shapes", action="store_true", help="run the quality checks only")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("nt", "nq", "trig", "ttl", "jsonld"), action="append",
                   help="format to write (repeatable; default: all)")
    p.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR", help="output folder (default: dist)")


def _load_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--endpoint", metavar="URL", help="the store's SPARQL 1.1 Graph Store HTTP Protocol URL")
    p.add_argument("--update-endpoint", metavar="URL", help="the store's SPARQL 1.1 Update URL")
    p.add_argument("--query-endpoint", metavar="URL", help="the store's SPARQL query URL, for verification")
    p.add_argument("--verify-queries", action="store_true",
                   help="after loading, run every stored query there and compare with the embedded results")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar (auto: on a terminal and not in CI)")


def _format_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="Turtle files (default: the shipped ontology, shapes and data)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")


ARGUMENTS = {
    "info": _info_args,
    "queries": _queries_args,
    "query": _query_args,
    "validate": _validate_args,
    "export": _export_args,
    "load": _load_args,
    "format": _format_args,
}


def cmd_info(args: argparse.Namespace) -> int:
    from .info import graph_info, render_info

    engine = _make_engine(args)
    print(render_info(graph_info(engine), args.format, engine.describe()), end="")
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
    from .api import catalogue
    from .info import render_catalogue

    print(render_catalogue(list(catalogue()), args.format), end="")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from .errors import QueryError
    from .results import write_result

    params = dict(args.param)
    sources = [x for x in (args.name, args.query, args.file) if x is not None]
    if len(sources) != 1:
        raise QueryError("give exactly one of NAME, --query TEXT or --file FILE")
    engine = _make_engine(args)
    if args.name:
        from .api import catalogue
        from .querying import run_stored

        stored = catalogue()[args.name]
        if args.lang:
            if stored.param("lang") is None:
                raise QueryError(f"query {stored.name!r} returns no labels to choose a language for")
            params["lang"] = args.lang
        result = run_stored(stored, engine, params)
    else:
        if params:
            raise QueryError("--param goes with a stored query NAME; ad hoc queries take no parameters")
        if args.file is not None:
            try:
                text = args.file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise QueryError(f"{args.file}: cannot read the query: {err}") from None
        else:
            text = args.query
        result = engine.query(text)
    sys.stdout.write(write_result(result, args.format))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import validate
    from .validation.report import render

    report = validate(files=args.files, with_data=args.with_data, inference=args.inference,
                      shapes=not args.no_shapes, checks=not args.no_checks, extra_shapes=args.shapes,
                      engine=args.engine)
    sys.stdout.write(render(report, args.format))
    return report.exit_code(fail_on=args.fail_on)


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_graph

    for path in export_graph(args.out, formats=args.format):
        print(path)
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    from .store import load_into_store

    summary = load_into_store(gsp=args.endpoint, update=args.update_endpoint, query=args.query_endpoint,
                              verify_queries=args.verify_queries, timeout=args.timeout, progress=args.progress)
    print(summary)
    return EXIT_OK


def cmd_format(args: argparse.Namespace) -> int:
    from . import resources
    from .formatting import format_files

    files = args.files or [*resources.ontology_files(), *resources.shape_files(), *resources.data_files()]
    changed = format_files(files, check=args.check)
    for path in changed:
        print(f"{path}: {'not in canonical form' if args.check else 'rewritten'}")
    return 1 if (args.check and changed) else EXIT_OK


COMMANDS = {
    "info": cmd_info,
    "queries": cmd_queries,
    "query": cmd_query,
    "validate": cmd_validate,
    "export": cmd_export,
    "load": cmd_load,
    "format": cmd_format,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(only=command if command in ARGUMENTS else None)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CrdkgError as err:
        print(f"crdkg: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("crdkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except FileNotFoundError as err:
        print(f"crdkg: error: {err}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
