"""``welkin-async``: the command line.

- ``demo``: the main job: seed the embedded emulator, regenerate the tenant's models from it,
  fetch every patient and CDT record concurrently, and report what it took;
- ``codegen``: a tenant's CDT definitions (a file, or ``--from-api``) -> a module of attrs classes;
- ``emulator``: serve the local Welkin API emulator until interrupted;
- ``export``: bulk export of one or more record types to JSONL, resumable after a crash.

Every failure is one line on stderr, ``welkin-async COMMAND: error: ...``, and a non-zero exit:
2 for a command line it cannot take (with the command's usage, as argparse does), 1 for a run
that failed, 130 for Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata

from welkin_async.cli import _codegen, _demo, _emulator, _export
from welkin_async.cli._failures import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    CommandError,
    UsageError,
)
from welkin_async.cli._parsing import HelpFormatter, unknown_options
from welkin_async.errors import WelkinError

PROG = "welkin-async"
DESCRIPTION = """\
The welkin-async command line: a demo of the SDK, per-tenant model generation, the local
emulator and resumable bulk exports. Credentials come from WELKIN_* environment variables.
"""


def version() -> str:
    try:
        return metadata.version("welkin-async")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=HelpFormatter, allow_abbrev=False
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    added = {
        name: module.add_parser(commands)
        for name, module in (
            ("demo", _demo),
            ("codegen", _codegen),
            ("emulator", _emulator),
            ("export", _export),
        )
    }
    return parser, added


def build_parser() -> argparse.ArgumentParser:
    """The whole command line's parser (its ``--help`` is the reference the docs show)."""
    return _parsers()[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code (a command line it cannot take raises ``SystemExit(2)``,
    as argparse does)."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parsers()
    _refuse_unknown_options(words, commands)
    args, extra = parser.parse_known_args(words)
    command = commands[args.command]
    if extra:  # words the command has no place for, e.g. a second TYPE
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # Ctrl-C: the user knows; a command with more to say catches it
        return EXIT_INTERRUPTED
    except UsageError as exc:
        command.error(str(exc))
    except (CommandError, WelkinError) as exc:  # their texts name no secret and no value
        _fail(command, str(exc))
    except OSError as exc:  # a file or a port: what the OS said, and where
        _fail(command, _os_error(exc))
    return EXIT_FAILED


def _refuse_unknown_options(words: list[str], commands: dict[str, argparse.ArgumentParser]) -> None:
    """A mistyped option gets the command's usage and an error naming it, even when it also
    made a required option look missing."""
    # The top level takes only -h and --version, so the first other word is the command.
    name = next((word for word in words if not word.startswith("-")), None)
    if name in commands:
        rest = words[words.index(name) + 1 :]
        unknown = unknown_options(commands[name], rest)
        if unknown:
            commands[name].error(f"unrecognized arguments: {' '.join(unknown)}")


def _fail(command: argparse.ArgumentParser, message: str) -> None:
    print(f"{command.prog}: error: {' '.join(message.split())}", file=sys.stderr)


def _os_error(exc: OSError) -> str:
    from welkin_async._checkpoint import os_reason

    where = f"{exc.filename}: " if exc.filename is not None else ""
    return f"{where}{os_reason(exc)}"
