"""Records/s of a whole patient scan by WelkinClient, against raw aiohttp + json, in one run.

The emulator runs in a child process pinned to one core (``bench/emulator_pages.py`` starts it);
this process, pinned to the other, scans every patient of the ``acme`` tenant with
``POST by-filter/patients`` pages of 100, once per contender per round, contenders alternating:

- ``raw``: aiohttp and ``json.loads``, 8 pages in flight (the transport baseline);
- ``client``: ``WelkinClient.paginate(concurrency=8)``, items as dicts;
- ``client+models``: the same with ``item_type=Patient`` (typed attrs models);
- ``sequential``: ``WelkinClient.paginate()`` one page at a time, as a naive SDK pages.

Each scan must yield every patient exactly once. The report gives the median records/s of each
contender, its spread, and its ratio to ``raw`` (only ratios from one run mean anything on a
noisy machine)::

    python bench/client_paging.py            # 20,000 patients, 5 rounds
    python bench/client_paging.py --quick    # 5,000 patients, 3 rounds
"""

# A command-line report: printing is its job.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

import aiohttp
from emulator_pages import TENANT, Server, fetch_token, start_server, stop_server

from welkin_async import ClientCredentials, WelkinClient
from welkin_async.models import Patient

PAGE_SIZE = 100
CONCURRENCY = 8
Scan = Callable[[Server, int], Awaitable[list[str]]]


async def raw_scan(server: Server, total: int) -> list[str]:
    """What a user would write by hand: a token, then pages with a semaphore, json.loads."""
    pages = -(-total // PAGE_SIZE)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
        gate = asyncio.Semaphore(CONCURRENCY)
        url = f"{server.url}/v1/{TENANT}/live/by-filter/patients"

        async def page(number: int) -> list[str]:
            async with gate:
                params = {"page": str(number), "size": str(PAGE_SIZE)}
                async with session.post(url, params=params, headers=headers) as response:
                    body = json.loads(await response.read())
            return [item["id"] for item in body["content"]]

        chunks = await asyncio.gather(*(page(number) for number in range(pages)))
    return [patient_id for chunk in chunks for patient_id in chunk]


def client_scan(*, concurrency: int, typed: bool) -> Scan:
    async def scan(server: Server, _: int) -> list[str]:
        credentials = ClientCredentials(server.client_id, server.client_secret)
        async with WelkinClient(
            tenant=TENANT,
            environment="live",
            credentials=credentials,
            base_url=server.url,
            max_concurrency=CONCURRENCY,
        ) as client:
            if typed:
                pages = client.paginate(
                    "POST",
                    "by-filter/patients",
                    size=PAGE_SIZE,
                    concurrency=concurrency,
                    item_type=Patient,
                )
                return [str(patient.id) async for patient in pages]
            pages_of_dicts = client.paginate(
                "POST", "by-filter/patients", size=PAGE_SIZE, concurrency=concurrency
            )
            return [patient["id"] async for patient in pages_of_dicts]

    return scan


CONTENDERS: dict[str, Scan] = {
    "raw": raw_scan,
    "client": client_scan(concurrency=CONCURRENCY, typed=False),
    "client+models": client_scan(concurrency=CONCURRENCY, typed=True),
    "sequential": client_scan(concurrency=1, typed=False),
}


async def measure(server: Server, total: int, rounds: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for scan in CONTENDERS.values():  # warm-up: imports, caches, the server's render cache
        await scan(server, total)
    for round_number in range(rounds):
        order = list(CONTENDERS.items())
        if round_number % 2:
            order.reverse()  # A B C D, then D C B A: neither end is always first
        for name, scan in order:
            started = time.perf_counter()
            ids = await scan(server, total)
            seconds = time.perf_counter() - started
            if len(ids) != total or len(set(ids)) != total:
                raise SystemExit(f"{name}: {len(ids)} records, {len(set(ids))} distinct")
            results[name].append(total / seconds)
    return results


def report(results: dict[str, list[float]], total: int, command: str) -> None:
    baseline = statistics.median(results["raw"])
    print(f"\n{total:,} patients, pages of {PAGE_SIZE}, {CONCURRENCY} in flight: `{command}`\n")
    print("| contender | median records/s | min | max | ratio to raw |")
    print("|---|---:|---:|---:|---:|")
    for name, rates in results.items():
        median = statistics.median(rates)
        print(
            f"| {name} | {median:,.0f} | {min(rates):,.0f} | {max(rates):,.0f} "
            f"| {median / baseline:.2f} |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 patients, 3 rounds")
    args = parser.parse_args(argv)
    total, rounds = (5_000, 3) if args.quick else (20_000, 5)
    cpus = sorted(os.sched_getaffinity(0))
    server = start_server(total, cpus[0], None)
    try:
        if len(cpus) > 1:
            os.sched_setaffinity(0, {cpus[1]})
        results = asyncio.run(measure(server, total, rounds))
    finally:
        stop_server(server.process)
    report(results, total, " ".join(["python", *sys.argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
