"""A small SPARQL lexer: enough to find a query's form, its variables and its WHERE group.

It knows strings, IRIs, comments and braces, so that a ``{`` inside a string or a ``#``
inside an IRI is never taken for syntax. Engines use it to bind parameter values by
substitution (SPARQL-dev SEP-0007): each occurrence of the variable becomes the value,
serialized as one RDF term in N-Triples syntax, so no value can change the query's
structure, and the engine sees a constant it can use (an index lookup, a constant filter).
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import QueryError

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Mapping

__all__ = ["MAX_QUERY_CHARS", "MAX_QUERY_DEPTH", "Token", "check_size", "is_variable_name", "query_form",
           "refuse_update", "substitute", "term_to_sparql", "tokens", "variables", "with_dataset", "without_dataset"]


# What the lexer reads as an IRI, a variable and a word, in the terms of regular expressions
# (written out with str methods, by the cold-path rule: docs/cold-path.md):
#   IRI      <[^<>"{}|^`\\\x00-\x20]*>
#   variable [?$]\w+
#   word     [A-Za-z_][A-Za-z0-9_\-]*(:[^\s{}();,.]*)?    (keywords, prefixed names, "a")
_NOT_IN_IRI = frozenset('<"{}|^`\\')
_WORD_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_WORD_REST = _WORD_START | frozenset("0123456789-")
_NOT_IN_LOCAL = frozenset("{}();,.")


def _iri_end(text: str, i: int) -> int:
    """The end of the IRI that starts with the ``<`` at ``i``; -1 if none starts there."""
    j = text.find(">", i + 1)
    if j < 0:
        return -1
    for c in text[i + 1:j]:
        if c in _NOT_IN_IRI or c <= " ":
            return -1
    return j + 1


def _var_end(text: str, i: int) -> int:
    """The end of the variable that starts with the ``?`` or ``$`` at ``i``; -1 if none."""
    j, n = i + 1, len(text)
    while j < n and (text[j].isalnum() or text[j] == "_"):  # \w, as re reads it in str patterns
        j += 1
    return j if j > i + 1 else -1


def _word_end(text: str, i: int) -> int:
    """The end of the word that starts at ``i``; -1 if none starts there."""
    n = len(text)
    if text[i] not in _WORD_START:
        return -1
    j = i + 1
    while j < n and text[j] in _WORD_REST:
        j += 1
    if j < n and text[j] == ":":
        j += 1
        while j < n and not (text[j].isspace() or text[j] in _NOT_IN_LOCAL):
            j += 1
    return j


def is_variable_name(name: str) -> bool:
    """Whether ``name`` is a variable name crdkg binds: ``[A-Za-z_][A-Za-z0-9_]*``."""
    return name.isascii() and name.isidentifier()


class Token:
    """A lexical token: ``kind`` is "iri", "string", "var", "word" or "punct"; ``start`` is
    its offset in the text."""

    __slots__ = ("kind", "start", "text")

    def __init__(self, kind: str, text: str, start: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start

    def __repr__(self) -> str:
        return f"Token(kind={self.kind!r}, text={self.text!r}, start={self.start!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.kind, self.text, self.start) == (other.kind, other.text, other.start)

    def __hash__(self) -> int:
        return hash((self.kind, self.text, self.start))


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text; comments and white space are skipped."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif not long and text[j] in "\r\n":
                    raise QueryError(f"unterminated string at offset {i}")
                j += 1
            if j >= n:
                raise QueryError(f"unterminated string at offset {i}")
            j += len(quote)
            yield Token("string", text[i:j], i)
            i = j
        elif c == "<" and (j := _iri_end(text, i)) > 0:
            yield Token("iri", text[i:j], i)
            i = j
        elif c in "?$" and (j := _var_end(text, i)) > 0:
            yield Token("var", text[i:j], i)
            i = j
        elif (j := _word_end(text, i)) > 0:
            yield Token("word", text[i:j], i)
            i = j
        else:
            yield Token("punct", c, i)
            i += 1


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def _form_word(text: str) -> str | None:
    """The first keyword of ``text`` that names a query form or an update operation."""
    for tok in tokens(text):
        if tok.kind == "word" and ((word := tok.text.upper()) in _FORMS or word in _UPDATES):
            return word
    return None


def _update_error(word: str) -> QueryError:
    return QueryError(f"{word} is a SPARQL update; crdkg runs queries only")


def query_form(text: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``; updates are refused."""
    word = _form_word(text)
    if word in _UPDATES:
        raise _update_error(word)
    if word is None:
        raise QueryError("no SELECT, ASK, CONSTRUCT or DESCRIBE found in the query")
    return word.lower()


