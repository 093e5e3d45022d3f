"""``welkin-async emulator``: serve the local Welkin API emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import sys

EXIT_FAILED = 1
EXIT_USAGE = 2


async def _serve(args: argparse.Namespace) -> None:
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


def run(args: argparse.Namespace) -> int:
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
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        print("emulator stopped", file=sys.stderr)
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "emulator",
        help="serve the local Welkin API emulator",
        description="Serve the emulator on 127.0.0.1 and print its URL and credentials. "
        "The credentials are the emulator's own, for local use only.",
    )
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--patients", type=int, default=1000, help="seeded per tenant")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same data")
    parser.add_argument("--token-ttl", type=float, default=3600.0, metavar="SECONDS")
    parser.add_argument("--rate", type=float, default=None, help="requests/s per API client")
    parser.add_argument(
        "--retry-after", choices=("seconds", "http-date", "none"), default="seconds",
        help="how 429s say when to retry",
    )  # fmt: skip
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault rules separated by ';', e.g. "
        "'503@0.05; latency=20ms..80ms; reset-after@0.01 for PATCH /patients/{patient_id}'",
    )
    parser.set_defaults(run=run)
