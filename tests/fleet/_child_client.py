"""One process of a test fleet: a WelkinClient in fleet mode, driven by lines on stdin.

Started by tests/fleet/test_coordination.py as ``python -m tests.fleet._child_client CONFIG``
(CONFIG: a JSON file with the emulator's URL and credentials, the Redis URL, the key prefix,
the patient ids and the number of tasks). It opens its client, says ``{"ready": true}``, then
answers each command with one JSON line:

- ``scan SECONDS``: every task calls ``patients.get`` over the ids until the time is up;
  answers the successes and 429s it saw (its ``on_response`` hook) and its client's stats;
- ``get FIRST LAST``: gets ids[FIRST:LAST], ``tasks`` at a time; answers the ids it got, whether
  the fleet is shared and how many Redis outages it has seen;
- ``rejoin SECONDS``: calls ``patients.get`` on the first id, one call every 50 ms, until the
  client is in shared mode again (or the time is up); answers how many calls that took;
- ``quit``: closes the client and exits.
"""

# Printing JSON lines is this process's interface to the test.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from welkin_async import ClientCredentials, ResponseEvent, WelkinClient, WelkinError
from welkin_async.fleet import RedisCoordination


def say(document: dict[str, Any]) -> None:
    print(json.dumps(document), flush=True)


async def scan(client: WelkinClient, ids: list[str], tasks: int, seconds: float) -> dict[str, Any]:
    seen: dict[str, Any] = {"failed": 0, "errors": []}
    deadline = time.monotonic() + seconds

    async def worker(first: int) -> None:
        index = first
        while time.monotonic() < deadline:
            try:
                await client.patients.get(ids[index % len(ids)])
            except WelkinError as exc:
                seen["failed"] += 1
                seen["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
            index += tasks

    await asyncio.gather(*(worker(first) for first in range(tasks)))
    return seen


async def get(client: WelkinClient, ids: list[str], tasks: int) -> list[str]:
    gate = asyncio.Semaphore(tasks)

    async def one(patient_id: str) -> str:
        async with gate:
            patient = await client.patients.get(patient_id)
            return str(patient.id)

    return list(await asyncio.gather(*(one(patient_id) for patient_id in ids)))


async def rejoin(client: WelkinClient, patient_id: str, seconds: float) -> int:
    calls, deadline = 0, time.monotonic() + seconds
    while not client.stats.fleet_shared and time.monotonic() < deadline:
        await client.patients.get(patient_id)
        calls += 1
        await asyncio.sleep(0.05)  # a steady trickle of calls, not synchronisation
    return calls


async def main(config: dict[str, Any]) -> None:
    responses = {"ok": 0, "throttled": 0}

    def on_response(event: ResponseEvent) -> None:
        if event.path.startswith("patients"):
            if event.status == 429:
                responses["throttled"] += 1
            elif 200 <= event.status < 300:
                responses["ok"] += 1

    coordination = RedisCoordination(config["redis"], key_prefix=config["prefix"])
    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials(config["client_id"], config["client_secret"]),
        base_url=config["url"],
        coordination=coordination,
        on_response=on_response,
    )
    ids: list[str] = config["ids"]
    tasks: int = config["tasks"]
    loop = asyncio.get_running_loop()
    async with client:
        say({"ready": True})
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).split():
            command, args = line[0], line[1:]
            if command == "quit":
                break
            before = dict(responses)
            if command == "scan":
                answer: dict[str, Any] = await scan(client, ids, tasks, float(args[0]))
            elif command == "rejoin":
                answer = {"calls": await rejoin(client, ids[0], float(args[0]))}
            elif command == "get":
                answer = {"got": await get(client, ids[int(args[0]) : int(args[1])], tasks)}
            else:
                raise SystemExit(f"unknown command {command!r}")
            answer.update(
                ok=responses["ok"] - before["ok"],
                throttled=responses["throttled"] - before["throttled"],
                shared=client.stats.fleet_shared,
                outages=client.stats.fleet_outages,
                token_requests=client.stats.token_requests,
                rate=client.stats.rate_per_second,
                pauses=client.stats.pauses,
                decreases=client.stats.rate_decreases,
            )
            say(answer)


if __name__ == "__main__":
    asyncio.run(main(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
