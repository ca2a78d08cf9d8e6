"""The ``crdkg`` command line: a thin layer over the Python API.

Exit codes: 0 success (the data conforms); 1 the data does not conform; 2 bad input
(a file that does not parse, a bad parameter, an endpoint or store that fails).
"""

from __future__ import annotations

import os
import sys

from . import __version__, choices
from .argv import Arg, Exclusive, Group, Namespace, build_parser, quick_parse
from .errors import EXIT_ERROR, EXIT_OK, CrdkgError

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

EPILOG = "Exit codes: 0 success or conforms; 1 does not conform; 2 bad input or endpoint error."
DESCRIPTION = ("A knowledge graph of China's strategy for coordinated regional development: "
               "query it, validate it, export it and load it into a triple store.")


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        import argparse

        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


# Paths stay text here (the cold-path rule, docs/cold-path.md); the API takes either.
ENGINE_OPTIONS = Group(
    "engine",
    Arg("--endpoint", metavar="URL",
        help="run on this SPARQL 1.1 endpoint instead of the embedded graph "
             "(credentials: CRDKG_ENDPOINT_USER/CRDKG_ENDPOINT_PASSWORD or CRDKG_ENDPOINT_TOKEN)"),
    Arg("--engine", choices=choices.QUERY_ENGINES, default="oxigraph", help="embedded engine (default: oxigraph)"),
    Arg("--data", action="append", default=[], metavar="FILE",
        help="an RDF file of your own to query together with the shipped graph (repeatable)"),
    Arg("--cache", action="store_true",
        help="open --data files of 4 MB and more from an on-disk store built once (fast to start, "
             "slower for queries that follow many links; also CRDKG_CACHE=1)"),
    Arg("--no-cache", action="store_true", help="parse --data files into memory (the default)"),
    Arg("--default-graph", metavar="IRI", action="append",
        help="with --endpoint: a graph to query as the default graph (repeatable; "
             "default: crdkg's ontology, data and statistics graphs)"),
    Arg("--store-default-graph", action="store_true", help="with --endpoint: query the store's own default graph"),
    Arg("--timeout", type=float, metavar="SECONDS",
        help="with --endpoint: seconds to wait for an answer (default: 30)"),
)

HELP = {
    "info": "what the graph holds: triples, instances per class, ontology version",
    "queries": "list the stored queries",
    "query": "run a stored query by NAME, or ad hoc SPARQL",
    "validate": "validate the shipped graph, or your RDF files, against the shapes",
    "export": "write the graph as files that triple stores bulk-load",
    "load": "load the graph into a triple store, replacing crdkg's own named graphs only",
    "release": "write a release: the graph in every format, the statistics as CSV and JSON-stat, checksums",
    "diff": "the resources two versions of the graph add, remove and change (releases, files or git revisions)",
    "format": "rewrite Turtle files in the canonical form (or --check them)",
    "serve": "serve the graph over HTTP: a SPARQL endpoint and the stored queries as an API",
    "site": "write the pages of crdkg serve as static files",
    "redirects": "write the .htaccess that makes https://w3id.org/crdkg/ IRIs resolve at a host of crdkg's",
}

