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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from welkin_async._checkpoint import os_reason
from welkin_async.cli._env import client_from_env
from welkin_async.cli._failures import CommandError, require
from welkin_async.cli._parsing import add_command
from welkin_async.errors import WelkinError

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient
    from welkin_codegen.tenant import TenantModule


async def definitions_from_api(client: WelkinClient, formation: str = "current") -> Any:
    """The tenant's CDT definitions as served (plain JSON, the generator's input)."""
    return await client.request(
        "GET", "formations/{version}/cdts", path_params={"version": formation}
    )


def render(tenant: str, definitions: Any, command: list[str], *, lenient: bool) -> TenantModule:
    """The tenant module; ``command`` is what its header says made it."""
    from welkin_codegen.tenant import render_tenant

    return render_tenant(tenant, definitions, command=shlex.join(command), lenient=lenient)


def _read_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else "not UTF-8 text"
        raise CommandError(f"--definitions {path}: cannot be read ({reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
    raise CommandError(f"--definitions {path}: not JSON ({where})")


async def _read_api(args: argparse.Namespace) -> Any:
    async with client_from_env(args, tenant=args.tenant) as client:
        return await definitions_from_api(client, args.formation)


def run(args: argparse.Namespace) -> int:
    require("codegen", "welkin_codegen.tenant")  # it imports the generator and ruff
    from welkin_codegen.errors import CodegenError

    command = ["welkin-async", "codegen", "--tenant", args.tenant]
    if args.from_api:
        command.append("--from-api")
        if args.formation != "current":
            command += ["--formation", args.formation]
        try:
            definitions = asyncio.run(_read_api(args))
        except WelkinError as exc:  # its text names the call and status, never a secret
            raise CommandError(f"cannot read the CDT definitions: {exc}") from None
    else:
        command += ["--definitions", str(args.definitions)]
        definitions = _read_file(args.definitions)
    if args.lenient:
        command.append("--lenient")
    try:
        module = render(args.tenant, definitions, command, lenient=args.lenient)
    except CodegenError as exc:
        raise CommandError(str(exc)) from None
    for warning in module.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        written = module.write(args.out)
    except OSError as exc:
        raise CommandError(f"--out {args.out}: cannot be written ({os_reason(exc)})") from None
    print(written)
    return 0


DESCRIPTION = """\
Write OUT/<tenant>.py: one attrs class per CDT of the tenant's definitions, read from a file
or from the tenant's formation through the API (with the WELKIN_* credentials).

Needs the codegen extra: pip install 'welkin-async[codegen]'.
"""


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    parser = add_command(
        commands, "codegen", summary="generate a tenant's CDT models", description=DESCRIPTION
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
        help="read formations/FORMATION/cdts with the WELKIN_* credentials of the environment",
    )
    parser.add_argument(
        "--formation", default="current", help="with --from-api: current, draft or a version"
    )
    parser.add_argument(
        "--base-url", default=None, help="with --from-api: the host root (else WELKIN_BASE_URL)"
    )
    parser.add_argument(
        "--environment",
        default=None,
        help="with --from-api: the environment (else WELKIN_ENVIRONMENT, or live)",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    parser.add_argument(
        "--lenient", action="store_true", help="type fields of unknown types as Any, with a warning"
    )
    parser.set_defaults(run=run)
    return parser
