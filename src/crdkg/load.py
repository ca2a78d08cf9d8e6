"""``crdkg load``: the graph into a triple store, without losing data.

crdkg owns four named graphs (ontology, shapes, data, description) and, while a load runs,
two kinds of graph of its own: staging graphs under :data:`~crdkg.namespaces.STAGING_GRAPHS`
and the lock :data:`~crdkg.namespaces.LOCK_GRAPH`. It touches no other graph. A load

1. takes the store-wide lock (a conditional SPARQL Update, read back; so two loads, from one
   machine or two, exclude each other) and removes the staging graphs of earlier failed loads;
2. uploads the new version completely into staging graphs, and checks their triple counts;
3. replaces the live graphs: with an Update endpoint in one request of ``MOVE`` operations
   (not ``MOVE SILENT``: a MOVE whose staging graph is gone fails instead of emptying the
   live graph), which the stores we know apply as one transaction; with the Graph Store
   Protocol only, graph by graph with ``PUT`` (each graph atomic);
4. verifies the live graphs by content: each graph is read back, and its digest (SHA-256 of
   its sorted triples without blank nodes, in N-Triples, literals as Oxigraph normalizes
   them on both sides) and its triple count must be this version's. A swap that the store
   answered but did not apply, or another load's version, is found that way.

A failure before the swap leaves the previous version in place and says so. After a failed
or ambiguous swap (a timeout: the store may still apply it) crdkg looks at the store before
it says which version is live, and leaves staging graphs that a late MOVE may still need to
the next load, which removes them.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import CrdkgError, LoadError
from .namespaces import DCT, GRAPHS, LOCK_GRAPH, STAGING_GRAPHS, STORE_PARTS, XSD
from .storeclient import StoreClient

__all__ = ["LoadSummary", "load_into_store"]

PARTS = (*STORE_PARTS, "description")
_DCT = DCT


@dataclass
class LoadSummary:
    counts: dict[str, int]
    method: str
    seconds: float
    verified_queries: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        total = sum(self.counts.values())
        lines = [f"Loaded {total} triples into {len(self.counts)} named graphs by {self.method} "
                 f"in {self.seconds:.1f} s; content (digests read back) and triple counts verified:"]
        lines += [f"  <{GRAPHS[p]}>  {n}" for p, n in self.counts.items()]
        if self.verified_queries:
            lines.append(f"{self.verified_queries} stored queries give the same results there as on the "
                         "embedded graph.")
        lines += self.notes
        return "\n".join(lines)


class Progress:
    """A one-line progress bar on stderr, shown on a terminal and not in CI."""

    def __init__(self, total: int, mode: str = "auto") -> None:
        on_tty = sys.stderr.isatty() and not os.environ.get("CI")
        self.enabled = mode == "always" or (mode == "auto" and on_tty)
        self.total = max(total, 1)
        self.done = 0

    def advance(self, n: int, label: str) -> None:
        self.done += n
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} triples  {label[:30]:<30}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


# -- the version to load ------------------------------------------------------------------

@dataclass
class Version:
    """The triples of each part, and the digest of each (see :func:`digest`)."""

    triples: dict[str, list[ox.Triple]]
    digests: dict[str, str]

    @classmethod
    def from_graph(cls, graph) -> Version:
        from .export import canonical_quads, dataset_quads

        quads = canonical_quads([*graph.quads(STORE_PARTS), *dataset_quads(graph)])
        triples = {p: [ox.Triple(q.subject, q.predicate, q.object) for q in quads
                       if q.graph_name == ox.NamedNode(GRAPHS[p])] for p in PARTS}
        return cls(triples, {p: digest(ts) for p, ts in triples.items()})

    def count(self, part: str) -> int:
        return len(self.triples[part])


def digest(triples: Sequence[ox.Triple]) -> str:
    """``sha256:`` + the SHA-256 of the sorted N-Triples lines of the triples that have no
    blank node, their literals as an Oxigraph store normalizes them (so that a store that
    normalizes the same way, or not at all, gives the same digest for the same content)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples
                 if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode))
    lines = sorted(str(ox.Triple(q.subject, q.predicate, q.object)) for q in store)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