def refuse_update(text: str) -> None:
    """Raise :class:`QueryError` if ``text`` is a SPARQL update (for an engine that found it
    does not parse as a query: its own message would not say why)."""
    try:
        word = _form_word(text)
    except QueryError:
        return  # not lexed either: the engine's own message says where
    if word in _UPDATES:
        raise _update_error(word)


def calls_service(text: str) -> bool:
    """True when ``text`` has a ``SERVICE`` clause (a call to a remote endpoint)."""
    if "service" not in text.lower():
        return False
    try:
        return any(t.kind == "word" and t.text.upper() == "SERVICE" for t in tokens(text))
    except QueryError:
        return True  # not lexed: the word may be in it; refuse rather than guess


def refuse_service(text: str, *, where: str) -> None:
    """Raise :class:`QueryError` if ``text`` calls a remote service: crdkg reaches the
    network only where the user asks for it (``where`` says what holds the query)."""
    if calls_service(text):
        raise QueryError(f"{where} has a SERVICE clause, which would send a request over the network; "
                         "crdkg's embedded engine and its validation reach no network"
                         " (crdkg query --allow-service allows it for an ad hoc query)")


#: the longest query text crdkg accepts, in characters
MAX_QUERY_CHARS = 1_000_000
#: how deep a query may nest: brackets, and the chains of operators, UNION, OPTIONAL and MINUS
#: that a SPARQL parser nests one inside the next (pyoxigraph's runs out of stack, and ends
#: the process, at 5,000 nested parentheses or 10,000 chained operators; 1,000 is far beyond
#: any query people write)
MAX_QUERY_DEPTH = 1_000
_OPENING, _CLOSING = frozenset("({["), frozenset(")}]")
_CHAINING = frozenset("+-*/|^!=<>&")
_CHAIN_WORDS = frozenset(("UNION", "OPTIONAL", "MINUS"))


def check_size(text: str, *, where: str = "the query") -> None:
    """Raise :class:`QueryError` if ``text`` is longer than :data:`MAX_QUERY_CHARS` or nests
    deeper than :data:`MAX_QUERY_DEPTH`, before any parser sees it. The depth counted is a
    bound on the parser's: each open bracket, plus each operator, UNION, OPTIONAL, MINUS or
    sibling group chained at the levels still open (a VALUES block's rows, being flat, count
    once). Nearly every query is cleared by counting characters, without lexing it."""
    if text in _CLEARED:
        return
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"{where} is {len(text):,} characters long; crdkg accepts at most {MAX_QUERY_CHARS:,}")
    _check_depth(text, where)
    if len(text) <= 20_000:  # a stored query's text is checked once, not per run (bounded: 512 of them)
        if len(_CLEARED) >= 512:
            _CLEARED.clear()
        _CLEARED.add(text)


#: texts that :func:`check_size` has cleared
_CLEARED: set[str] = set()


