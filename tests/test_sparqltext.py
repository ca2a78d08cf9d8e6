"""The SPARQL lexer, written with str methods, reads every text as the regular expressions
it was first written with: the stored queries, the checks, the SPARQL in the shapes, and
generated texts full of the characters where the two could part."""

from __future__ import annotations

import random
import re

import pytest

from conftest import ROOT
from crdkg import sparqltext
from crdkg.errors import QueryError

IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
VAR = re.compile(r"[?$]\w+")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(:[^\s{}();,.]*)?")


def reference_tokens(text: str) -> list[tuple[str, str, int]]:
    """The lexer as it was, with regular expressions."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif len(quote) == 1 and text[j] in "\r\n":
                    raise QueryError(f"unterminated string at offset {i}")
                j += 1
            if j >= n:
                raise QueryError(f"unterminated string at offset {i}")
            j += len(quote)
            out.append(("string", text[i:j], i))
            i = j
        elif c == "<" and (m := IRI.match(text, i)):
            out.append(("iri", m.group(), i))
            i = m.end()
        elif c in "?$" and (m := VAR.match(text, i)):
            out.append(("var", m.group(), i))
            i = m.end()
        elif m := WORD.match(text, i):
            out.append(("word", m.group(), i))
            i = m.end()
        else:
            out.append(("punct", c, i))
            i += 1
    return out


def lexed(fn, text):  # type: ignore[no-untyped-def]
    try:
        return [(t.kind, t.text, t.start) if not isinstance(t, tuple) else t for t in fn(text)]
    except QueryError as err:
        return f"error: {err}"


SPARQL_FILES = sorted((ROOT / "queries").rglob("*.rq")) + sorted((ROOT / "tests").rglob("*.rq"))
SHAPES = sorted((ROOT / "ontology" / "shapes").glob("*.ttl")) + sorted((ROOT / "tests" / "shapes").rglob("*.ttl"))


@pytest.mark.parametrize("path", SPARQL_FILES + SHAPES, ids=lambda p: str(p.relative_to(ROOT)))
def test_files_are_lexed_as_by_the_regular_expressions(path):
    text = path.read_text(encoding="utf-8")
    assert lexed(sparqltext.tokens, text) == lexed(reference_tokens, text)


# the characters at the edges of each rule: IRI exclusions and controls, \w beyond ASCII,
# the prefixed-name stops, quotes and escapes, line breaks and Unicode spaces
ALPHABET = [*list("<>\"'{}|^`\\ \t\n\r\x00\x1f?$_-:;,.()#aZ09éß四川١\u00a0\u2003\u0301xyz@=/!"), "PREFIX", "SELECT"]


def test_generated_texts_are_lexed_as_by_the_regular_expressions():
    rng = random.Random(20261128)
    for _ in range(20000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24)))
        assert lexed(sparqltext.tokens, text) == lexed(reference_tokens, text), repr(text)


def test_a_query_is_lexed_without_importing_re():
    import subprocess
    import sys

    code = ("import sys\nfrom crdkg import sparqltext\n"
            "list(sparqltext.tokens('SELECT ?x WHERE { ?x a <urn:c> ; rdfs:label \"x\"@en }'))\n"
            "print('re' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_dataset_removes_only_the_outer_from_clauses():
    text = ('SELECT ?s FROM <http://a/g1> FROM NAMED <http://a/g2> from crd:g3\n'
            'WHERE { ?s ?p "FROM <http://a/x>" # FROM <http://a/y>\n'
            '  { SELECT ?s WHERE { ?s ?q ?o } } }')
    out = sparqltext.without_dataset(text)
    assert "g1" not in out and "g2" not in out and "g3" not in out
    assert '"FROM <http://a/x>"' in out and "# FROM <http://a/y>" in out
    assert [t.text for t in sparqltext.tokens(out)][:3] == ["SELECT", "?s", "WHERE"]
    plain = "ASK { ?s ?p ?o }"
    assert sparqltext.without_dataset(plain) is plain


def test_a_from_naming_a_graph_not_held_answered_from_the_whole_graph(engine, rdflib_engine):
    """The embedded graph sets the dataset itself from the FROM clauses: one that names a graph
    it does not hold reads an empty graph (as SPARQL's dataset makes it), where it read every
    graph; nothing is fetched (rdflib would fetch it from the web)."""
    text = "SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/nowhere> WHERE { ?s a ?t }"
    for e in (engine, rdflib_engine):
        assert int(e.query(text).rows[0][0].value) == 0
        assert int(e.query(sparqltext.without_dataset(text)).rows[0][0].value) > 400


def test_projection_is_the_outer_select_clauses_columns():
    from crdkg.sparqltext import projection

    assert projection("SELECT ?a (COUNT(?b) AS ?n) ?c WHERE { { SELECT ?x WHERE {} } }") == ["a", "n", "c"]
    assert projection("PREFIX : <x:> SELECT DISTINCT ?a\nFROM <g> WHERE { ?a ?b ?c }") == ["a"]
    assert projection("SELECT * WHERE { ?a ?b ?c }") is None
    assert projection("ASK { ?a ?b ?c }") is None
    assert projection("SELECT (CONCAT(?a, \"?b\") AS ?label) {}") == ["label"]