ARGUMENTS: dict[str, list[Arg | Group | Exclusive]] = {
    "info": [
        ENGINE_OPTIONS,
        Arg("--format", choices=choices.LISTING_FORMATS, default="table"),
    ],
    "queries": [
        Arg("name", nargs="?", help="a stored query to describe, with its parameters and an example"),
        Arg("--format", choices=choices.LISTING_FORMATS, default="table"),
    ],
    "query": [
        Arg("name", nargs="?", help="name of a stored query (see 'crdkg queries')"),
        Exclusive(
            Arg("--query", metavar="TEXT", help="ad hoc SPARQL query text"),
            Arg("--file", metavar="FILE", help="file holding a SPARQL query"),
        ),
        Arg("-p", "--param", action="append", type=_param, default=[], metavar="NAME=VALUE",
            help="a parameter of the stored query (repeatable)"),
        Arg("--lang", choices=choices.LANGUAGES, help="label language, for queries with a 'lang' parameter"),
        Arg("--allow-service", action="store_true",
            help="let an ad hoc query on the embedded graph call remote endpoints (SERVICE); "
                 "without it such a query is refused and nothing reaches the network"),
        Arg("--format", default="table",
            choices=choices.TABLE_FORMATS + choices.GRAPH_FORMATS),
        Arg("--no-iris", action="store_true",
            help="leave out the columns whose values are all IRIs (labels, codes and numbers only)"),
        Arg("--bom", action="store_true",
            help="with --format csv or tsv: begin with a UTF-8 byte-order mark, which some spreadsheet "
                 "programs (Excel) need to read Chinese text"),
        ENGINE_OPTIONS,
    ],
    "validate": [
        Arg("files", nargs="*", metavar="FILE",
            help="RDF files to validate (with the shipped ontology, and the shipped data as context: "
                 "only results in these files are reported); none: the shipped graph"),
        Arg("--with-data", action="store_true", help="report on the shipped data too"),
        Arg("--shapes", action="append", default=[], metavar="FILE",
            help="a shapes file of your own, used with the shipped shapes (repeatable)"),
        Arg("--shapes-only", action="store_true",
            help="validate FILEs against the --shapes files alone, as any SHACL validator does: "
                 "no shipped ontology, shapes or quality checks"),
        Arg("--inference", choices=choices.INFERENCE, default="none",
            help="inference before validation (default: none, the fastest; the shapes "
                 "follow rdfs:subClassOf in the ontology without it)"),
        Arg("--engine", choices=choices.VALIDATION_ENGINES, default="sparql",
            help="how the shapes run: sparql (default) compiles them to SPARQL on the embedded "
                 "Oxigraph store, and leaves shapes with features it does not compile to pySHACL; "
                 "pyshacl runs all of them with pySHACL (also chosen by --inference rdfs|owlrl)"),
        Arg("--format", choices=choices.REPORT_FORMATS, default="text"),
        Arg("--fail-on", choices=choices.SEVERITIES, default="violation",
            help="the least severity that makes the exit code 1 (default: violation)"),
        Arg("--no-checks", action="store_true", help="run the SHACL shapes only, not the quality checks"),
        Arg("--no-shapes", action="store_true", help="run the quality checks only"),
    ],
    "export": [
        Arg("--format", choices=choices.EXPORT_FORMATS, action="append",
            help="format to write (repeatable; default: all)"),
        Arg("--out", default="dist", metavar="DIR", help="output folder (default: dist)"),
    ],
    "release": [
        Arg("--out", default="releases", metavar="DIR",
            help="the folder in which to write crdkg-VERSION (default: releases); an existing release "
                 "is never overwritten"),
        Arg("--base-url", metavar="URL",
            help="where the release folder will be published: gives each file a dcat:downloadURL"),
    ],
    "diff": [
        Arg("old", metavar="OLD", help="the earlier version: a release folder, an RDF file or a git revision"),
        Arg("new", metavar="NEW", help="the later version, as OLD"),
        Arg("--format", choices=choices.DIFF_FORMATS, default="markdown"),
        Arg("--limit", type=int, default=20, metavar="N",
            help="with --format markdown: at most N resources per list (0: all; default: 20)"),
        Arg("--out", metavar="FILE", help="write to FILE (replaced whole) instead of standard output"),
    ],
    "load": [
        Arg("--endpoint", metavar="URL", help="the store's SPARQL 1.1 Graph Store HTTP Protocol URL"),
        Arg("--update-endpoint", metavar="URL", help="the store's SPARQL 1.1 Update URL"),
        Arg("--query-endpoint", metavar="URL", help="the store's SPARQL query URL, for verification"),
        Arg("--verify-queries", action="store_true",
            help="after loading, run every stored query there and compare with the embedded results"),
        Arg("--timeout", type=float, default=120.0, metavar="SECONDS"),
        Arg("--break-lock", action="store_true",
            help="remove the store's load lock first (left by a load that was killed; see the README)"),
        Arg("--progress", choices=choices.PROGRESS, default="auto",
            help="progress bar (auto: on a terminal and not in CI)"),
    ],
    "format": [
        Arg("files", nargs="*", metavar="FILE", help="Turtle files (default: the shipped ontology, shapes and data)"),
        Arg("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical"),
        Arg("--drop-comments", action="store_true",
            help="let the canonical form drop the file's own comments (refused without it)"),
    ],
    "site": [
        Arg("--out", default="site", metavar="DIR",
            help="the folder to write: new, empty, or an earlier site, replaced whole (default: site)"),
        Arg("--endpoint", metavar="URL", help="a SPARQL endpoint for the pages to link to (default: none)"),
        Arg("--force", action="store_true",
            help="replace DIR even though it holds files that crdkg did not write"),
    ],
    "redirects": [
        Arg("--target", required=True, metavar="URL",
            help="where the graph is served: the URL of crdkg serve, or of a static site (with --static)"),
        Arg("--static", action="store_true",
            help="the target is a static site of crdkg site: the rules negotiate the format themselves"),
    ],
    "serve": [
        Arg("--data", action="append", default=[], metavar="FILE",
            help="an RDF file of your own to serve together with the shipped graph (repeatable)"),
        Arg("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this machine only)"),
        Arg("--port", type=int, default=8000, help="the port (default: 8000)"),
        Arg("--timeout", type=float, default=30.0, metavar="SECONDS",
            help="stop a query that takes longer, and answer 503 (default: 30)"),
        Arg("--workers", type=int, default=None, metavar="N",
            help="processes that run the queries, each stopped at the time limit (default: one per CPU; "
                 "0: threads of the server, which cannot stop a query)"),
        Arg("--queue", type=int, default=None, metavar="N",
            help="queries that may wait for a worker; more are answered 503 with Retry-After "
                 "(default: 32 per worker)"),
        Arg("--memory-limit", type=int, default=2048, metavar="MIB",
            help="the memory a worker may use beyond the graph; a query needing more is answered 503 "
                 "(default: 2048)"),
        Arg("--client-timeout", type=float, default=10.0, metavar="SECONDS",
            help="close a connection whose request has not arrived whole this long after it began "
                 "(default: 10)"),
        Arg("--max-rows", type=int, default=100_000, metavar="N",
            help="refuse a result of more rows or triples (default: 100000)"),
        Arg("--cors", action="append", default=[], metavar="ORIGIN",
            help="let pages of ORIGIN read the answers (repeatable; * for any origin, which makes everything "
                 "served, --data files included, public to any web page; default: no other origin)"),
        Arg("--allow-host", action="append", default=[], metavar="NAME",
            help="a Host name the server answers besides localhost, 127.0.0.1, ::1 and --host (repeatable; "
                 "any other Host header gets 400, against DNS rebinding)"),
    ],
}


