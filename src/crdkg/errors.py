"""Errors that the command line turns into a message and an exit code.

Exit codes (documented in the README):

* 0: success, or the data conforms;
* 1: the data does not conform (``crdkg validate``), or a check found rows;
* 2: bad input: a file that does not parse, a bad parameter, an endpoint that
  fails, a store that refuses a load;
* 70: an internal error (an exception crdkg did not expect: a bug, reported on one line);
* 71: out of memory;
* 74: the output cannot be written (a full disk, a closed standard output);
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 70
EXIT_MEMORY = 71
EXIT_OUTPUT = 74
EXIT_INTERRUPTED = 130


class CrdkgError(Exception):
    """Base class of the errors that crdkg reports without a traceback."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(CrdkgError):
    """A file that cannot be read or parsed: names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        where = ""
        if path is not None:
            where = path
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.column = column


class ParameterError(CrdkgError):
    """A query parameter that is missing, of the wrong type, unknown or ambiguous;
    ``candidates`` are the values it could have meant (prefixed names or IRIs), nearest first;
    ``unmatched`` is true when the value is a name that names nothing."""

    def __init__(self, message: str, *, candidates: tuple[str, ...] = (), unmatched: bool = False) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.unmatched = unmatched


class QueryError(CrdkgError):
    """A query that does not parse, or a stored query that is not in the catalogue;
    ``candidates`` are the stored queries an unknown name could have meant."""

    def __init__(self, message: str, *, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


class EndpointError(CrdkgError):
    """A SPARQL endpoint or Graph Store that cannot be reached or answers with an error."""


class LoadError(EndpointError):
    """A load into a triple store that failed; the message says what the store still holds.
    ``answered``: the store answered the request with an error (so it did not apply it);
    false when the request timed out or was cut, and the store may still apply it. ``status``:
    the HTTP status of that answer."""

    def __init__(self, message: str, *, answered: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.answered = answered or status is not None
        self.status = status
