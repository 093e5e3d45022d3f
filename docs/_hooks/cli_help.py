"""A mkdocs hook: the command line's pages show its ``--help``, taken from the parser at build time.

A page line ``<!-- welkin-async --help -->`` (or ``<!-- welkin-async demo --help -->``) becomes
that help as a text block, so the reference cannot drift from the flags the command takes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from typing import Any

from mkdocs.exceptions import PluginError

MARKER = re.compile(r"(?m)^<!-- welkin-async (?P<args>(?:[a-z-]+ )*)--help -->$")
WIDTH = "100"  # argparse wraps to $COLUMNS: a fixed width gives the same page on every machine


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return MARKER.sub(lambda match: _help_block(match["args"].split()), markdown)


def _help_block(args: list[str]) -> str:
    from welkin_async.cli import build_parser

    out = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            build_parser().parse_args([*args, "--help"])
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    text = out.getvalue()
    if not text.startswith("usage:"):
        raise PluginError(f"`welkin-async {' '.join([*args, '--help'])}` printed no usage")
    return f"```text\n{text.rstrip()}\n```"