def _check_depth(text: str, where: str) -> None:
    lower = text.lower()
    bound = sum(text.count(c) for c in "({[+-*/|^!=<>&") + sum(lower.count(w) for w in ("union", "optional", "minus"))
    if bound <= MAX_QUERY_DEPTH:
        return
    chained = [0]  # per open level: its bracket and what is chained at it so far
    depth = 0  # the sum of chained
    values_level = -1  # the level of an open VALUES block, whose contents are flat
    previous: Token | None = None
    for tok in tokens(text):
        counted = 0
        if tok.kind == "word":
            word = tok.text.upper()
            if word == "VALUES" and values_level < 0:
                values_level = len(chained)
            elif word in _CHAIN_WORDS and values_level < 0:
                counted = 1
        elif tok.kind == "punct":
            c = tok.text
            if c in _OPENING:
                counted = 1 if c == "{" and values_level < 0 else 0
                chained[-1] += counted
                depth += counted
                chained.append(1)
                depth += 1
                counted = 0
            elif c in _CLOSING:
                if len(chained) > 1:
                    depth -= chained.pop()
                if values_level >= len(chained):
                    values_level = -1
            elif c in _CHAINING and values_level < 0:
                doubled = (previous is not None and previous.kind == "punct" and previous.start == tok.start - 1
                           and (previous.text + c) in ("||", "&&", "<=", ">=", "!="))
                counted = 0 if doubled else 1
        if counted:
            chained[-1] += counted
            depth += counted
        if depth > MAX_QUERY_DEPTH:
            line = text.count("\n", 0, tok.start) + 1
            raise QueryError(f"{where} nests deeper than crdkg's limit of {MAX_QUERY_DEPTH:,} levels (brackets, "
                             f"and chains of operators, UNION, OPTIONAL and MINUS) at line {line}")
        previous = tok


def with_prefixes(text: str, prefixes: Mapping[str, str]) -> tuple[str, int]:
    """``text`` with a ``PREFIX`` declaration for each prefix of ``prefixes`` that it uses
    and does not declare, put on its first line (so that line numbers stay); and the
    number of characters put there (to give a column of the first line as written)."""
    toks = list(tokens(text))
    declared = {toks[i + 1].text[:-1] for i, t in enumerate(toks[:-1])
                if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 1].text.endswith(":")}
    used = {t.text.split(":", 1)[0] for t in toks if t.kind == "word" and ":" in t.text}
    missing = sorted((used - declared) & set(prefixes))
    added = "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in missing)
    return added + text, len(added)


def parse_error(message: str) -> str:
    """An engine's message for a query that does not parse, on one line with where it stands
    (``line L, column C``) and at most 200 characters of what the parser expected."""
    text = " ".join(message.split())
    where = ""
    if text.startswith("error at ") and ":" in text[9:]:  # pyoxigraph: "error at L:C: ..."
        place, _, rest = text[9:].partition(": ")
        line, _, col = place.partition(":")
        if line.isdigit() and col.isdigit():
            where, text = f" at line {line}, column {col}", rest
    elif "(line:" in text and ", col:" in text:  # pyparsing (rdflib): "... (at char N), (line:L, col:C)"
        head, _, place = text.rpartition("(line:")
        line, _, col = place.rstrip(")").partition(", col:")
        if line.strip().isdigit() and col.strip().isdigit():
            where = f" at line {line.strip()}, column {col.strip()}"
            text = head.rstrip(", ").split(" (at char")[0].strip()
    if text.startswith("expected one of Prefix not found"):
        text = "a prefix that is neither declared (PREFIX) nor one of crdkg's (see the README)"
    if len(text) > 200:
        text = text[:197] + "..."
    return f"the query does not parse{where}: {text}"


def shifted(message: str, shift: int) -> str:
    """A parse error's message for the text as the user wrote it, when :func:`with_prefixes`
    put ``shift`` characters before its first line."""
    head = "the query does not parse at line 1, column "
    if shift and message.startswith(head):
        col, sep, rest = message[len(head):].partition(":")
        if col.isdigit() and int(col) > shift:
            return f"{head}{int(col) - shift}{sep}{rest}"
    return message


