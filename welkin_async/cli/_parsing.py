"""The command line's parsers: plain-text help with each option's default, no abbreviations,
and value types whose refusals name what was wrong (argparse names the option)."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence

# What argparse reads as a negative number (a value, not an option), as in ``--seed -1``.
_NEGATIVE_NUMBER = re.compile(r"-\d+$|-\d*\.\d+$")


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Descriptions as written (paragraphs kept) and each option's default after its help,
    unless there is none worth showing (``None``, a flag's ``False``, an empty list)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        default = action.default
        if default is None or default is False or default == []:  # 0 is a default to show
            return action.help
        return super()._get_help_string(action)


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    """A subcommand's parser. Abbreviations are off, so a mistyped option is refused by name
    rather than read as the option it happens to start."""
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )


def unknown_options(parser: argparse.ArgumentParser, args: Sequence[str]) -> list[str]:
    """The words of ``args`` that look like options ``parser`` does not have (``--sinse``).

    Found before parsing, so that a mistyped option is what the error names, not a required
    option it made look missing. argparse has no public list of a parser's option strings;
    ``_option_string_actions`` is the one its own parsing reads."""
    known = parser._option_string_actions
    unknown = []
    for word in args:
        if word == "--":  # everything after is a value
            break
        if word.startswith("-") and word != "-" and not _NEGATIVE_NUMBER.match(word):
            name = word.split("=", 1)[0]
            if name not in known:
                unknown.append(name)
    return unknown


def whole_number(text: str) -> int:
    """Any whole number (a seed)."""
    return _int(text)


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    """A whole number of at least 0."""
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def port(text: str) -> int:
    """A TCP port; 0 asks the system for a free one."""
    value = _int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be a port number from 0 to 65535")
    return value


def positive_float(text: str) -> float:
    """A finite number above 0."""
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return value


def non_negative_float(text: str) -> float:
    """A finite number of at least 0."""
    value = _float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a finite number")
    return value
