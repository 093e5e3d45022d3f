"""One process of a test fleet running a PATIENT export with a ``RedisCheckpoint``.

Started by tests/fleet/test_export_resume.py as ``python -m tests.fleet._child_export CONFIG``
(CONFIG: a JSON file with the emulator's URL and credentials, the Redis URL, key prefix and
checkpoint secret, the output file, the page size, and ``hold``: ``null`` or
``["before_write" | "after_write", PAGE]``). It resumes the export from the checkpoint, appends
each page's records to the output file (one JSON line each), flushed and fsynced before the next
page is asked for, and says ``{"page": N, "records": R}`` after each page is written, then
``{"done": true}``. With ``hold``, it says ``{"held": PAGE}`` on reaching that page, before or
after writing it, and waits there (for the SIGKILL the test sends).
"""

# Printing JSON lines is this process's interface to the test.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from welkin_async import ClientCredentials, WelkinClient
from welkin_async.fleet import RedisCheckpoint


def say(document: dict[str, Any]) -> None:
    print(json.dumps(document), flush=True)


async def held(page: int) -> None:
    say({"held": page})
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def main(config: dict[str, Any]) -> None:
    checkpoint = RedisCheckpoint(
        config["redis"], secret=config["secret"], key_prefix=config["prefix"]
    )
    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials(config["client_id"], config["client_secret"]),
        base_url=config["url"],
    )
    hold = config["hold"]
    async with checkpoint, client:
        stream = client.exports.stream(
            "PATIENT", page_size=config["page_size"], checkpoint=checkpoint, typed=False
        )
        with Path(config["out"]).open("ab") as out:
            async for page in stream.pages():
                number = page.position.pages
                if hold == ["before_write", number]:
                    await held(number)
                out.write(b"".join(json.dumps(record).encode() + b"\n" for record in page.items))
                # Durable before the loop asks for the next page, which is when the stream
                # saves the position that counts these records.
                out.flush()
                os.fsync(out.fileno())
                say({"page": number, "records": page.position.records})
                if hold == ["after_write", number]:
                    await held(number)
    say({"done": True})


if __name__ == "__main__":
    asyncio.run(main(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
