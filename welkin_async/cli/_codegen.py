"""``welkin-async codegen``: a tenant's CDT definitions -> an importable module of attrs classes.

The definitions come from a file (``--definitions``) or straight from the tenant's formation
(``--from-api``, with ``WELKIN_*`` credentials), as ``formations/{version}/cdts`` serves them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import sys
from typing import TYPE_CHECKING, Any

from welkin_async.cli._env import client_from_env
from welkin_async.errors import WelkinError

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient
    from welkin_codegen.tenant import TenantModule

EXIT_FAILED = 1
NEEDS_EXTRA = "welkin-async codegen needs the codegen extra: pip install 'welkin-async[codegen]'"


async def definitions_from_api(client: WelkinClient, formation: str = "current") -> Any:
    """The tenant's CDT definitions as served (plain JSON, the generator's input)."""
    return await client.request(
        "GET", "formations/{version}/cdts", path_params={"version": formation}
    )


def render(tenant: str, definitions: Any, command: list[str], *, lenient: bool) -> TenantModule:
    """The tenant module; ``command`` is what its header says made it."""
    from welkin_codegen.tenant import render_tenant

    return render_tenant(tenant, definitions, command=shlex.join(command), lenient=lenient)


class _Unreadable(Exception):
    """The definitions could not be read; the message says why, without their content."""


def _read_file(args: argparse.Namespace) -> Any:
    try:
        text = args.definitions.read_text(encoding="utf-8")
    except OSError as exc:
        raise _Unreadable(f"cannot read {args.definitions}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
    raise _Unreadable(f"{args.definitions}: not JSON ({where})")


async def _read_api(args: argparse.Namespace) -> Any:
    async with client_from_env(args, tenant=args.tenant) as client:
        return await definitions_from_api(client, args.formation)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_FAILED


def run(args: argparse.Namespace) -> int:
    try:
        from welkin_codegen.errors import CodegenError
    except ImportError:
        print(NEEDS_EXTRA, file=sys.stderr)
        return EXIT_FAILED
    command = ["welkin-async", "codegen", "--tenant", args.tenant]
    if args.from_api:
        command.append("--from-api")
        if args.formation != "current":
            command += ["--formation", args.formation]
        try:
            definitions = asyncio.run(_read_api(args))
        except WelkinError as exc:  # its text names the call and status, never a secret
            return _fail(f"cannot read the CDT definitions: {exc}")
    else:
        command += ["--definitions", str(args.definitions)]
        try:
            definitions = _read_file(args)
        except _Unreadable as exc:
            return _fail(str(exc))
    if args.lenient:
        command.append("--lenient")
    try:
        module = render(args.tenant, definitions, command, lenient=args.lenient)
    except CodegenError as exc:
        return _fail(str(exc))
    for warning in module.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(module.write(args.out))
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from pathlib import Path

    parser = commands.add_parser(
        "codegen",
        help="generate a tenant's CDT models",
        description="Write OUT/<tenant>.py: one attrs class per CDT of the tenant's definitions, "
        "read from a file or from the tenant's formation through the API.",
    )
    parser.add_argument("--tenant", required=True, help="the tenant's name, e.g. acme")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--definitions",
        type=Path,
        metavar="FILE",
        help="CDT definitions as formations/current/cdts serves them (a JSON array)",
    )
    source.add_argument(
        "--from-api",
        action="store_true",
        help="read formations/{FORMATION}/cdts with the WELKIN_* credentials of the environment",
    )
    parser.add_argument(
        "--formation", default="current", help="with --from-api: current (default), draft or N"
    )
    parser.add_argument(
        "--base-url", default=None, help="with --from-api: the host root (else WELKIN_BASE_URL)"
    )
    parser.add_argument(
        "--environment", default=None, help="with --from-api: else WELKIN_ENVIRONMENT or live"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    parser.add_argument(
        "--lenient", action="store_true", help="type fields of unknown types as Any, with a warning"
    )
    parser.set_defaults(run=run)
