"""``welkin-async``: the command line.

- ``codegen``: a tenant's CDT definitions -> an importable module of attrs classes;
- ``emulator``: serve the local Welkin API emulator until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
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


async def _serve_emulator(args: argparse.Namespace) -> None:
    from welkin_async.testing import ServerRateLimit, WelkinEmulator

    rate = ServerRateLimit(args.rate, retry_after=args.retry_after) if args.rate else None
    emulator = WelkinEmulator(
        seed=args.seed,
        patients=args.patients,
        token_ttl=args.token_ttl,
        rate_limit=rate,
        faults=args.faults,
        port=args.port,
    )
    async with emulator:
        print(f"Welkin emulator serving at {emulator.url} (Ctrl-C stops it)")
        print(f"  seeded {args.patients} patients per tenant in {emulator.seed_seconds:.1f} s")
        print(f"  OpenAPI document: {emulator.url}/openapi.json")
        for tenant in emulator.tenants.values():
            for client in tenant.api_clients.values():
                print(f"  tenant {tenant.name}, role {client.role.name}:")
                print(f"    documented layout  {emulator.url}/v1/{tenant.name}/live/...")
                print(f"      WELKIN_CLIENT_ID={client.client_id}")
                print(f"      WELKIN_CLIENT_SECRET={client.secret}")
                print(f"    live layout        {emulator.url}/{tenant.name}/live/...")
                print(f"      WELKIN_API_CLIENT={client.name}")
                print(f"      WELKIN_API_SECRET={client.secret}")
        sys.stdout.flush()
        await asyncio.Event().wait()  # until Ctrl-C cancels the run


def _emulator(args: argparse.Namespace) -> int:
    try:
        import jsonschema  # noqa: F401 - only to say what to install
    except ImportError:
        print(
            "welkin-async emulator needs the testing extra: pip install 'welkin-async[testing]'",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if args.faults:
        from welkin_async.testing import Faults

        try:
            Faults.parse(args.faults)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        asyncio.run(_serve_emulator(args))
    except KeyboardInterrupt:
        print("emulator stopped", file=sys.stderr)
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

    emulator = commands.add_parser(
        "emulator",
        help="serve the local Welkin API emulator",
        description="Serve the emulator on 127.0.0.1 and print its URL and credentials. "
        "The credentials are the emulator's own, for local use only.",
    )
    emulator.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    emulator.add_argument("--patients", type=int, default=1000, help="seeded per tenant")
    emulator.add_argument("--seed", type=int, default=0, help="same seed, same data")
    emulator.add_argument("--token-ttl", type=float, default=3600.0, metavar="SECONDS")
    emulator.add_argument("--rate", type=float, default=None, help="requests/s per API client")
    emulator.add_argument(
        "--retry-after", choices=("seconds", "http-date", "none"), default="seconds",
        help="how 429s say when to retry",
    )  # fmt: skip
    emulator.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault rules separated by ';', e.g. "
        "'503@0.05; latency=20ms..80ms; reset-after@0.01 for PATCH /patients/{patient_id}'",
    )
    emulator.set_defaults(run=_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