def parse_args(argv: Sequence[str]) -> Namespace:
    """The command line read: quickly for the plain forms, by argparse for the rest (help,
    usage errors, which exit 2). ``query NAME --help`` describes the stored query."""
    named = _query_help(argv)
    if named is not None:
        return Namespace(command="queries", name=named, format="table")
    args = quick_parse(ARGUMENTS, argv)
    if args is None:
        command = next((a for a in argv if not a.startswith("-")), None)
        parser = build_parser(ARGUMENTS, HELP, only=command if command in ARGUMENTS else None, prog="crdkg",
                              description=DESCRIPTION, epilog=EPILOG, version=f"crdkg {__version__}")
        args = parser.parse_args(argv)  # type: ignore[assignment]
    return args  # type: ignore[return-value]


#: the options of ``crdkg query`` that take a value (the word after one is not a query name)
_VALUED = {"-p", "--param", "--query", "--file", "--lang", "--format", "--endpoint", "--engine", "--data",
           "--default-graph", "--timeout"}


def _query_help(argv: Sequence[str]) -> str | None:
    """The stored query's name in ``crdkg query NAME --help`` (None for any other command line)."""
    if argv[:1] != ["query"] or not any(a in ("-h", "--help") for a in argv[1:]):
        return None
    words = [a for i, a in enumerate(argv[1:], 1) if not a.startswith("-") and argv[i - 1] not in _VALUED]
    return words[0] if words else None


