"""`crdkg diff`: the resources two versions of the graph add, remove and change, grouped by
class. The expected outputs are written by hand from the two small graphs below."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import run_cli

OLD = """\
@prefix crd: <https://w3id.org/crdkg/ontology#> .
@prefix division: <https://w3id.org/crdkg/id/division/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

division:510000 a crd:Province ;
    rdfs:label "Sichuan"@en , "四川省"@zh ;
    crd:divisionCode "510000" ;
    prov:qualifiedDerivation [ prov:entity <https://example.org/register> ; crd:forValue "四川省"@zh ] .

division:520000 a crd:Province ;
    rdfs:label "Guizhou"@en ;
    crd:divisionCode "520000" .

division:511132 a crd:AutonomousCounty ;
    rdfs:label "峨边彝族自治县"@zh .
"""

# Sichuan: its Chinese label changed, and its derivation's blank node points at another
# entity; Guizhou: removed; Yunnan: added; the county: the same (its statements in another order)
NEW = """\
@prefix crd: <https://w3id.org/crdkg/ontology#> .
@prefix division: <https://w3id.org/crdkg/id/division/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

division:511132 rdfs:label "峨边彝族自治县"@zh ; a crd:AutonomousCounty .

division:510000 a crd:Province ;
    rdfs:label "Sichuan"@en , "四川"@zh ;
    crd:divisionCode "510000" ;
    prov:qualifiedDerivation [ prov:entity <https://example.org/gazette> ; crd:forValue "四川省"@zh ] .

division:530000 a crd:Province ;
    rdfs:label "Yunnan"@en ;
    crd:divisionCode "530000" .
"""

EXPECTED_MARKDOWN = """\
# Changes to the graph from old.ttl to new.ttl

1 resource added, 1 removed and 1 changed (5 statements added, 5 removed).

## crd:Province

Added (1):

- `division:530000` (Yunnan)

Removed (1):

- `division:520000` (Guizhou)

Changed (1):

- `division:510000` (Sichuan)
  - − `prov:qualifiedDerivation [ crd:forValue "四川省"@zh ; prov:entity <https://example.org/register> ]`
  - − `rdfs:label "四川省"@zh`
  - + `prov:qualifiedDerivation [ crd:forValue "四川省"@zh ; prov:entity <https://example.org/gazette> ]`
  - + `rdfs:label "四川"@zh`
"""


@pytest.fixture
def versions(tmp_path):
    (tmp_path / "old.ttl").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.ttl").write_text(NEW, encoding="utf-8")
    return tmp_path


def test_markdown_lists_added_removed_and_changed_resources_by_class(versions):
    r = run_cli("diff", "old.ttl", "new.ttl", cwd=versions)
    assert r.code == 0, r.err
    assert r.out == EXPECTED_MARKDOWN


def test_json_has_every_statement_of_added_and_removed_resources(versions):
    r = run_cli("diff", "old.ttl", "new.ttl", "--format", "json", cwd=versions)
    assert r.code == 0, r.err
    assert json.loads(r.out) == {
        "old": "old.ttl",
        "new": "new.ttl",
        "summary": {"added": 1, "removed": 1, "changed": 1, "statements_added": 5, "statements_removed": 5},
        "classes": [{
            "class": "crd:Province",
            "added": [{"resource": "division:530000", "label": "Yunnan", "removed": [],
                       "added": ['crd:divisionCode "530000"', 'rdf:type crd:Province', 'rdfs:label "Yunnan"@en']}],
            "removed": [{"resource": "division:520000", "label": "Guizhou", "added": [],
                         "removed": ['crd:divisionCode "520000"', 'rdf:type crd:Province',
                                     'rdfs:label "Guizhou"@en']}],
            "changed": [{"resource": "division:510000", "label": "Sichuan",
                         "added": ['prov:qualifiedDerivation [ crd:forValue "四川省"@zh ; '
                                   'prov:entity <https://example.org/gazette> ]', 'rdfs:label "四川"@zh'],
                         "removed": ['prov:qualifiedDerivation [ crd:forValue "四川省"@zh ; '
                                     'prov:entity <https://example.org/register> ]', 'rdfs:label "四川省"@zh']}],
        }],
    }


def test_the_same_graph_with_other_blank_node_labels_has_no_change(versions):
    (versions / "same.nt").write_text(
        '<https://w3id.org/crdkg/id/division/510000> <http://www.w3.org/ns/prov#qualifiedDerivation> _:zz .\n'
        '_:zz <http://www.w3.org/ns/prov#entity> <https://example.org/register> .\n', encoding="utf-8")
    (versions / "again.ttl").write_text(
        '<https://w3id.org/crdkg/id/division/510000> <http://www.w3.org/ns/prov#qualifiedDerivation> '
        '[ <http://www.w3.org/ns/prov#entity> <https://example.org/register> ] .\n', encoding="utf-8")
    r = run_cli("diff", "same.nt", "again.ttl", cwd=versions)
    assert (r.code, r.out.splitlines()[-1]) == (0, "No resource was added, removed or changed.")


def test_limit_cuts_long_lists_and_says_how_many_more(versions):
    r = run_cli("diff", "new.ttl", "old.ttl", "--limit", "1", cwd=versions)
    assert r.code == 0, r.err
    # reversed: Guizhou added, Yunnan removed; one resource per list fits the limit
    assert "- `division:520000` (Guizhou)" in r.out and "more (all of them" not in r.out
    empty = versions / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    r = run_cli("diff", "empty.ttl", "new.ttl", "--limit", "1", cwd=versions)
    assert "Added (3):" not in r.out  # three resources, in two classes
    assert "## crd:AutonomousCounty\n\nAdded (1):" in r.out
    assert "Added (2):\n\n- `division:510000` (Sichuan)\n- … and 1 more (all of them in the JSON output)" in r.out


def test_git_revisions_are_compared_as_their_ontology_and_data(tmp_path):
    repo = tmp_path / "repo"
    (repo / "ontology").mkdir(parents=True)
    (repo / "data").mkdir()

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                              env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t",
                                   "GIT_COMMITTER_EMAIL": "t@localhost", "HOME": str(tmp_path)}).stdout.strip()

    git("init", "-q")
    (repo / "ontology" / "crd.ttl").write_text("", encoding="utf-8")
    (repo / "data" / "regions.ttl").write_text(OLD, encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "old")
    (repo / "data" / "regions.ttl").write_text(NEW, encoding="utf-8")
    git("commit", "-q", "-am", "new")
    r = run_cli("diff", "HEAD~1", "HEAD", cwd=repo)
    assert r.code == 0, r.err
    assert r.out == EXPECTED_MARKDOWN.replace("old.ttl to new.ttl", "HEAD~1 to HEAD")


def test_a_version_that_is_nothing_is_one_line_exit_2(versions):
    r = run_cli("diff", "old.ttl", "no-such-thing", cwd=versions)
    assert r.code == 2
    assert r.err.startswith("crdkg: error: no-such-thing: not a file, a folder or a git revision of")
    assert len(r.err.strip().splitlines()) == 1
    (versions / "bad.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    r = run_cli("diff", "bad.ttl", "old.ttl", cwd=versions)
    assert r.code == 2 and r.err.startswith("crdkg: error: bad.ttl") and "line 1" in r.err, r.err
    r = run_cli("diff", ".", "old.ttl", cwd=versions)
    assert r.code == 2 and "not a release or an export" in r.err


def test_out_writes_the_file_whole(versions):
    r = run_cli("diff", "old.ttl", "new.ttl", "--out", "changes.md", cwd=versions)
    assert (r.code, r.out) == (0, "")
    assert (versions / "changes.md").read_text(encoding="utf-8") == EXPECTED_MARKDOWN
