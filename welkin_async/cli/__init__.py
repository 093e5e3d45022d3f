"""``welkin-async``: the command line.

- ``demo``: the main job: seed the embedded emulator, regenerate the tenant's models from it,
  fetch every patient and CDT record concurrently, and report what it took;
- ``codegen``: a tenant's CDT definitions (a file, or ``--from-api``) -> a module of attrs classes;
- ``emulator``: serve the local Welkin API emulator until interrupted;
- ``export``: bulk export of one or more record types to JSONL, resumable after a crash.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from welkin_async.cli import _codegen, _demo, _emulator, _export


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="welkin-async", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _demo.add_parser(commands)
    _codegen.add_parser(commands)
    _emulator.add_parser(commands)
    _export.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))