# -- the lock -------------------------------------------------------------------------------

class Lock:
    """The store-wide lock of crdkg loads: a triple ``<lock#TOKEN> dcterms:identifier "TOKEN"``
    (with ``dcterms:created``) in the lock graph. Taken with a conditional update where there
    is an Update endpoint (with the Graph Store Protocol alone, by PUT, and a narrow race
    remains); read back, so that two loads that take it at the same moment both see it."""

    def __init__(self, store: StoreClient, token: str) -> None:
        self.store = store
        self.token = token
        self.node = f"{LOCK_GRAPH}#{token}"

    def _triples(self) -> str:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return (f'<{self.node}> <{_DCT}identifier> "{self.token}" ; '
                f'<{_DCT}created> "{now}"^^<{XSD}dateTime> .')

    def holders(self) -> dict[str, str]:
        """Token -> time for each load that holds the lock."""
        triples = self.store.graph_triples(LOCK_GRAPH)
        ids = {t.subject: t.object.value for t in triples
               if t.predicate.value == _DCT + "identifier" and isinstance(t.object, ox.Literal)}
        times = {t.subject: t.object.value for t in triples
                 if t.predicate.value == _DCT + "created" and isinstance(t.object, ox.Literal)}
        return {token: times.get(node, "?") for node, token in ids.items()}

    def acquire(self, *, break_lock: bool = False) -> None:
        if break_lock:
            self.store.drop_graph(LOCK_GRAPH)
        for attempt in range(2):
            if self.store.update_url:
                self.store.update(f"INSERT {{ GRAPH <{LOCK_GRAPH}> {{ {self._triples()} }} }} "
                                  f"WHERE {{ FILTER NOT EXISTS {{ GRAPH <{LOCK_GRAPH}> {{ ?s ?p ?o }} }} }}",
                                  what="taking the load lock")
            elif not self.holders():
                self.store.put_graph(LOCK_GRAPH, self._triples().encode("utf-8"), content_type="text/turtle",
                                     what="taking the load lock")
            held = self.holders()
            if set(held) == {self.token}:
                return
            others = {t: when for t, when in held.items() if t != self.token}
            if self.token in held:  # taken at the same moment as another load: both step back
                self.release()
                if attempt == 0:
                    time.sleep(random.uniform(0.2, 1.0))
                    continue
            token, when = sorted(others.items())[0] if others else ("?", "?")
            raise LoadError(f"another crdkg load holds the store's lock (load {token}, since {when}); nothing "
                            f"was changed. If no load is running (one was killed), run again with --break-lock")
        raise LoadError("another crdkg load took the store's lock at the same moment; nothing was changed. "
                        "Run the load again")

    def check(self) -> None:
        """Fail if the lock is no longer this load's (broken by another load)."""
        if self.token not in self.holders():
            raise LoadError("the store's load lock was taken over by another load (--break-lock) while this "
                            "load ran")

    def release(self) -> None:
        try:
            if self.store.update_url:
                self.store.update(f"DELETE WHERE {{ GRAPH <{LOCK_GRAPH}> {{ <{self.node}> ?p ?o }} }}",
                                  what="releasing the load lock")
            elif set(self.holders()) <= {self.token}:
                self.store.drop_graph(LOCK_GRAPH)
        except LoadError:
            pass  # the next load reports a lock it cannot take, with --break-lock as the way out


# -- the load --------------------------------------------------------------------------------

