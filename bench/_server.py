"""The benchmark's server process: the emulator, plus a control port to read and reset its stats.

Started by :func:`_harness.serve` in a child process pinned to its own core. It prints one JSON
line when ready (the emulator's URL, the control URL and the ``acme`` admin credentials, which
are the emulator's own and for local use only), then serves until SIGINT or SIGTERM.

With ``--cdt-records N``, the ``acme`` tenant also defines the 40-field CDT ``cdt-forty`` and
holds ``N`` records of it (``bench/_cdt_forty.py``): with ``--patients 0``, they are all that its
``CDT_RECORD`` export serves.

The control port answers ``GET /stats`` (the emulator's :class:`EmulatorStats` as JSON) and
``POST /reset`` (zeroes them), so a scenario counts what the *server* saw: token requests,
429s, requests per route template.
"""

# The ready line is this process's interface to the parent.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time

import _cdt_forty
from aiohttp import web

from welkin_async.testing import ServerRateLimit, WelkinEmulator


def _control_app(emulator: WelkinEmulator) -> web.Application:
    async def stats(_: web.Request) -> web.Response:
        counted = emulator.stats
        return web.json_response(
            {
                "requests": dict(counted.requests),
                "tokens_issued": counted.tokens_issued,
                "rate_limited": counted.rate_limited,
                "faults": dict(counted.faults),
            }
        )

    async def reset(_: web.Request) -> web.Response:
        emulator.stats.reset()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    return app


async def _serve(args: argparse.Namespace) -> None:
    rate = ServerRateLimit(args.rate, retry_after=args.retry_after) if args.rate else None
    emulator = WelkinEmulator(
        patients=args.patients,
        tenants=["acme"],
        token_ttl=args.token_ttl,
        rate_limit=rate,
        faults=args.faults or None,
    )
    started = time.perf_counter()
    if args.cdt_records:
        _cdt_forty.seed(emulator.tenant("acme"), args.cdt_records)
    seeded_records = time.perf_counter() - started
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with emulator:
        runner = web.AppRunner(_control_app(emulator), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        credentials = emulator.credentials("acme")
        ready = {
            "url": emulator.url,
            "control": f"http://127.0.0.1:{port}",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "seed_seconds": emulator.seed_seconds + seeded_records,
        }
        print(json.dumps(ready), flush=True)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, required=True)
    parser.add_argument("--cdt-records", type=int, default=0, help="records of cdt-forty")
    parser.add_argument("--rate", type=float, default=None, help="requests/s per API client")
    parser.add_argument(
        "--retry-after",
        choices=("seconds", "http-date", "none"),
        default="seconds",
        help="how 429s say when to come back ('none': they do not, as the live API)",
    )
    parser.add_argument("--token-ttl", type=float, default=3600.0)
    parser.add_argument("--faults", default="", help="emulator fault spec, e.g. 'latency=50ms'")
    asyncio.run(_serve(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
