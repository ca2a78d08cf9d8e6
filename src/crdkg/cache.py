"""A cache of parsed graphs: large inputs are parsed once into an on-disk pyoxigraph
store, then opened read-only in milliseconds by every later command.

The key is a hash of crdkg's and pyoxigraph's versions and of each file's part, path and
*contents*, so a changed file always gives a new key: the cache is never stale. The
folder is ``$CRDKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/crdkg``, else ``~/.cache/crdkg``;
the few most recent entries are kept.
"""

from __future__ import annotations

import os

import pyoxigraph as ox

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Mapping, Sequence
    from os import PathLike
    from pathlib import Path

    Paths = Mapping[str, Sequence[str | PathLike[str]]]

try:  # not hashlib's, which loads OpenSSL's bindings first (docs/cold-path.md)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover
    from hashlib import blake2b

MIN_BYTES = 4 * 1024 * 1024  # inputs smaller than this parse faster than a store opens
KEEP = 4


def folder() -> str:
    """The cache folder (a path as text: a cold query reads parsed query headers from it)."""
    if os.environ.get("CRDKG_CACHE_DIR"):
        return os.environ["CRDKG_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "crdkg")


def wanted(files: Paths, forced: bool | None) -> bool:
    """Whether to use the on-disk store for ``files``: when asked (``--cache``, ``cache=True``
    or ``CRDKG_CACHE=1``) and they are large enough for it to open faster than they parse.
    Not by default: it opens a million triples in a tenth of a second, where parsing takes
    about two, but runs queries that follow many links (property paths, joins over the
    graph) up to ten times slower than the in-memory store (docs/benchmarks.md), so it would
    make some commands slower than no cache; pyoxigraph offers no faster way into memory
    than parsing the Turtle (N-Triples, N-Quads and copying from the on-disk store were each
    slower, measured 2026-12-01)."""
    if forced is not None:
        return forced
    if not os.environ.get("CRDKG_CACHE") or os.environ.get("CRDKG_NO_CACHE"):
        return False
    total = 0
    for paths in files.values():
        for p in paths:
            try:
                total += os.stat(p).st_size
            except OSError:
                return False  # let the loader report the unreadable file
    return total >= MIN_BYTES


class CacheError(Exception):
    """The cache cannot be used (unwritable, corrupt): the caller parses into memory."""


def read_files(files: Paths) -> tuple[str, dict[str, bytes]]:
    """The key of ``files`` and the bytes of each, read once: the store is built from the
    very bytes that were hashed, so a file replaced in between cannot poison the entry."""
    from . import __version__

    h = blake2b(digest_size=20)
    h.update(f"crdkg {__version__} pyoxigraph {ox.__version__}\n".encode())
    contents: dict[str, bytes] = {}
    for part, paths in files.items():
        for p in paths:
            path = os.fspath(p)
            h.update(f"{part}\0{os.path.realpath(path)}\0".encode())
            with open(path, "rb") as f:
                data = f.read()
            h.update(data)
            h.update(b"\n")
            contents[path] = data
    return h.hexdigest(), contents


def manifest(entry: Path) -> str:
    """What an entry's store is made of, written when it is complete: a line per file of the
    store with its size and digest, so that an entry changed since (a bad disk, a stray write,
    a copy cut short) is found before pyoxigraph opens it (a corrupt store can make it read
    without end)."""
    lines = ["crdkg cache entry 1"]
    for f in sorted((entry / "store").iterdir()):
        if f.is_file() and not f.name.startswith("LOG"):  # RocksDB's own log of what it did may grow
            h = blake2b(digest_size=16)
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            lines.append(f"{f.stat().st_size} {h.hexdigest()} {f.name}")
    return "\n".join(lines) + "\n"


def check_entry(entry: Path) -> str | None:
    """None when the entry's store is as :func:`manifest` recorded it; else what differs."""
    try:
        recorded = (entry / "complete").read_text(encoding="utf-8")
        actual = manifest(entry)
    except (OSError, UnicodeDecodeError) as err:
        return f"it cannot be read ({getattr(err, 'strerror', None) or err})"
    if recorded == actual:
        return None
    if not recorded.startswith("crdkg cache entry 1\n"):
        return "it has no record of its files (made by an older crdkg)"
    was = {line.rsplit(" ", 1)[-1]: line for line in recorded.splitlines()[1:]}
    now = {line.rsplit(" ", 1)[-1]: line for line in actual.splitlines()[1:]}
    changed = sorted(name for name in was.keys() | now.keys() if was.get(name) != now.get(name))
    return f"{changed[0]} is not as it was written" if changed else "its record does not match"


def _prune(root: Path) -> None:
    import shutil
    import time

    entries = sorted((d for d in root.iterdir() if d.is_dir() and (d / "complete").exists()),
                     key=lambda d: (d / "complete").stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    for d in root.iterdir():  # builds that were killed: their process is gone
        if ".building-" in d.name:
            pid = d.name.rsplit("-", 1)[-1]
            alive = pid.isdigit() and _alive(int(pid))
            if not alive or time.time() - d.stat().st_mtime > 24 * 3600:
                shutil.rmtree(d, ignore_errors=True)
        elif d.is_dir() and not (d / "complete").exists() and time.time() - d.stat().st_mtime > 3600:
            shutil.rmtree(d, ignore_errors=True)  # an entry whose build never completed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def cached_store(files: Paths, load: Callable[[ox.Store, str, str, bytes], None]) -> ox.Store:
    """The read-only store for ``files``, built with ``load`` (store, path, part, the file's
    bytes) on a miss. Raises :class:`CacheError` when the cache cannot be used; a corrupt
    entry is removed and built again."""
    import shutil
    import traceback
    from pathlib import Path

    root = Path(folder())
    digest, contents = read_files(files)
    entry = root / digest
    if (entry / "complete").exists():
        problem = check_entry(entry)
        if problem is None:
            try:
                ready = ox.Store.read_only(str(entry / "store"))
                (entry / "complete").touch()
                return ready
            except (OSError, RuntimeError, ValueError) as err:
                problem = f"it does not open ({err})"
        import sys

        print(f"crdkg: warning: the cache entry {entry} is corrupt: {problem}; it is removed and built again",
              file=sys.stderr)
        shutil.rmtree(entry, ignore_errors=True)
    building = root / f"{entry.name}.building-{os.getpid()}"
    store: ox.Store | None = None  # named, so that a failure can drop it before the folder goes
    try:
        root.mkdir(parents=True, exist_ok=True)
        _prune(root)
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        store = ox.Store(str(building / "store"))
        for part, paths in files.items():
            for path in paths:
                load(store, os.fspath(path), part, contents[os.fspath(path)])
        store.flush()
        del store
        (building / "complete.tmp").write_text(manifest(building), encoding="utf-8")
        try:
            building.rename(entry)
        except OSError:  # another process built it first
            shutil.rmtree(building, ignore_errors=True)
        else:
            (entry / "complete.tmp").rename(entry / "complete")  # the entry is complete once this is there
        return ox.Store.read_only(str(entry / "store"))
    except (OSError, RuntimeError) as err:
        store = None
        traceback.clear_frames(err.__traceback__)
        shutil.rmtree(building, ignore_errors=True)
        raise CacheError(f"{root}: {getattr(err, 'strerror', None) or err}") from None
    except BaseException as err:
        # close the half-built store (the traceback's frames hold it) before removing it
        store = None  # noqa: F841 - drops this frame's reference
        traceback.clear_frames(err.__traceback__)
        shutil.rmtree(building, ignore_errors=True)
        raise
