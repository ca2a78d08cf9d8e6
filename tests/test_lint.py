"""The code's own checks, run by `make test` and CI: ruff with the rule set of
pyproject.toml, mypy over the package, and mypy --strict over a user's script of the public
API (the package ships py.typed, so its callers' type checkers read our annotations)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, TESTS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_ruff():
    proc = run("ruff", "check", "src", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_over_the_package():
    proc = run("mypy")  # files and settings: [tool.mypy] of pyproject.toml
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_public_api_type_checks_strictly_for_a_caller():
    proc = run("mypy", "--strict", str(TESTS / "typing" / "user_script.py"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_caller_type_error_is_found(tmp_path):
    """The check above can fail: a caller who takes a summary for a number is told."""
    bad = tmp_path / "bad.py"
    bad.write_text('import crdkg\n\nn: int = crdkg.catalogue()["macro-regions"].summary\n', encoding="utf-8")
    proc = run("mypy", "--strict", str(bad))
    assert proc.returncode == 1 and 'expression has type "str", variable has type "int"' in proc.stdout