def _make_engine(args: Namespace):
    from . import api

    endpoint_only = [flag for flag, given in (("--default-graph", args.default_graph),
                                              ("--store-default-graph", args.store_default_graph),
                                              ("--timeout", args.timeout is not None)) if given]
    embedded_only = [flag for flag, given in (("--data", args.data), ("--cache", args.cache),
                                              ("--no-cache", args.no_cache),
                                              ("--engine", args.engine != "oxigraph")) if given]
    if args.endpoint and embedded_only:
        raise CrdkgError(f"{embedded_only[0]} is for the embedded graph, not for --endpoint")
    if not args.endpoint and endpoint_only:
        raise CrdkgError(f"{endpoint_only[0]} goes with --endpoint URL (the embedded graph has no such setting)")
    if args.default_graph and args.store_default_graph:
        raise CrdkgError("--default-graph and --store-default-graph cannot go together")
    if args.endpoint:
        graphs = [] if args.store_default_graph else args.default_graph
        timeout = 30.0 if args.timeout is None else args.timeout
        return api.endpoint_engine(args.endpoint, default_graphs=graphs, timeout=timeout)
    for path in args.data:
        if not os.path.isfile(path):
            from .errors import InputError

            raise InputError("is a folder, not a file" if os.path.isdir(path) else "no such file", path=str(path))
    if args.cache and args.no_cache:
        raise CrdkgError("--cache and --no-cache cannot go together")
    return api.embedded_engine(kind=args.engine, data=args.data,
                               cache=False if args.no_cache else (True if args.cache else None))


def cmd_info(args: Namespace) -> int:
    from .info import graph_info, render_info

    engine = _make_engine(args)
    print(render_info(graph_info(engine), args.format, engine.describe()), end="")
    return EXIT_OK


def cmd_queries(args: Namespace) -> int:
    from .api import catalogue
    from .info import render_catalogue, render_query_help

    if args.name:
        if args.format == "json":
            print(render_catalogue([catalogue()[args.name]], "json"), end="")
        else:
            print(render_query_help(catalogue()[args.name]), end="")
        return EXIT_OK
    print(render_catalogue(list(catalogue()), args.format), end="")
    return EXIT_OK


def cmd_query(args: Namespace) -> int:
    from .errors import QueryError
    from .results import write_result

    params = dict(args.param)
    for given, what in ((args.name, "query name"), (args.query, "query text"), (args.file, "query file")):
        if given is not None and not given.strip():
            raise QueryError(f"the {what} is empty (see 'crdkg queries' for the stored queries)")
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
            if params.get("lang", args.lang) != args.lang:
                raise QueryError(f"--lang {args.lang} and --param lang={params['lang']} disagree; give one")
            params["lang"] = args.lang
        result = run_stored(stored, engine, params)
        text = None
    else:
        if params:
            raise QueryError("--param goes with a stored query NAME; ad hoc queries take no parameters")
        if args.file is not None:
            try:
                with open(args.file, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError) as err:
                raise QueryError(f"{args.file}: cannot read the query: {err}") from None
        else:
            text = args.query
        if args.allow_service:
            engine.allow_service = True
        from .api import run_sparql

        result = run_sparql(text, engine=engine, prefixes=True)
        stored = None
    from .notes import notes

    for note in notes(result, engine=engine, text=text, stored=stored, params=params):
        print(f"crdkg: note: {note}", file=sys.stderr)
    if args.no_iris:
        from .results import without_iri_columns

        result = without_iri_columns(result)
    if args.bom and args.format not in ("csv", "tsv"):
        raise QueryError("--bom goes with --format csv or tsv")
    sys.stdout.write(("\ufeff" if args.bom else "") + write_result(result, args.format))
    return EXIT_OK


