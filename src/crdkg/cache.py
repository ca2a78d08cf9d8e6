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

TYPE_CHECKING = False  # typing costs 2-5 ms of every cold command
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Mapping, Sequence
    from os import PathLike
    from pathlib import Path

    Paths = Mapping[str, Sequence[str | PathLike[str]]]

try:  # hashlib imports OpenSSL's bindings first (2 ms of every cold query); blake2 needs neither
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
    if forced is not None:
        return forced
    if os.environ.get("CRDKG_NO_CACHE"):
        return False
    total = 0
    for paths in files.values():
        for p in paths:
            try:
                total += os.stat(p).st_size
            except OSError:
                return False  # let the loader report the unreadable file
    return total >= MIN_BYTES


def key(files: Paths) -> str:
    from . import __version__

    h = blake2b(digest_size=20)
    h.update(f"crdkg {__version__} pyoxigraph {ox.__version__}\n".encode())
    for part, paths in files.items():
        for p in paths:
            h.update(f"{part}\0{os.path.realpath(p)}\0".encode())
            with open(p, "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
            h.update(b"\n")
    return h.hexdigest()


def _prune(root: Path) -> None:
    import shutil

    entries = sorted((d for d in root.iterdir() if d.is_dir() and (d / "complete").exists()),
                     key=lambda d: (d / "complete").stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def cached_store(files: Paths, load: Callable[[ox.Store, str, str], None]) -> ox.Store:
    """The read-only store for ``files``, built with ``load`` on a miss."""
    import shutil
    import traceback
    from pathlib import Path

    root = Path(folder())
    entry = root / key(files)
    if (entry / "complete").exists():
        (entry / "complete").touch()
        return ox.Store.read_only(str(entry / "store"))
    root.mkdir(parents=True, exist_ok=True)
    building = root / f"{entry.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    store = None
    try:
        building.mkdir(parents=True)
        store = ox.Store(str(building / "store"))
        for part, paths in files.items():
            for path in paths:
                load(store, path, part)
        store.flush()
        del store
        try:
            building.rename(entry)
        except OSError:  # another process built it first
            shutil.rmtree(building, ignore_errors=True)
        (entry / "complete").touch()
    except BaseException as err:
        # close the half-built store (the traceback's frames hold it) before removing it
        store = None  # noqa: F841 - drops this frame's reference
        traceback.clear_frames(err.__traceback__)
        shutil.rmtree(building, ignore_errors=True)
        raise
    _prune(root)
    return ox.Store.read_only(str(entry / "store"))
