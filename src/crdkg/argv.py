"""The command line's arguments, declared once and read two ways.

Each command's arguments are a list of :class:`Arg` (with :class:`Group` for a titled
group in the help and :class:`Exclusive` for mutually exclusive ones), in the terms of
``argparse.add_argument``. :func:`build_parser` turns them into an argparse parser: the
help, the usage and every error message. :func:`quick_parse` reads the plain forms that
scripts and CI type (``crdkg query NAME --param k=v --format csv``) without importing
argparse (docs/cold-path.md): it accepts an argument list only where argparse would
give the same values, and returns None for anything else (help, abbreviations, joined
short options, a value that fails its type or choices, ``--``), which then goes to argparse.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # the cold-path rule: docs/cold-path.md
if TYPE_CHECKING:  # pragma: no cover
    import argparse
    from collections.abc import Iterator, Mapping, Sequence
    from typing import Any, NoReturn

__all__ = ["Arg", "Exclusive", "Group", "build_parser", "quick_parse"]


class Arg:
    """One argument of a command: ``flags`` and keywords as ``add_argument`` takes them
    (actions ``store``, ``store_true`` and ``append``; ``nargs`` None, ``?`` or ``*``)."""

    __slots__ = ("action", "dest", "flags", "kwargs", "nargs")

    def __init__(self, *flags: str, **kwargs: object) -> None:
        self.flags = flags
        self.kwargs = kwargs
        self.action = kwargs.get("action", "store")
        self.nargs = kwargs.get("nargs")
        if self.action not in ("store", "store_true", "append") or self.nargs not in (None, "?", "*"):
            raise ValueError(f"{flags}: quick_parse does not read action={self.action!r} nargs={self.nargs!r}")
        if flags[0].startswith("-"):
            long = next((f for f in flags if f.startswith("--")), flags[0])
            self.dest = str(kwargs.get("dest") or long.lstrip("-").replace("-", "_"))
        else:
            self.dest = flags[0]

    @property
    def positional(self) -> bool:
        return not self.flags[0].startswith("-")

    def default(self) -> object:
        """The value argparse gives when the argument is absent."""
        if self.action == "store_true":
            return self.kwargs.get("default", False)
        value = self.kwargs.get("default")
        if value is None and self.nargs == "*" and self.positional:
            return []
        if isinstance(value, str) and "type" in self.kwargs:
            return self.convert(value)
        return value

    def convert(self, text: str) -> object:
        """``text`` as the argument's value; ``_INVALID`` where argparse would report an error."""
        kind = self.kwargs.get("type")
        if kind is not None:
            try:
                value = kind(text)  # type: ignore[operator]
            except Exception:
                return _INVALID
        else:
            value = text
        choices = self.kwargs.get("choices")
        if choices is not None and value not in choices:  # type: ignore[operator]
            return _INVALID
        return value


class Group:
    """Arguments shown under a title of their own in the help."""

    __slots__ = ("args", "title")

    def __init__(self, title: str, *args: Arg) -> None:
        self.title = title
        self.args = args


class Exclusive:
    """Arguments of which at most one may be given."""

    __slots__ = ("args",)

    def __init__(self, *args: Arg) -> None:
        self.args = args


_INVALID = object()