class Load:
    """One load, step by step (see the module documentation)."""

    def __init__(self, store: StoreClient, version: Version, token: str, bar: Progress) -> None:
        self.store = store
        self.version = version
        self.token = token
        self.bar = bar
        self.staging = {p: f"{STAGING_GRAPHS}{token}/{p}" for p in PARTS}
        self.notes: list[str] = []

    def remove_stale_staging(self) -> None:
        """Drop the staging graphs of earlier loads (under the lock, no other load runs)."""
        if not self.store.query_url:
            self.notes.append("Give the query URL (--query-endpoint) to have crdkg remove the staging graphs "
                              "that earlier failed loads may have left.")
            return
        rows = self.store.select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                                 f'FILTER(STRSTARTS(STR(?g), "{STAGING_GRAPHS}")) }}')
        stale = [r[0] for r in rows if r and r[0]]
        for iri in stale:
            self.store.drop_graph(iri)
        if stale:
            self.notes.append(f"Removed {len(stale)} staging graphs that earlier loads had left.")

    def upload(self, part: str, target: str) -> None:
        def advance(n: int) -> None:
            self.bar.advance(n, part)

        self.store.upload(target, self.version.triples[part], advance)

    def stage(self) -> None:
        for part in PARTS:
            self.upload(part, self.staging[part])
        for part in PARTS:
            got = self.store.count(self.staging[part])
            if got != self.version.count(part):
                short = "" if self.store.query_url or got > self.version.count(part) else (
                    " (read back whole by a Graph Store GET: a store that cuts long answers, as Virtuoso does at its "
                    "ResultSetMaxRows, reads short; give --query-endpoint, and crdkg reads each graph in parts)")
                raise LoadError(f"staging graph <{self.staging[part]}> holds {got} triples, "
                                f"expected {self.version.count(part)}{short}")

    def drop_staging(self) -> str:
        """Remove this load's staging graphs; say which could not be removed."""
        left = []
        for iri in self.staging.values():
            try:
                self.store.drop_graph(iri)
            except LoadError:
                left.append(iri)
        if not left:
            return ""
        return (f" The staging graphs under <{STAGING_GRAPHS}{self.token}/> could not be removed; the next load "
                f"removes them.")

    def swap(self) -> list[str]:
        """Replace the live graphs; the parts replaced (all of them with an Update endpoint)."""
        if self.store.update_url:
            ops = " ;\n".join(f"MOVE GRAPH <{self.staging[p]}> TO GRAPH <{GRAPHS[p]}>" for p in PARTS)
            self.store.update(ops, what="replacing crdkg's graphs")
            return list(PARTS)
        replaced = []
        for part in PARTS:
            self.upload(part, GRAPHS[part])
            replaced.append(part)
        return replaced

    def live(self) -> dict[str, tuple[str, int]]:
        """(digest, triple count) of each live graph, read back from the store."""
        out = {}
        for part in PARTS:
            if self.store.query_url:  # by this version's subjects, and a count (no answer too long)
                named = {t.subject for t in self.version.triples[part] if isinstance(t.subject, ox.NamedNode)}
                subjects = sorted(named, key=str)
                triples = self.store.graph_triples(GRAPHS[part], subjects)
                out[part] = (digest(triples), self.store.count(GRAPHS[part]))
            else:
                triples = self.store.graph_triples(GRAPHS[part])
                out[part] = (digest(triples), len(triples))
        return out

    def state(self) -> str:
        """What the store holds now, read from it: which version each live graph is, and
        whether the staging graphs are there."""
        try:
            live = self.live()
            staged = {p: self.store.count(self.staging[p]) for p in PARTS}
        except LoadError as err:
            return f"the store cannot be read to tell which version is live ({err}); look before loading again"
        ours = [p for p in PARTS if live[p] == (self.version.digests[p], self.version.count(p))]
        if len(ours) == len(PARTS):
            return "every live graph holds the new version (the swap was applied)"
        parts = [f"{', '.join(ours)}: the new version" if ours else "",
                 f"{', '.join(p for p in PARTS if p not in ours)}: not the new version (the previous one, or empty)"]
        staging = "the staging graphs are still there" if any(staged.values()) else "no staging graph is left"
        return "live graphs: " + "; ".join(x for x in parts if x) + f"; {staging}"

    def verify(self) -> dict[str, int]:
        """The triple count of each live graph, once its content is this version's."""
        live = self.live()
        for part in PARTS:
            got, n = live[part]
            if n != self.version.count(part):
                raise LoadError(f"after loading, <{GRAPHS[part]}> holds {n} triples, expected "
                                f"{self.version.count(part)}: the store changed under the load, or the swap was "
                                f"not applied. {self.state()}")
            if got != self.version.digests[part]:
                raise LoadError(f"after the swap, <{GRAPHS[part]}> does not hold this load's version (same number of "
                                f"triples, other content): the store changed under the load, or the swap was not "
                                f"applied. {self.state()}")
        return {p: n for p, (_, n) in live.items()}


