"""The processes that run the server's queries, so that a query past its time limit is stopped.

pyoxigraph cannot cancel a running query (0.5 has no such call), and a thread cannot be
killed: a query abandoned at its time limit would run on, holding its CPU and memory. So
``crdkg serve`` runs every query in a worker process that is killed at the limit and replaced.

How the processes are made: before the server starts (before it has a thread), the graph is
parsed whole and a *zygote* process is forked from it. The zygote does nothing but fork
workers on request (it has one thread, so forking is safe) and pass each new worker's socket
back over a Unix socket; a worker holds the parsed graph from the start (copy-on-write), so a
replacement is ready in milliseconds. A worker's address space is limited (``RLIMIT_AS``): a
query that needs more memory ends its worker, not the server. When the server goes, the zygote
sees its socket close and kills the workers.

Where ``fork`` does not exist (Windows), or with ``--workers 0``, queries run in threads of the
server as before: answered 503 at the limit, but not stopped (:class:`ThreadRunner`).

A job is a module-level function and plain arguments, ``fn(engine, *args)``: a function is sent
by its name (pickle), so a worker runs exactly the code the server has.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import anyio

from ..engines.base import Engine
from ..errors import CrdkgError, ParameterError, QueryError


class JobFailed(Exception):
    """A job that gave no answer: the HTTP status and the one-line reason to answer with."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _error_record(err: BaseException) -> tuple[Any, ...]:
    """An exception of a job as plain data (rebuilt by :func:`_raise_record`)."""
    if isinstance(err, ParameterError):
        return ("error", "parameter", str(err), tuple(err.candidates))
    if isinstance(err, QueryError):
        return ("error", "query", str(err), tuple(err.candidates))
    if isinstance(err, CrdkgError):
        return ("error", "crdkg", str(err), ())
    if isinstance(err, MemoryError):
        return ("memory",)
    if isinstance(err, RecursionError):
        return ("error", "query", "the query nests too deeply to be evaluated", ())
    return ("internal", f"{type(err).__name__}: {err}")


def _raise_record(record: tuple[Any, ...], memory_mb: int | None) -> Any:
    kind = record[0]
    if kind == "ok":
        return record[1]
    if kind == "error":
        _, which, message, candidates = record
        if which == "parameter":
            raise ParameterError(message, candidates=candidates)
        if which == "query":
            raise QueryError(message, candidates=candidates)
        raise CrdkgError(message)
    if kind == "memory":
        raise JobFailed(503, f"the query needed more than this server's memory limit per query "
                             f"({memory_mb} MiB); add LIMIT or simplify it")
    raise JobFailed(500, f"internal error ({record[1].split(':')[0]}); please report it")


def run_job(engine: Engine, job: tuple[Callable[..., Any], tuple[Any, ...]]) -> tuple[Any, ...]:
    """Run ``job`` on ``engine``: ``("ok", value)`` or an error record."""
    fn, args = job
    try:
        return ("ok", fn(engine, *args))
    except BaseException as err:  # every outcome goes back to the server as data
        if isinstance(err, (KeyboardInterrupt, SystemExit)):
            raise
        return _error_record(err)


class ThreadRunner:
    """Jobs in threads of the server (``--workers 0``, or no ``fork``): a job past the time
    limit is answered 503 and left to finish (it cannot be stopped)."""

    stops_queries = False

    def __init__(self, engine: Engine, *, timeout: float) -> None:
        self.engine = engine
        self.timeout = timeout

    async def run(self, fn: Callable[..., Any], *args: Any, what: str = "the query") -> Any:
        try:
            with anyio.fail_after(self.timeout):
                record = await anyio.to_thread.run_sync(run_job, self.engine, (fn, args), abandon_on_cancel=True)
        except TimeoutError:
            raise JobFailed(503, f"{what} took longer than this server's limit of {self.timeout:g} s") from None
        return _raise_record(record, None)

    def interrupt(self) -> None:
        pass  # a thread cannot be stopped: the server's shutdown stops waiting for it

    def close(self) -> None:
        pass


# --- the processes ------------------------------------------------------------------------

def _memory_in_use() -> int:
    """This process's virtual memory size in bytes (Linux: /proc; elsewhere 0)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _worker_main(sock: socket.socket, engine: Engine, memory_mb: int | None) -> None:
    """A worker's life: answer jobs until the server's end of the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # what the engine prints as it fails (Rust's "memory allocation failed", a backtrace) is not
    # for the server's log: the request's answer says what happened
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    if memory_mb is not None:
        import resource

        limit = _memory_in_use() + memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    conn = Connection(sock.detach())
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            record = run_job(engine, job)
        except MemoryError:
            record = ("memory",)
        try:
            conn.send(record)
        except MemoryError:
            conn.send(("memory",))
        except (OSError, ValueError):
            os._exit(0)


