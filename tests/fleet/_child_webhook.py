"""One webhook receiver replica of a test fleet: ``webhook_app`` with a ``RedisDedupe``.

Started by tests/fleet/test_webhook_replicas.py as ``python -m tests.fleet._child_webhook CONFIG``
(CONFIG: a JSON file with the ``whsec_`` secret, the Redis URL, the key prefix and the dedupe
secret). It serves on a free loopback port and says ``{"port": N}``; when its stdin is closed it
shuts down (waiting for running handlers), then says ``{"handled": [...], "stats": {...}}``: the
source id of every event its handler was given, and its receiver's counts.
"""

# Printing JSON lines is this process's interface to the test.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from welkin_async.fleet import RedisDedupe
from welkin_async.webhooks import WEBHOOK_RECEIVER, WebhookEvent, webhook_app


def say(document: dict[str, Any]) -> None:
    print(json.dumps(document), flush=True)


async def main(config: dict[str, Any]) -> None:
    handled: list[str] = []

    async def handle(event: WebhookEvent) -> None:
        handled.append(str(event.source_id))

    dedupe = RedisDedupe(config["redis"], secret=config["secret"], key_prefix=config["prefix"])
    app = webhook_app(handle, config["whsec"], dedupe=dedupe)
    runner = web.AppRunner(app, access_log=None)
    async with dedupe:
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            say({"port": runner.addresses[0][1]})
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        finally:
            await runner.cleanup()  # its shutdown waits for the handlers still running
    say({"handled": handled, "stats": dict(app[WEBHOOK_RECEIVER].stats)})


if __name__ == "__main__":
    asyncio.run(main(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