def load_into_store(*, gsp: str | None = None, update: str | None = None, query: str | None = None,
                    verify_queries: bool = False, timeout: float = 120.0, progress: str = "auto",
                    break_lock: bool = False, on_staged: Callable[[], None] | None = None) -> LoadSummary:
    """Load crdkg's named graphs into a store; see the module documentation.

    ``gsp`` is the Graph Store Protocol URL, ``update`` the SPARQL Update URL, ``query`` the
    SPARQL query URL (needed for ``verify_queries``, and for counting triples when there is no
    Graph Store URL). ``break_lock`` removes a lock left by a load that was killed.
    ``on_staged`` is called after the upload, before the swap (for tests).
    """
    from .graph import load_graph

    if not gsp and not update:
        raise CrdkgError("give the store's Graph Store URL (--endpoint) or its Update URL (--update-endpoint)")
    if verify_queries and not query:
        raise CrdkgError("--verify-queries needs the store's SPARQL query URL (--query-endpoint)")
    if not gsp and not query:
        raise CrdkgError("with only an Update URL, give the query URL too (--query-endpoint) to verify the load")
    store = StoreClient(gsp=gsp, update=update, query=query, timeout=timeout)
    started = time.monotonic()
    graph = load_graph(parts=STORE_PARTS)
    version = Version.from_graph(graph)
    token = uuid.uuid4().hex[:12]
    bar = Progress(sum(version.count(p) for p in PARTS) * (2 if not update else 1), progress)
    load = Load(store, version, token, bar)
    lock = Lock(store, token)
    try:
        lock.acquire(break_lock=break_lock)
    except LoadError as err:
        raise LoadError(f"{err}. Nothing was replaced: the store still holds the previous version of crdkg's "
                        f"graphs (if any)") from None
    try:
        load.remove_stale_staging()
        try:  # 1. the new version into staging graphs, checked
            load.stage()
            lock.check()
        except LoadError as err:
            bar.close()
            left = load.drop_staging()
            raise LoadError(f"{err}. Nothing was replaced: the store still holds the previous version of "
                            f"crdkg's graphs (if any).{left}") from None
        if on_staged is not None:
            on_staged()
        try:  # 2. the swap
            load.swap()
        except LoadError as err:
            bar.close()
            if err.answered:  # the store answered with an error: it did not apply the request
                left = load.drop_staging()
                raise LoadError(f"{err}. {load.state()}.{left}") from None
            raise LoadError(f"{err}. The store may still apply the swap; {load.state()}. The next load removes "
                            f"what is left over") from None
        bar.close()
        if not update:
            load.drop_staging()
        counts = load.verify()  # 3. by content
    finally:
        lock.release()
    method = ("staging graphs and one SPARQL Update (MOVE)" if update
              else "staging graphs and Graph Store PUT per graph")
    summary = LoadSummary(counts=counts, method=method, seconds=time.monotonic() - started, notes=load.notes)
    if verify_queries:
        summary.verified_queries = _verify_queries(graph, query)  # type: ignore[arg-type]
    return summary


def _verify_queries(graph, query_url: str) -> int:
    """Run every stored query on the store and on the embedded graph; they must agree (doubles
    within a relative 1e-5, as stores write them with six significant digits)."""
    from .api import catalogue
    from .compare import agree
    from .engines.endpoint import EndpointEngine
    from .engines.oxigraph import OxigraphEngine
    from .querying import run_stored

    embedded = OxigraphEngine(graph)
    remote = EndpointEngine(query_url)
    n, differing = 0, []
    for q in catalogue():
        params = q.example_params()
        a = run_stored(q, embedded, params)
        b = run_stored(q, remote, params)
        if not agree(a, b, ordered=q.ordered):
            differing.append(q.name)
        n += 1
    if differing:
        names = ", ".join(repr(d) for d in differing)
        raise LoadError(f"stored {'query' if len(differing) == 1 else 'queries'} {names} "
                        f"{'gives' if len(differing) == 1 else 'give'} different results on {query_url} than on "
                        f"the embedded graph; the load itself is complete")
    return n