def _zygote_main(control: socket.socket, engine: Engine, memory_mb: int | None) -> None:
    """The zygote's life: fork a worker for each byte the server sends, pass back its socket and
    process id; when the server's end closes, kill the workers and end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they end
    children: set[int] = set()
    while True:
        try:
            request = control.recv(1)
        except OSError:
            request = b""
        if not request:
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            os._exit(0)
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            ours.close()
            _worker_main(theirs, engine, memory_mb)
            os._exit(0)
        theirs.close()
        children = {p for p in children if _alive(p)} | {pid}
        socket.send_fds(control, [pid.to_bytes(8, "little")], [ours.fileno()])
        ours.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


class Worker:
    """One worker process, seen from the server: its socket and its process id."""

    def __init__(self, conn: Connection, pid: int) -> None:
        self.conn = conn
        self.pid = pid

    def call(self, job: tuple[Callable[..., Any], tuple[Any, ...]], timeout: float) -> tuple[Any, ...] | None:
        """Send ``job`` and wait for its record; None when the time is up (the worker is then
        killed). A worker that ended (a crash, out of memory) gives ``("memory",)``."""
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                self.kill()
                return None
            return self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            return ("memory",)

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.conn.close()

    @property
    def closed(self) -> bool:
        return self.conn.closed


class ProcessPool:
    """``size`` worker processes forked from a zygote that holds the parsed graph; at most
    ``size`` jobs run at once and at most ``queue`` wait (more are answered 503 with
    ``Retry-After``); a job past ``timeout`` (waiting included) is stopped with its worker."""

    stops_queries = True

    def __init__(self, engine: Engine, *, size: int, timeout: float, queue: int,
                 memory_mb: int | None) -> None:
        self.timeout = timeout
        self.size = size
        self.queue = queue
        self.memory_mb = memory_mb
        self.waiting = 0
        self._lock = threading.Lock()  # the control socket: one request at a time
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self.stopping = False
        self._slots: anyio.Semaphore | None = None
        self.control, theirs = socket.socketpair()
        self.zygote = os.fork()
        if self.zygote == 0:  # pragma: no cover - the zygote's side (it ends with os._exit)
            self.control.close()
            _zygote_main(theirs, engine, memory_mb)
        theirs.close()
        self._idle = [self._spawn() for _ in range(size)]
        self.restarted = 0

    def _spawn(self) -> Worker:
        with self._lock:
            self.control.sendall(b"+")
            message, fds, _, _ = socket.recv_fds(self.control, 8, 1)
        if not fds:
            raise CrdkgError("the server's zygote process ended; restart crdkg serve")
        return Worker(Connection(fds[0]), int.from_bytes(message, "little"))

    async def run(self, fn: Callable[..., Any], *args: Any, what: str = "the query") -> Any:
        if self._slots is None:
            self._slots = anyio.Semaphore(self.size)
        if self.stopping:
            raise JobFailed(503, "this server is stopping")
        if self.waiting >= self.queue:
            raise JobFailed(503, f"this server is busy (queries running: {self.size}, waiting: {self.waiting}); "
                                 "try again shortly", retry_after=max(1, round(self.timeout / 10)))
        started = time.monotonic()
        self.waiting += 1
        try:
            with anyio.fail_after(self.timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise JobFailed(503, f"{what} waited longer than this server's limit of {self.timeout:g} s "
                                 "for a free worker", retry_after=max(1, round(self.timeout / 10))) from None
        finally:
            self.waiting -= 1
        try:
            if self.stopping:
                raise JobFailed(503, "this server is stopping")
            worker = self._idle.pop()
            self._busy.add(worker)
            left = max(0.0, self.timeout - (time.monotonic() - started))
            try:
                record = await anyio.to_thread.run_sync(worker.call, (fn, args), left)
            finally:
                self._busy.discard(worker)
            if self.stopping:
                raise JobFailed(503, "this server is stopping")
            if worker.closed:  # killed at the limit, or ended: a fresh one takes its place
                self.restarted += 1
                worker = await anyio.to_thread.run_sync(self._spawn)
            self._idle.append(worker)
        finally:
            self._slots.release()
        if record is None:
            raise JobFailed(503, f"{what} took longer than this server's limit of {self.timeout:g} s "
                                 "and was stopped")
        return _raise_record(record, self.memory_mb)

    def interrupt(self) -> None:
        """The server is stopping: kill the workers that are running a query (each is answered
        503 at once) and start no more work."""
        self.stopping = True
        for worker in list(self._busy):
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except OSError:
                pass

    def close(self) -> None:
        if self.control.fileno() < 0:
            return  # closed already
        for worker in self._idle:
            worker.kill()
        self.control.close()  # the zygote sees it close, kills any worker left, and ends
        try:
            os.waitpid(self.zygote, 0)
        except ChildProcessError:
            pass


def runner(engine: Engine, *, workers: int, timeout: float, queue: int | None = None,
           memory_mb: int | None = 2048) -> ThreadRunner | ProcessPool:
    """Where the server's jobs run: ``workers`` processes (0: threads of the server)."""
    if workers <= 0 or not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
        return ThreadRunner(engine, timeout=timeout)
    graph = getattr(engine, "graph", None)
    if graph is not None:  # every part parsed once, here, rather than by each worker
        graph.parse_pending(graph.parts)
    return ProcessPool(engine, size=workers, timeout=timeout, queue=queue if queue is not None else 32 * workers,
                       memory_mb=memory_mb)
