"""The download scenario's server process: the emulator, holding one large file for one patient.

Started by ``bench/downloads.py`` in a child process pinned to the server core. It seeds the
``acme`` tenant with one patient, gives that patient a document summary with one file of
``--mib`` MiB (a repeating byte pattern, served as ``application/pdf``), prints one JSON line
when ready (the emulator's URL, the ``acme`` admin credentials, which are the emulator's own
and for local use only, and the ids of the patient, summary and file), then serves until
SIGINT or SIGTERM.
"""

# The ready line is this process's interface to the parent.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from welkin_async.testing import WelkinEmulator
from welkin_async.testing._documents import file_entry, store_summary, summary_row
from welkin_async.testing._records import Actor

MIB = 1024 * 1024
_PATTERN = bytes(range(256)) * 4096  # 1 MiB


async def _serve(args: argparse.Namespace) -> None:
    emulator = WelkinEmulator(patients=1, tenants=["acme"])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with emulator:
        tenant = emulator.tenant("acme")
        env = tenant.environments["live"]
        patient_id = env.patients.ids()[0]
        summary_id, file_id = emulator.backend.new_id(), emulator.backend.new_id()
        content = _PATTERN * args.mib
        entry = file_entry(
            file_id, content, "application/pdf", "large.pdf", env=env, patient=patient_id
        )
        stamp = env.stamp(emulator.clock)
        actor = Actor(id="bench", name="bench")
        row = summary_row(
            summary_id,
            patient_id,
            tenant,
            "doc-type-others",
            files=[entry],
            stamp=stamp,
            actor=actor,
        )
        store_summary(env, row, stamp)
        env.files[file_id] = content
        credentials = emulator.credentials("acme")
        ready = {
            "url": emulator.url,
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "patient_id": patient_id,
            "summary_id": summary_id,
            "file_id": file_id,
            "size": len(content),
        }
        print(json.dumps(ready), flush=True)
        await stop.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, required=True, help="the file's size in MiB")
    asyncio.run(_serve(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