class Namespace:
    """The values read from a command line, as attributes (like ``argparse.Namespace``;
    ``types.SimpleNamespace`` would import ``types`` for it)."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:  # pragma: no cover
        def __getattr__(self, name: str) -> Any: ...  # the values are the arguments' own

    def __repr__(self) -> str:
        return "Namespace(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"


def _flat(entries: Sequence[Arg | Group | Exclusive]) -> Iterator[tuple[Arg, int | None]]:
    """Each argument with the number of its exclusive group (None if it has none)."""
    for n, entry in enumerate(entries):
        if isinstance(entry, Arg):
            yield entry, None
        else:
            for arg in entry.args:
                yield arg, (n if isinstance(entry, Exclusive) else None)


def quick_parse(commands: Mapping[str, Sequence[Arg | Group | Exclusive]],
                argv: Sequence[str]) -> Namespace | None:
    """``argv`` read as argparse would read it, with ``command`` set to the command's name;
    None where the quick reading is not certain to agree (argparse then reads it). Two
    passes, as argparse's own: the options (and the words before them), then the words
    given to the positional arguments."""
    if not argv or argv[0] not in commands:
        return None
    args = list(_flat(commands[argv[0]]))
    values = {arg.dest: arg.default() for arg, _ in args}
    words = _read_options(args, argv[1:], values)
    if words is None or not _read_positionals(args, words, values):
        return None
    if any(arg.kwargs.get("required") and values[arg.dest] is None for arg, _ in args):
        return None  # a required option is missing: argparse's error
    return Namespace(command=argv[0], **values)


def _read_options(args: list[tuple[Arg, int | None]], tokens: Sequence[str],
                  values: dict[str, object]) -> list[str] | None:
    """Set ``values`` from the options among ``tokens``; the other words, in order, or None
    where argparse might read the tokens otherwise (or refuse them)."""
    options = {flag: (arg, group) for arg, group in args if not arg.positional for flag in arg.flags}
    words: list[str] = []
    groups: dict[int, str] = {}
    after_option = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token.startswith("-") or token == "-":
            if after_option:
                return None  # a word after an option: argparse matches positionals in chunks
            words.append(token)
            continue
        after_option = True
        flag, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        found = options.get(flag)
        if found is None:
            return None  # unknown, abbreviated, joined short options, -h, --
        arg, group = found
        if group is not None and groups.setdefault(group, arg.dest) != arg.dest:
            return None  # two of an exclusive group: argparse's error
        if arg.action == "store_true":
            if eq:
                return None
            values[arg.dest] = True
            continue
        if not eq:
            if i >= len(tokens) or tokens[i].startswith("-"):
                return None  # a missing value, or one that argparse may take for an option
            inline = tokens[i]
            i += 1
        value = arg.convert(inline)
        if value is _INVALID:
            return None
        values[arg.dest] = [*(values[arg.dest] or ()), value] if arg.action == "append" else value  # type: ignore[misc]
    return words


def _read_positionals(args: list[tuple[Arg, int | None]], words: list[str], values: dict[str, object]) -> bool:
    """Give ``words`` to the positional arguments, as argparse would; False where it would
    refuse them (a required word missing, a value it cannot convert, a word too many)."""
    for arg, _ in args:
        if not arg.positional:
            continue
        if arg.nargs == "*":
            taken, words = words, []
        elif arg.nargs == "?" or words:
            taken, words = words[:1], words[1:]
        else:
            return False  # a required word is missing: argparse's error
        converted = [arg.convert(w) for w in taken]
        if _INVALID in converted:
            return False
        if arg.nargs == "*":
            values[arg.dest] = converted if converted else arg.default()
        elif converted:
            values[arg.dest] = converted[0]
    return not words  # more words than the command takes: argparse's error


def build_parser(commands: Mapping[str, Sequence[Arg | Group | Exclusive]], helps: Mapping[str, str], *,
                 only: str | None = None, **kwargs: object) -> argparse.ArgumentParser:
    """The argparse parser of ``commands`` (each a subcommand with its ``helps`` line);
    with ``only``, the arguments of that one command alone (a cold command does not pay
    for building the others). ``kwargs`` go to the top parser (``version`` becomes its
    ``--version``; ``epilog`` goes to each subparser too)."""
    import argparse

    class Formatter(argparse.HelpFormatter):
        """argparse's formatter, sized with os.get_terminal_size: argparse builds one for every
        argument it adds, and its own sizing imports shutil (with bz2 and lzma)."""

        def __init__(self, prog: str, **kw: object) -> None:
            if kw.get("width") is None:
                try:
                    columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size().columns
                except (OSError, ValueError):
                    columns = 80
                kw["width"] = max(columns - 2, 40)
            super().__init__(prog, **kw)  # type: ignore[arg-type]

    class Parser(argparse.ArgumentParser):
        """argparse's parser, whose error for an unknown option or command names the nearest."""

        def error(self, message: str) -> NoReturn:
            import difflib  # the error path only

            if message.startswith("unrecognized arguments: "):
                parsers = [self] + [p for action in self._actions
                                    for p in (getattr(action, "choices", None) or {}).values()
                                    if isinstance(p, argparse.ArgumentParser)]
                known = [s for p in parsers for action in p._actions for s in action.option_strings]
                unknown = message.split(": ", 1)[1].split()
                near = [m for u in unknown if u.startswith("-")
                        for m in difflib.get_close_matches(u.split("=", 1)[0], known, n=1, cutoff=0.75)]
                if near:
                    message += f" (did you mean {', '.join(dict.fromkeys(near))}?)"
            elif message.startswith("argument COMMAND: invalid choice: "):
                word = message.split("'")[1]
                near = difflib.get_close_matches(word, list(commands), n=1, cutoff=0.6)
                if near:
                    message += f" (did you mean {near[0]}?)"
            # one line, as every error of crdkg, rather than argparse's usage block and the message
            self.exit(2, f"crdkg: error: {' '.join(message.split())} (see {self.prog} --help)\n")

    top = dict(kwargs)
    version = top.pop("version", None)
    parser = Parser(formatter_class=Formatter, **top)  # type: ignore[arg-type]
    if version:
        parser.add_argument("--version", action="version", version=str(version))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    epilog = str(kwargs["epilog"]) if kwargs.get("epilog") else None
    for name, entries in commands.items():
        if only is None or only == name:
            p = sub.add_parser(name, help=helps[name], epilog=epilog, formatter_class=Formatter)
            _add(p, entries)
    return parser


def _add(parser, entries: Sequence[Arg | Group | Exclusive]) -> None:
    """Add ``entries`` to an argparse parser, argument group or exclusive group."""
    for entry in entries:
        if isinstance(entry, Arg):
            parser.add_argument(*entry.flags, **entry.kwargs)
        elif isinstance(entry, Group):
            _add(parser.add_argument_group(entry.title), entry.args)
        else:
            _add(parser.add_mutually_exclusive_group(), entry.args)