def cmd_validate(args: Namespace) -> int:
    from .errors import InputError
    from .validation import validate
    from .validation.report import render

    try:
        report = validate(files=args.files, with_data=args.with_data, inference=args.inference,
                          shapes=not args.no_shapes, checks=not args.no_checks, extra_shapes=args.shapes,
                          engine=args.engine, shapes_only=args.shapes_only)
    except InputError as err:
        if args.format == "github" and err.path is not None:  # the annotation on the line, then the error
            from .validation.report import github_error

            where = ":".join(str(x) for x in (err.path, err.line, err.column) if x is not None) + ": "
            sys.stdout.write(github_error(err.path, err.line, err.column, err.message.removeprefix(where)))
        raise
    sys.stdout.write(render(report, args.format))
    return report.exit_code(fail_on=args.fail_on)


def cmd_export(args: Namespace) -> int:
    from .export import export_graph

    for path in export_graph(args.out, formats=args.format):
        print(path)
    return EXIT_OK


def cmd_release(args: Namespace) -> int:
    from .release import build_release

    folder = build_release(args.out, base_url=args.base_url)
    print(folder)
    return EXIT_OK


def cmd_diff(args: Namespace) -> int:
    from .diff import diff_graphs, read_version

    if args.limit < 0:
        raise CrdkgError(f"--limit: {args.limit} is negative (0 lists every resource)")
    changes = diff_graphs(read_version(args.old), read_version(args.new), old_name=args.old, new_name=args.new)
    if args.format == "json":
        import json

        text = json.dumps(changes.as_json(), ensure_ascii=False, indent=1) + "\n"
    else:
        text = changes.markdown(limit=args.limit)
    if args.out:
        from pathlib import Path

        from .format import write_atomically

        write_atomically(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_redirects(args: Namespace) -> int:
    from .w3id import htaccess

    sys.stdout.write(htaccess(args.target, static=args.static))
    return EXIT_OK


def cmd_load(args: Namespace) -> int:
    from .load import load_into_store

    summary = load_into_store(gsp=args.endpoint, update=args.update_endpoint, query=args.query_endpoint,
                              verify_queries=args.verify_queries, timeout=args.timeout, progress=args.progress,
                              break_lock=args.break_lock)
    print(summary)
    return EXIT_OK


def cmd_format(args: Namespace) -> int:
    from pathlib import Path

    from . import resources
    from .format import format_files

    files = [Path(f) for f in args.files] or resources.shipped_files()
    _terminate_as_interrupt()  # a SIGTERM mid-write then removes the temporary file, as Ctrl-C does
    changed = format_files(files, check=args.check, drop_comments=args.drop_comments)
    for path in changed:
        print(f"{path}: {'not in canonical form' if args.check else 'rewritten'}")
    return 1 if (args.check and changed) else EXIT_OK


def cmd_serve(args: Namespace) -> int:
    from . import api

    try:
        from .web.server import serve
    except ImportError as err:  # pragma: no cover - both are dependencies
        raise CrdkgError(f"crdkg serve needs starlette and uvicorn ({err})") from None
    if not 0 < args.port < 65536:
        raise CrdkgError(f"--port {args.port} is not a port (1 to 65535)")
    if min(args.timeout, args.max_rows, args.memory_limit, args.client_timeout) <= 0:
        raise CrdkgError("--timeout, --max-rows, --memory-limit and --client-timeout must be positive")
    workers = args.workers if args.workers is not None else max(1, os.cpu_count() or 1)
    if not 0 <= workers <= 64:
        raise CrdkgError(f"--workers {workers} is not 0 to 64")
    queue = args.queue if args.queue is not None else 32 * max(1, workers)
    if queue < 0:
        raise CrdkgError(f"--queue {queue} is negative")
    for path in args.data:
        if not os.path.isfile(path):
            from .errors import InputError

            raise InputError("no such file", path=str(path))
    _check_port_free(args.host, args.port)  # before the graph is parsed and "serving" is said
    engine = api.embedded_engine(data=args.data)
    where = f"http://{args.host if ':' not in args.host else '[' + args.host + ']'}:{args.port}"
    print(f"crdkg: serving {where}/ (SPARQL endpoint {where}/sparql, stored queries {where}/api/queries); "
          "Ctrl-C stops it", file=sys.stderr, flush=True)
    serve(engine, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
          cors=args.cors, allowed_hosts=args.allow_host, workers=workers, queue=queue,
          memory_mb=args.memory_limit, client_timeout=args.client_timeout)
    return EXIT_OK


def _terminate_as_interrupt() -> None:
    """From now on SIGTERM ends the command as Ctrl-C does (exit 130, "interrupted"), so that
    the clean-up of a command that writes files runs."""
    import signal
    import threading

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupted)