def _dataset_clause(toks: list[Token], i: int) -> tuple[int, str | None, bool] | None:
    """For ``FROM`` at ``toks[i]`` (a query's outer level): the index of the clause's last
    token, the IRI of the graph it names (None for a prefixed name) and whether it is
    ``FROM NAMED``; None when no graph follows."""
    j = i + 1
    named = j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED"
    if named:
        j += 1
    if j >= len(toks) or toks[j].kind not in ("iri", "word"):
        return None
    return j, (toks[j].text[1:-1] if toks[j].kind == "iri" else None), named


def without_dataset(text: str, *, dataset: list[str] | None = None, named: list[str] | None = None) -> str:
    """``text`` without its ``FROM`` and ``FROM NAMED`` clauses, for an engine that sets the
    dataset itself (crdkg's embedded graph; an endpoint asked to use the store's own default
    graph). Only a query's outer level can have them. The IRIs of the ``FROM`` clauses are
    appended to ``dataset``, those of ``FROM NAMED`` to ``named``, when they are given."""
    if "from" not in text.lower():
        return text
    toks = list(tokens(text))
    out: list[str] = []
    last, braces, i = 0, 0, 0
    while i < len(toks):
        tok = toks[i]
        if tok.text == "{":
            braces += 1
        elif tok.text == "}":
            braces -= 1
        elif braces == 0 and tok.kind == "word" and tok.text.upper() == "FROM":
            clause = _dataset_clause(toks, i)
            if clause is not None:
                j, iri, is_named = clause
                collect = named if is_named else dataset
                if collect is not None and iri is not None:
                    collect.append(iri)
                out.append(text[last:tok.start])
                last = toks[j].start + len(toks[j].text)
                i = j
        i += 1
    out.append(text[last:])
    return "".join(out)


def with_dataset(text: str, graphs: list[str]) -> str:
    """``text`` with its ``FROM`` clauses replaced by one ``FROM`` clause for each of ``graphs``,
    where its first ``FROM`` clause was (a query that has none is returned as it is)."""
    dataset: list[str] = []
    stripped = without_dataset(text, dataset=dataset)
    if not dataset:
        return text
    start = next(t.start for t in tokens(text) if t.kind == "word" and t.text.upper() == "FROM")
    clauses = "\n".join(f"FROM <{g}>" for g in graphs)
    return stripped[:start] + clauses + stripped[start:]


def with_protocol_dataset(text: str, default: list[str], named: list[str]) -> str:
    """``text`` with the dataset of a SPARQL Protocol request (``default-graph-uri``,
    ``named-graph-uri``), which replaces the query's own ``FROM`` and ``FROM NAMED`` clauses
    (SPARQL 1.1 Protocol 2.1.4): the clauses go where the query's dataset clause stands, before
    its ``WHERE`` group (after a CONSTRUCT template; at the end of a DESCRIBE without one)."""
    if not default and not named:
        return text
    stripped = without_dataset(text)
    toks = list(tokens(stripped))
    at, i = len(stripped), 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "word" and tok.text.upper() == "CONSTRUCT" and i + 1 < len(toks) and toks[i + 1].text == "{":
            depth, i = 0, i + 1
            while i < len(toks):  # past the template
                depth += {"{": 1, "}": -1}.get(toks[i].text, 0) if toks[i].kind == "punct" else 0
                if depth == 0:
                    break
                i += 1
        elif (tok.kind == "word" and tok.text.upper() == "WHERE") or (tok.kind == "punct" and tok.text == "{"):
            at = tok.start
            break
        i += 1
    clauses = "\n" + "".join(f"FROM <{g}>\n" for g in default) + "".join(f"FROM NAMED <{g}>\n" for g in named)
    return stripped[:at] + clauses + stripped[at:]


def variables(text: str) -> set[str]:
    """The names of the variables that the query mentions (without ``?``)."""
    return {t.text[1:] for t in tokens(text) if t.kind == "var"}


