"""The documentation says what the code does: the command synopsis of docs/commands.md is
cli.ARGUMENTS (every command, option and choice, and nothing else), the data sets table of
docs/statistics.md is the graph's, the README's first commands run, and every page links to
pages that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from crdkg import cli
from crdkg.argv import Arg

DOCS = ROOT / "docs"


def _synopsis() -> dict[str, str]:
    """The text of docs/commands.md's synopsis, by command (continuation lines included)."""
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n(crdkg .*?)```", text, flags=re.S)
    assert block is not None
    by_command: dict[str, str] = {}
    command = ""
    for line in block.group(1).splitlines():
        if line.startswith("crdkg "):
            command = line.split()[1]
        synopsis = re.split(r"\s{2,}", line.strip())[0]  # what follows two spaces describes it
        by_command[command] = by_command.get(command, "") + " " + synopsis
    return by_command


def _args(command: str) -> list[Arg]:
    out: list[Arg] = []
    for entry in cli.ARGUMENTS[command]:
        out += [entry] if isinstance(entry, Arg) else list(entry.args)  # type: ignore[union-attr]
    assert all(isinstance(a, Arg) for a in out)
    return out


@pytest.mark.parametrize("command", sorted(cli.ARGUMENTS))
def test_the_synopsis_lists_every_option_of_the_command_and_no_other(command):
    synopsis = _synopsis()
    assert command in synopsis, f"docs/commands.md has no line for crdkg {command}"
    written = set(re.findall(r"(--[a-z][a-z-]*)", synopsis[command])) - {"--help"}
    options = {flag for arg in _args(command) for flag in arg.flags if flag.startswith("--")}
    assert written == options, f"crdkg {command}: missing {sorted(options - written)}, unknown {sorted(written - options)}"
    for arg in _args(command):
        choices = arg.kwargs.get("choices")
        if choices and not arg.positional:
            listed = re.search(re.escape(arg.flags[-1]) + r"[ =]([a-z0-9|-]+)", synopsis[command])
            assert listed is not None and set(listed.group(1).split("|")) == set(choices), (command, arg.flags)


def test_the_synopsis_has_no_command_crdkg_lacks():
    assert set(_synopsis()) == set(cli.ARGUMENTS)


def test_the_statistics_page_lists_the_graphs_data_sets(engine):
    from crdkg.observations import datasets

    text = (DOCS / "statistics.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `cube:([a-z0-9-]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \| ([0-9,]+) \|$", text, flags=re.M)
    found = {d["dataset"].rsplit("/", 1)[1]: d for d in datasets(engine=engine)}
    assert sorted(name for name, *_ in rows) == sorted(found)
    for name, divisions, years, observations in rows:
        d = found[name]
        assert int(divisions.split()[0].replace(",", "")) == int(d["divisions"]), name
        assert years.strip() in (f"{d['first_year']}-{d['last_year']}", f"{d['first_year']}, {d['last_year']}"), name
        assert int(observations.replace(",", "")) == int(d["observations"]), name


@pytest.mark.parametrize("line", [0, 1, 2])
def test_the_readmes_first_commands_run(line):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Five things to try\n\n```console\n(.*?)```", text, flags=re.S)
    assert block is not None
    command = block.group(1).splitlines()[line].split("#")[0].removeprefix("$ .venv/bin/crdkg ").strip()
    import shlex

    r = run_cli(*shlex.split(command))
    assert r.code == 0 and r.out.count("\n") > 2, (command, r.err)


def test_every_link_between_the_pages_leads_to_a_file():
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "RELEASE.md", *DOCS.glob("*.md")]
    checked = 0
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (page.parent / target).exists(), (page.name, target)
            checked += 1
    assert checked > 100


def test_the_readme_is_a_guide_of_about_250_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250
    assert Path(DOCS / "architecture.md").read_text(encoding="utf-8").count("```text") >= 2  # the layers, the layout
