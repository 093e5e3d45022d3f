"""``welkin-async``: the command line.

- ``codegen``: a tenant's CDT definitions -> an importable module of attrs classes.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_FAILED = 1
EXIT_USAGE = 2


def _codegen(args: argparse.Namespace) -> int:
    try:
        from welkin_codegen.errors import CodegenError
        from welkin_codegen.tenant import render_tenant
    except ImportError:
        print(
            "welkin-async codegen needs the codegen extra: pip install 'welkin-async[codegen]'",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        definitions = json.loads(args.definitions.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"cannot read {args.definitions}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    except json.JSONDecodeError as exc:
        print(
            f"{args.definitions}: not JSON (line {exc.lineno}, column {exc.colno})", file=sys.stderr
        )
        return EXIT_FAILED
    command = [
        "welkin-async",
        "codegen",
        "--tenant",
        args.tenant,
        "--definitions",
        str(args.definitions),
    ]
    if args.lenient:
        command.append("--lenient")
    try:
        module = render_tenant(
            args.tenant, definitions, command=shlex.join(command), lenient=args.lenient
        )
    except CodegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for warning in module.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(module.write(args.out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="welkin-async", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    codegen = commands.add_parser(
        "codegen",
        help="generate a tenant's CDT models",
        description="Write OUT/<tenant>.py: one attrs class per CDT of the tenant's definitions.",
    )
    codegen.add_argument("--tenant", required=True, help="the tenant's name, e.g. acme")
    codegen.add_argument(
        "--definitions",
        type=Path,
        required=True,
        metavar="FILE",
        help="CDT definitions as formations/current/cdts serves them (a JSON array)",
    )
    codegen.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    codegen.add_argument(
        "--lenient", action="store_true", help="type fields of unknown types as Any, with a warning"
    )
    codegen.set_defaults(run=_codegen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
