"""How a command fails: one line on stderr, exit 1 (it failed) or 2 (it was called wrongly).

A command raises :class:`CommandError` (or lets a ``WelkinError`` or an ``OSError`` on a file or
a port through); :func:`welkin_async.cli.main` prints it as ``welkin-async COMMAND: error: ...``,
the form argparse gives a usage error, so every failure reads alike and none is a traceback.
"""

from __future__ import annotations

import importlib

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class CommandError(Exception):
    """A failure reported as one line: the text is that line, and names no secret or value."""


class UsageError(CommandError):
    """An option whose value only the run could judge: reported with the command's usage, as
    argparse reports a value it refuses."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"argument {option}: {reason}")


class MissingExtra(CommandError):
    """A module of an optional extra is not installed."""

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(f"{module} is not installed: install welkin-async[{extra}]")


def require(extra: str, *modules: str) -> None:
    """Import ``modules`` (the first the command would use, so their own imports are checked
    too), or fail naming the extra that installs them."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            package = (exc.name or module).split(".")[0]  # ``ruff``, not ``ruff.__main__``
            raise MissingExtra(extra, package) from None