def _check_port_free(host: str, port: int) -> None:
    """A one-line error (exit 2) when the address cannot be bound: in use, or not this machine's."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            raise CrdkgError(f"cannot serve on {host} port {port}: {err.strerror or err}") from None


def cmd_site(args: Namespace) -> int:
    from . import api
    from .web.site import check_target, export_site

    check_target(args.out, force=args.force, endpoint=args.endpoint)  # before the graph is parsed
    files = export_site(api.embedded_engine(), args.out, endpoint=args.endpoint, force=args.force)
    print(f"{len(files)} files written to {args.out}")
    return EXIT_OK


COMMANDS = {
    "info": cmd_info,
    "queries": cmd_queries,
    "query": cmd_query,
    "validate": cmd_validate,
    "export": cmd_export,
    "load": cmd_load,
    "release": cmd_release,
    "diff": cmd_diff,
    "format": cmd_format,
    "serve": cmd_serve,
    "site": cmd_site,
    "redirects": cmd_redirects,
}


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; every failure is one line on stderr with an exit code of
    :mod:`crdkg.errors` (never a traceback)."""
    from .errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_MEMORY, EXIT_OUTPUT

    if sys.stdout is None:  # started with standard output closed: the output would be lost
        if sys.stderr is not None:
            print("crdkg: error: standard output is closed; nothing can be written", file=sys.stderr)
        return EXIT_OUTPUT
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        try:  # crdkg writes UTF-8, whatever the locale or PYTHONIOENCODING says
            stream.reconfigure(encoding="utf-8", errors=errors)  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a full disk shows here, not at exit
        return code
    except CrdkgError as err:
        return _fail(str(err), err.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED, prefix="crdkg: ")
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except MemoryError:
        return _fail("out of memory (the input is too large for this machine)", EXIT_MEMORY)
    except FileNotFoundError as err:
        return _fail(str(err), EXIT_ERROR)
    except OSError as err:
        _quiet_stdout()
        return _fail(f"cannot write the output: {err.strerror or err}", EXIT_OUTPUT)
    except RecursionError:
        return _fail("the input is nested too deeply to process", EXIT_ERROR)
    except Exception as err:
        from .httpclient import one_line

        return _fail(f"internal error: {type(err).__name__}: {one_line(str(err))} (a bug in crdkg; please report it)",
                     EXIT_INTERNAL)


def _fail(message: str, code: int, prefix: str = "crdkg: error: ") -> int:
    try:
        print(prefix + message, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass
    return code


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush of a broken or full
    output does not print a second error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
