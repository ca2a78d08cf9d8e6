"""The quick reading of the command line agrees with argparse wherever it answers.

``argv.quick_parse`` reads the plain forms without importing argparse; for anything else
it must return None so that argparse reads it. These tests compare both on the command
lines a user types and on thousands of generated ones, valid and not.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import subprocess
import sys

import pytest

from crdkg import cli
from crdkg.argv import Arg, Exclusive, Group, build_parser, quick_parse


def argparse_reading(argv: list[str]) -> dict | None:
    """What argparse makes of ``argv``, or None where it stops (an error, --help, --version)."""
    parser = build_parser(cli.ARGUMENTS, cli.HELP, prog="crdkg", version="crdkg test")
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return vars(parser.parse_args(argv))
    except SystemExit:
        return None


def quick_reading(argv: list[str]) -> dict | None:
    args = quick_parse(cli.ARGUMENTS, argv)
    return None if args is None else vars(args)


# what people type: the README, the Makefile's demo, CI scripts; each must be read quickly
PLAIN = [
    ["info"],
    ["info", "--format", "json"],
    ["queries"],
    ["queries", "--format=markdown"],
    ["query", "strategy-overview"],
    ["query", "macro-regions", "--format", "csv"],
    ["query", "divisions-in-region", "--param", "region=west"],
    ["query", "division-profile", "--param", "division=四川省", "--lang", "zh"],
    ["query", "targeting-region", "--param", "region=Xiong County"],
    ["query", "evidence", "-p", "resource=task:western-development", "--format", "json"],
    ["query", "macro-regions", "--engine", "rdflib", "--format", "tsv"],
    ["query", "macro-regions", "--data", "mine.ttl", "--data", "more.nt", "--no-cache"],
    ["query", "macro-regions", "--endpoint", "http://127.0.0.1:7878/query", "--timeout", "5"],
    ["query", "--query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
    ["query", "--file", "q.rq", "--format", "xml"],
    ["query", "macro-regions", "--endpoint=http://x/sparql", "--default-graph", "urn:g1", "--default-graph", "urn:g2"],
    ["validate"],
    ["validate", "--format", "github", "--fail-on", "warning"],
    ["validate", "mine.ttl", "other.ttl", "--with-data", "--shapes", "my-shapes.ttl"],
    ["validate", "--engine", "pyshacl", "--inference", "rdfs", "--no-checks"],
    ["export", "--out", "dist", "--format", "nt", "--format", "ttl"],
    ["export"],
    ["load", "--endpoint", "http://127.0.0.1:7878/store", "--update-endpoint", "http://127.0.0.1:7878/update",
     "--verify-queries", "--progress", "never"],
    ["format", "--check"],
    ["format", "a.ttl", "b.ttl"],
]

# forms left to argparse: help, version, abbreviations, joined short options, bad values, ...
LEFT = [
    [],
    ["--version"],
    ["-h"],
    ["query", "--help"],
    ["query", "macro-regions", "--form", "csv"],  # an abbreviation argparse accepts
    ["query", "macro-regions", "-pregion=west"],
    ["query", "macro-regions", "--format", "yaml"],
    ["query", "macro-regions", "--param", "noequals"],
    ["query", "macro-regions", "--timeout", "soon"],
    ["query", "--query", "ASK {}", "--file", "q.rq"],
    ["query", "a", "b"],
    ["query", "--format", "csv", "macro-regions"],  # a word after an option
    ["query", "macro-regions", "--", "--format"],
    ["query", "macro-regions", "--param"],
    ["query", "macro-regions", "--param", "-x=1"],
    ["query", "macro-regions", "--no-cache=yes"],
    ["queries", "one", "two"],
    ["nosuchcommand"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_plain_command_lines_are_read_quickly_and_as_argparse_reads_them(argv):
    quick = quick_reading(argv)
    assert quick is not None, "a plain command line went to argparse"
    assert quick == argparse_reading(argv)


@pytest.mark.parametrize("argv", LEFT, ids=lambda a: " ".join(a) or "(empty)")
def test_other_forms_are_left_to_argparse(argv):
    assert quick_reading(argv) is None


def test_values_are_fresh_lists_and_typed():
    a = quick_reading(["query", "q", "-p", "a=1", "--param", "b= 2", "--timeout", "2.5"])
    b = quick_reading(["query", "q"])
    assert a["param"] == [("a", "1"), ("b", " 2")]
    assert a["timeout"] == 2.5
    assert b["param"] == []  # the default list was not appended to
    assert b["name"] == "q" and b["query"] is None and b["no_cache"] is False and b["command"] == "query"


def _tokens_for(arg: Arg, rng: random.Random) -> list[str]:
    """One occurrence of ``arg`` on a command line: a valid value, or now and then a bad one."""
    if arg.positional:
        return [rng.choice(["x.ttl", "macro-regions", "-", "--bad", "a b", "四川省"])]
    flag = rng.choice(arg.flags)
    if arg.action == "store_true":
        return [flag] if rng.random() > 0.1 else [f"{flag}=1"]
    choices = arg.kwargs.get("choices")
    if choices:
        value = rng.choice([*choices, "nope"])
    elif arg.kwargs.get("type") is float:
        value = rng.choice(["1", "0.5", "-1", "soon", "1e3"])
    elif arg.dest == "param":
        value = rng.choice(["region=west", "a=", "=x", "noequals", "k=v=w", "-k=v"])
    else:
        value = rng.choice(["urn:x", "file.ttl", "", "-", "--format", "SELECT * {}"])
    form = rng.random()
    if form < 0.15 and flag.startswith("--"):
        return [f"{flag}={value}"]
    if form < 0.2:
        return [flag]  # the value missing
    return [flag, value]


def _args_of(entries):
    for entry in entries:
        if isinstance(entry, (Group, Exclusive)):
            yield from entry.args
        else:
            yield entry


def test_generated_command_lines_agree_with_argparse():
    rng = random.Random(20261128)
    answered = 0
    for _ in range(4000):
        command = rng.choice(list(cli.ARGUMENTS))
        args = list(_args_of(cli.ARGUMENTS[command]))
        positionals = [a for a in args if a.positional]
        options = [a for a in args if not a.positional]
        argv = [command]
        words = [t for a in positionals for _ in range(rng.choice([0, 1, 1, 2])) for t in _tokens_for(a, rng)]
        chosen = [t for _ in range(rng.randint(0, 4)) for t in _tokens_for(rng.choice(options), rng)]
        if rng.random() < 0.8:
            argv += words + chosen
        else:
            mixed = words + chosen
            rng.shuffle(mixed)
            argv += mixed
        quick = quick_reading(argv)
        if quick is not None:
            answered += 1
            assert quick == argparse_reading(argv), argv
    assert answered > 1500  # most plain lines are read quickly, so the comparison means something


# what a cold query must not load: each is a measurable part of its start (see docs/benchmarks.md)
#: the cold-path rule's list (docs/cold-path.md)
HEAVY = ("argparse", "pathlib", "re", "collections", "enum", "functools", "types", "typing", "csv", "dataclasses",
         "inspect", "json", "rdflib", "pyshacl", "yaml")


@pytest.mark.parametrize("argv", [["query", "macro-regions", "--format", "csv"],
                                  ["query", "divisions-in-region", "--param", "region=west"],
                                  ["query", "division-profile", "-p", "division=四川省", "--lang", "zh"]],
                         ids=lambda a: a[1])
def test_a_cold_query_loads_no_heavy_module(tmp_path, argv):
    """The second run (the first may parse query headers into the cache, with PyYAML)."""
    code = (f"import sys\nfrom crdkg.cli import main\nrc = main({argv!r})\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\nsys.exit(rc)")
    env = {**os.environ, "CRDKG_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=tmp_path, env=env)
    assert out.stdout.splitlines()[-1] == "[]"


def test_argparse_errors_ran_to_2_to_9_lines_with_usage(capsys):
    """A wrong invocation is one line, naming what was wrong and where to read more, exit 2."""
    cases = [
        (["query", "macro-regions", "--format", "yaml"],
         "crdkg: error: argument --format: invalid choice: 'yaml' (choose from 'table', 'csv', 'tsv', 'json', "
         "'xml', 'markdown', 'turtle', 'ntriples', 'jsonld', 'rdfxml') (see crdkg query --help)\n"),
        (["serve", "--port", "eighty"], "crdkg: error: argument --port: invalid int value: 'eighty' "
                                        "(see crdkg serve --help)\n"),
        ([], "crdkg: error: the following arguments are required: COMMAND (see crdkg --help)\n"),
        (["valdate"], "crdkg: error: argument COMMAND: invalid choice: 'valdate' (choose from 'info', 'queries', "
                      "'query', 'validate', 'export', 'release', 'diff', 'load', 'format', 'site', 'redirects', "
                      "'serve') "
                      "(did you mean validate?) (see crdkg --help)\n"),
    ]
    for argv, expected in cases:
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
        assert capsys.readouterr().err == expected
