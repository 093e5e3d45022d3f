"""``python -m welkin_codegen core [--check] [--root DIR]``: the Makefile's entry point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from welkin_codegen.core import check_core, generate_core


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m welkin_codegen")
    parser.add_argument("target", choices=["core"], help="what to generate")
    parser.add_argument("--check", action="store_true", help="fail if the files on disk differ")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project checkout")
    args = parser.parse_args(argv)
    if not args.check:
        generate_core(args.root)
        return 0
    problems = check_core(args.root)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("generated models are out of date: run `make generate`", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