def projection(text: str) -> list[str] | None:
    """The names of the columns of the query's outermost SELECT, in order (``?v`` and
    ``(... AS ?v)``), or None for ``SELECT *`` or a query that is not a SELECT."""
    toks = list(tokens(text))
    start = next((i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "SELECT"), None)
    if start is None:
        return None
    out: list[str] = []
    paren = 0
    for i in range(start + 1, len(toks)):
        tok = toks[i]
        if tok.text == "(":
            paren += 1
        elif tok.text == ")":
            paren -= 1
        elif tok.text == "*" and paren == 0:
            return None
        elif tok.text == "{" or (tok.kind == "word" and tok.text.upper() in ("WHERE", "FROM")):
            break
        elif tok.kind == "var" and (paren == 0 or toks[i - 1].text.upper() == "AS"):
            out.append(tok.text[1:])
    return out


def _projected_by_subqueries(toks: list[Token]) -> set[str]:
    """The variables that a SELECT inside braces (a subquery) returns by name."""
    out: set[str] = set()
    braces, reading = 0, False
    for tok in toks:
        if tok.text == "{":
            braces += 1
            reading = False
        elif tok.text == "}":
            braces -= 1
        elif tok.kind == "word" and tok.text.upper() == "SELECT":
            reading = braces > 0
        elif tok.kind == "word" and tok.text.upper() in ("WHERE", "FROM"):
            reading = False
        elif reading and tok.kind == "var":
            out.add(tok.text[1:])
    return out


def term_to_sparql(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A term in SPARQL syntax. pyoxigraph writes canonical N-Triples, which escapes
    ``"``, ``\\``, line feeds and carriage returns in literals and refuses IRIs with
    spaces or ``>``, so the result is always exactly one RDF term."""
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise TypeError(f"only IRIs and literals can be bound, not {term!r}")
    return str(term)


def substitute(text: str, bindings: Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal], *,
               keep_dataset: bool = True, dataset: list[str] | None = None, named: list[str] | None = None) -> str:
    """``text`` with each bound variable replaced by its value, serialized as one RDF term:
    substitution as in SPARQL-dev SEP-0007, done on the tokens of the query, so a value
    can never change the query's structure. With ``keep_dataset=False`` the ``FROM`` clauses
    go, as in :func:`without_dataset`; ``dataset`` collects the IRIs of its ``FROM`` clauses
    and ``named`` those of its ``FROM NAMED`` clauses either way, in the same pass.

    A projected variable stays in the results as ``(term AS ?var)``; ``BOUND(?var)`` becomes
    ``(true)``; in GROUP BY and ORDER BY the term is bracketed. A variable that the query assigns
    (``AS ?var``) or gives values (``VALUES``) cannot be bound: that is a :class:`QueryError`.
    """
    if not bindings:
        wanted = dataset is not None or named is not None or not keep_dataset
        dropped = without_dataset(text, dataset=dataset, named=named) if wanted else text
        return text if keep_dataset else dropped
    terms = {}
    for name, term in bindings.items():
        if not is_variable_name(name):
            raise QueryError(f"invalid variable name {name!r}")
        terms[name] = term_to_sparql(term)
    return _Substitution(text, terms, keep_dataset=keep_dataset, dataset=dataset, named=named).run()


class _Substitution:
    """One pass of :func:`substitute` over the tokens of a query: the state of the clause being
    read (the projection, GROUP BY / ORDER BY, a VALUES block, the depth of brackets), and one
    method per kind of token that may change the text (a keyword, a bracket, a variable)."""

    def __init__(self, text: str, terms: dict[str, str], *, keep_dataset: bool, dataset: list[str] | None,
                 named: list[str] | None) -> None:
        self.text, self.terms = text, terms
        self.keep_dataset, self.dataset, self.named = keep_dataset, dataset, named
        self.toks = list(tokens(text))
        self.inner = _projected_by_subqueries(self.toks) & set(terms)
        self.out: list[str] = []
        self.last = 0  # the text up to here is in out
        self.paren = 0
        self.braces = 0
        self.projection_at: int | None = None  # paren depth of the SELECT clause being read
        self.clause: str | None = None  # "GROUP" or "ORDER" after GROUP BY / ORDER BY
        self.values_depth: int | None = None  # brace depth of a VALUES clause, until its data block closes

    def run(self) -> str:
        skip_to = -1
        for i, tok in enumerate(self.toks):
            if i <= skip_to:
                continue
            if tok.kind == "word":
                skip_to = self.word(i)
            elif tok.kind == "punct":
                self.punct(tok.text)
            elif tok.kind == "var" and tok.text[1:] in self.terms:
                self.variable(i)
        self.out.append(self.text[self.last:])
        return "".join(self.out)

    def replace(self, start: int, end: int, replacement: str = "") -> None:
        """Put ``replacement`` in place of the text from ``start`` to ``end``."""
        self.out += [self.text[self.last:start], replacement]
        self.last = end

    def word(self, i: int) -> int:
        """A keyword at token ``i``; the index of the last token it consumed."""
        toks, tok = self.toks, self.toks[i]
        word = tok.text.upper()
        previous = toks[i - 1] if i else None
        if word == "SELECT":
            self.projection_at = self.paren
        elif word in ("WHERE", "FROM"):
            self.projection_at = None
            if word == "FROM" and self.braces == 0:
                return self.from_clause(i)
        elif word == "BY" and previous is not None and previous.text.upper() in ("GROUP", "ORDER"):
            self.clause = previous.text.upper()
        elif word in ("HAVING", "LIMIT", "OFFSET"):
            self.clause = None
        elif word == "VALUES":
            self.values_depth = self.braces
        elif (word == "BOUND" and i + 3 < len(toks) and toks[i + 1].text == "("
              and toks[i + 2].kind == "var" and toks[i + 2].text[1:] in self.terms and toks[i + 3].text == ")"):
            self.replace(tok.start, toks[i + 3].start + 1, "(true)")  # bracketed: "FILTER true" does not parse
            return i + 3
        return i

    def from_clause(self, i: int) -> int:
        """A dataset clause at token ``i`` (as :func:`without_dataset` reads it): its IRI
        collected, the clause dropped unless the dataset is kept."""
        found = _dataset_clause(self.toks, i)
        if found is None:
            return i
        j, iri, is_named = found
        collect = self.named if is_named else self.dataset
        if collect is not None and iri is not None:
            collect.append(iri)
        if not self.keep_dataset:
            self.replace(self.toks[i].start, self.toks[j].start + len(self.toks[j].text))
        return j

    def punct(self, text: str) -> None:
        if text == "(":
            self.paren += 1
        elif text == ")":
            self.paren -= 1
        elif text == "{":
            self.braces += 1
            self.projection_at = None
            self.clause = None
        elif text == "}":
            self.braces -= 1
            self.clause = None
            if self.values_depth is not None and self.braces == self.values_depth:
                self.values_depth = None

    def variable(self, i: int) -> None:
        """A bound variable at token ``i``, replaced by its term as the clause it is in needs."""
        tok = self.toks[i]
        name = tok.text[1:]
        previous = self.toks[i - 1] if i else None
        if previous is not None and previous.kind == "word" and previous.text.upper() == "AS":
            raise QueryError(f"?{name} is assigned in the query (AS ?{name}), so it cannot be bound")
        if self.values_depth is not None:
            raise QueryError(f"?{name} is given values in the query (VALUES), so it cannot be bound")
        value_text = self.terms[name]
        if self.projection_at is not None and self.paren == self.projection_at:
            # the outer SELECT keeps a variable that a subquery returns (bound there)
            inner = self.braces == 0 and name in self.inner
            replacement = f"?{name}" if inner else f"({value_text} AS ?{name})"
        elif self.clause is not None and self.paren == 0:
            replacement = f"({value_text})"
        else:
            replacement = value_text
        self.replace(tok.start, tok.start + len(tok.text), replacement)
