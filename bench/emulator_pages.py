"""How many pages of 100 patients the emulator serves per second, from one process on one core.

The server is the shipped command, ``python -m welkin_async.cli emulator`` (the same code path
as ``welkin-async emulator``: the aiohttp application, the request pipeline, the
``POST by-filter/patients`` handler and its Spring page envelope), started in a child process
pinned to one core and seeded with ``--patients`` synthetic patients per tenant. This process
is the load generator, pinned to another core: aiohttp with keep-alive and ``--connections``
concurrent connections, each asking for ``page=P&size=100`` over every full page in turn.

After a warm-up, each of ``--rounds`` rounds times ``--requests`` requests; the report gives
the median, minimum and maximum pages/s (and records/s), the CPU each side used, and a Markdown
table line. On a shared machine the server may not get its whole core: the CPU share and the
pages per server CPU second it reports show when the wall-clock figure understates the server.

Every answer must be a 200, and sampled pages are parsed and checked to hold 100 distinct
patients with the right page metadata; otherwise the exit status is 1.

::

    python bench/emulator_pages.py            # the full run (about 30 s)
    python bench/emulator_pages.py --quick    # a short run
    python bench/emulator_pages.py --profile server.prof   # the server under cProfile

With ``--profile`` the server runs under cProfile (which slows it, so its figures are not the
benchmark's) and the functions where its time went are printed when it stops.
"""

# A command-line report: printing is its job.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import pstats
import re
import selectors
import shlex
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from yarl import URL

PAGE_SIZE = 100
TENANT = "acme"
SATURATED = 0.9  # server CPU share below which the wall-clock figure understates the server
READY_TIMEOUT = 120.0  # seconds for the child to seed and print its credentials
STOP_TIMEOUT = 60.0  # seconds for the child to stop after SIGINT (cProfile writes its file)
# The command's stdout: `export WELKIN_...=...` lines (the acme admin's OAuth credentials).
_SETTING = re.compile(r"export (WELKIN_[A-Z_]+)=(.*)")


class BenchError(Exception):
    """The benchmark could not run, or the server answered wrongly."""


@dataclass(frozen=True)
class Server:
    """The child process serving the emulator, and what it printed when it was ready."""

    process: subprocess.Popen[bytes]
    url: str
    client_id: str
    client_secret: str


@dataclass
class Tally:
    """What the load generator saw in one round."""

    requests: int = 0
    body_bytes: int = 0
    pages_checked: int = 0
    bad_status: dict[int, int] = field(default_factory=dict)
    bad_pages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Round:
    pages: int
    seconds: float
    server_cpu: float  # CPU seconds the server used during the round
    client_cpu: float  # CPU seconds this process used during the round
    body_bytes: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds

    @property
    def pages_per_cpu_second(self) -> float:
        """Pages per CPU second of the server: what its core would do if it had it all."""
        return self.pages / self.server_cpu if self.server_cpu > 0 else float("nan")


# -- the server process ----------------------------------------------------------------------


def _pin_process(pid: int, cpu: int) -> None:
    """Pin every thread of ``pid`` to ``cpu`` (threads started later inherit it)."""
    tasks = Path(f"/proc/{pid}/task")
    for tid in [int(entry.name) for entry in tasks.iterdir()] if tasks.exists() else [pid]:
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(tid, {cpu})


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of process ``pid``, all threads, from /proc."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text.rsplit(")", 1)[1].split()  # fields[0] is field 3 (state) of proc(5)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _lines(process: subprocess.Popen[bytes], deadline: float) -> Iterator[str]:
    """The child's stdout lines as they come, until ``deadline`` or the child exits."""
    if process.stdout is None:  # pragma: no cover - started with stdout=PIPE
        raise BenchError("the server's stdout is not captured")
    descriptor = process.stdout.fileno()  # read unbuffered: select() sees only the descriptor
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"the server was not ready within {READY_TIMEOUT:.0f} s")
            if not selector.select(remaining):
                continue
            chunk = os.read(descriptor, 65536)
            if not chunk:
                raise BenchError(f"the server exited early (status {process.wait()})")
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                yield line.decode().strip()


def _read_ready(process: subprocess.Popen[bytes]) -> tuple[str, str, str]:
    """The URL and the admin client's credentials, read from the child's export lines."""
    found: dict[str, str] = {}
    for line in _lines(process, time.monotonic() + READY_TIMEOUT):
        if setting := _SETTING.match(line):
            found[setting.group(1)] = shlex.split(setting.group(2))[0]  # shell-quoted
        if "WELKIN_CLIENT_SECRET" in found:  # the last of them
            return (
                found["WELKIN_BASE_URL"],
                found["WELKIN_CLIENT_ID"],
                found["WELKIN_CLIENT_SECRET"],
            )
    raise AssertionError("unreachable: _lines raises when the output ends")


def start_server(patients: int, cpu: int, profile: Path | None) -> Server:
    """Start ``welkin-async emulator`` on a free port, pinned to ``cpu``; wait until it serves."""
    profiler = ["-m", "cProfile", "-o", str(profile)] if profile is not None else []
    command = [
        sys.executable,
        "-P",  # import welkin_async as installed (as `welkin-async` does), not from the cwd
        *profiler,
        "-m",
        "welkin_async.cli",
        "emulator",
        "--port",
        "0",
        "--patients",
        str(patients),
    ]
    # Fixed arguments, no shell; Python starts no threads before the pinning below.
    process = subprocess.Popen(command, stdout=subprocess.PIPE)  # noqa: S603
    try:
        _pin_process(process.pid, cpu)
        url, client_id, secret = _read_ready(process)
        _pin_process(process.pid, cpu)  # any thread started meanwhile too
        if os.sched_getaffinity(process.pid) != {cpu}:
            raise BenchError(f"the server could not be pinned to CPU {cpu}")
    except BaseException:
        stop_server(process)
        raise
    return Server(process, url, client_id, secret)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Interrupt the child as Ctrl-C would (so cProfile writes its file); kill it if stuck."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


# -- the load generator ----------------------------------------------------------------------


async def fetch_token(session: aiohttp.ClientSession, server: Server) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
    }
    async with session.post(f"{server.url}/v1/{TENANT}/oauth/token", data=form) as response:
        if response.status != 200:
            raise BenchError(f"token request answered {response.status}: {await response.text()}")
        token: str = (await response.json())["access_token"]
    return token


def check_page(body: bytes, number: int, total: int) -> str | None:
    """What is wrong with a page of ``by-filter/patients``, or ``None`` if it is right."""
    try:
        page = json.loads(body)
    except ValueError:
        return f"page {number}: not JSON"
    content = page.get("content") if isinstance(page, dict) else None
    if not isinstance(content, list) or len(content) != PAGE_SIZE:
        count = len(content) if isinstance(content, list) else None
        return f"page {number}: {count} records, not {PAGE_SIZE}"
    ids = {row.get("id") for row in content if isinstance(row, dict)}
    if len(ids) != PAGE_SIZE or None in ids:
        return f"page {number}: the records are not {PAGE_SIZE} distinct patients with ids"
    expected = {
        "number": number,
        "size": PAGE_SIZE,
        "numberOfElements": PAGE_SIZE,
        "totalElements": total,
    }
    wrong = {key: page.get(key) for key, value in expected.items() if page.get(key) != value}
    return f"page {number}: metadata {wrong}, expected {expected}" if wrong else None


@dataclass(frozen=True)
class Load:
    """Requests for every full page, cycled, over one keep-alive session."""

    session: aiohttp.ClientSession
    urls: Sequence[URL]
    headers: dict[str, str]
    patients: int
    check_every: int

    async def run(self, requests: int, connections: int) -> Tally:
        tally = Tally()
        counter = itertools.count()

        async def worker() -> None:
            while (index := next(counter)) < requests:
                page = index % len(self.urls)
                async with self.session.post(
                    self.urls[page], data=b"{}", headers=self.headers
                ) as response:
                    body = await response.read()
                tally.requests += 1
                tally.body_bytes += len(body)
                if response.status != 200:
                    tally.bad_status[response.status] = tally.bad_status.get(response.status, 0) + 1
                elif index % self.check_every == 0:
                    tally.pages_checked += 1
                    if (problem := check_page(body, page, self.patients)) is not None:
                        tally.bad_pages.append(problem)

        await asyncio.gather(*(worker() for _ in range(connections)))
        return tally


async def measure(args: argparse.Namespace, server: Server) -> tuple[list[Round], Tally]:
    """Warm up, then time ``args.rounds`` rounds; the tally sums every answer seen."""
    connector = aiohttp.TCPConnector(limit=args.connections, limit_per_host=args.connections)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        token = await fetch_token(session, server)
        base = f"{server.url}/{TENANT}/live/by-filter/patients"
        pages = args.patients // PAGE_SIZE
        load = Load(
            session=session,
            urls=[URL(f"{base}?page={n}&size={PAGE_SIZE}", encoded=True) for n in range(pages)],
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            patients=args.patients,
            check_every=args.check_every,
        )
        total = await load.run(args.warmup, args.connections)
        rounds = []
        for number in range(1, args.rounds + 1):
            server_before = _cpu_seconds(server.process.pid)
            client_before = time.process_time()
            started = time.perf_counter()
            tally = await load.run(args.requests, args.connections)
            seconds = time.perf_counter() - started
            result = Round(
                pages=tally.requests,
                seconds=seconds,
                server_cpu=_cpu_seconds(server.process.pid) - server_before,
                client_cpu=time.process_time() - client_before,
                body_bytes=tally.body_bytes,
            )
            rounds.append(result)
            _merge(total, tally)
            print(
                f"  round {number}: {result.pages_per_second:8,.0f} pages/s "
                f"({result.pages} pages in {seconds:.2f} s; server CPU "
                f"{result.server_cpu / seconds:4.0%}, load generator CPU "
                f"{result.client_cpu / seconds:4.0%}; "
                f"{result.pages_per_cpu_second:,.0f} pages per server CPU second)",
                flush=True,
            )
    return rounds, total


def _merge(total: Tally, tally: Tally) -> None:
    total.requests += tally.requests
    total.body_bytes += tally.body_bytes
    total.pages_checked += tally.pages_checked
    for status, count in tally.bad_status.items():
        total.bad_status[status] = total.bad_status.get(status, 0) + count
    total.bad_pages.extend(tally.bad_pages)


# -- the report ------------------------------------------------------------------------------


def report(args: argparse.Namespace, rounds: Sequence[Round], command: str) -> None:
    rates = [result.pages_per_second for result in rounds]
    median, low, high = statistics.median(rates), min(rates), max(rates)
    page_kib = sum(r.body_bytes for r in rounds) / sum(r.pages for r in rounds) / 1024
    server_cpu = statistics.median(r.server_cpu / r.seconds for r in rounds)
    print()
    print(
        f"pages/s: median {median:,.0f}, min {low:,.0f}, max {high:,.0f} "
        f"over {len(rounds)} rounds of {args.requests:,} pages "
        f"({PAGE_SIZE} patients, {page_kib:.1f} KiB each)"
    )
    print(f"records/s: median {median * PAGE_SIZE:,.0f}")
    per_cpu = statistics.median(r.pages_per_cpu_second for r in rounds)
    print(f"server CPU during the rounds (median): {server_cpu:.0%} of one core")
    print(f"pages per server CPU second (median): {per_cpu:,.0f}")
    if server_cpu < SATURATED:
        print(
            f"note: the server used under {SATURATED:.0%} of its core, so pages/s understates "
            "it: another process shares the core, or the load generator is the limit"
        )
    print()
    print(
        "| command | server | pages/s median | min | max | records/s median "
        "| server CPU | pages per server CPU-s | rounds x pages | connections |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    print(
        f"| `{command}` | 1 process, 1 core ({platform.python_version()}) "
        f"| {median:,.0f} | {low:,.0f} | {high:,.0f} | {median * PAGE_SIZE:,.0f} "
        f"| {server_cpu:.0%} | {per_cpu:,.0f} "
        f"| {len(rounds)} x {args.requests:,} | {args.connections} |"
    )


def print_profile(path: Path, limit: int) -> None:
    stats = pstats.Stats(str(path))
    stats.strip_dirs()
    for order in (pstats.SortKey.CUMULATIVE, pstats.SortKey.TIME):
        print(f"\n== server profile (seeding included), by {order.value} ==")
        stats.sort_stats(order).print_stats(limit)


# -- the command -----------------------------------------------------------------------------


def _cpus(args: argparse.Namespace) -> tuple[int, int]:
    available = sorted(os.sched_getaffinity(0))
    server = args.server_cpu if args.server_cpu is not None else available[0]
    others = [cpu for cpu in available if cpu != server]
    client = args.client_cpu if args.client_cpu is not None else (others or [server])[0]
    if client == server:
        print(f"warning: only CPU {server} is available; server and load share it", flush=True)
    return server, client


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about 5 s)")
    parser.add_argument("--patients", type=int, default=20_000, help="seeded per tenant")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds (7; quick 5)")
    parser.add_argument(
        "--requests", type=int, default=None, help="pages per round (10,000; quick 2,000)"
    )
    parser.add_argument("--warmup", type=int, default=None, help="untimed pages first")
    parser.add_argument("--connections", type=int, default=32, help="concurrent keep-alives")
    parser.add_argument("--check-every", type=int, default=97, help="parse every Nth page")
    parser.add_argument("--server-cpu", type=int, default=None, help="the server's core")
    parser.add_argument("--client-cpu", type=int, default=None, help="the load generator's")
    parser.add_argument("--target", type=float, default=2000.0, help="pages/s to compare with")
    parser.add_argument(
        "--profile", type=Path, default=None, metavar="FILE",
        help="run the server under cProfile, write FILE and print where the time went",
    )  # fmt: skip
    parser.add_argument("--profile-lines", type=int, default=30, help="functions per listing")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (5 if args.quick else 7)
    args.requests = args.requests or (2_000 if args.quick else 10_000)
    args.warmup = args.warmup if args.warmup is not None else args.requests // 2
    if args.patients < PAGE_SIZE or args.rounds < 1 or args.requests < 1 or args.connections < 1:
        parser.error(f"--patients must be at least {PAGE_SIZE}; rounds, requests, connections 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = " ".join(["python bench/emulator_pages.py", *(argv or sys.argv[1:])])
    server_cpu, client_cpu = _cpus(args)
    os.sched_setaffinity(0, {client_cpu})  # before any thread of this process starts
    print(
        f"emulator: {args.patients:,} patients per tenant, CPU {server_cpu}; "
        f"load generator: {args.connections} connections, CPU {client_cpu}",
        flush=True,
    )
    try:
        server = start_server(args.patients, server_cpu, args.profile)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"serving at {server.url}; warming up with {args.warmup:,} pages", flush=True)
        rounds, total = asyncio.run(measure(args, server))
    except (BenchError, aiohttp.ClientError, TimeoutError) as exc:
        print(f"error: {exc!r}", file=sys.stderr)
        return 1
    finally:
        stop_server(server.process)
    report(args, rounds, command)
    median = statistics.median(result.pages_per_second for result in rounds)
    verdict = "meets" if median >= args.target else "is BELOW"
    print(f"\nthe median {verdict} the target of {args.target:,.0f} pages/s")
    failed = bool(total.bad_status or total.bad_pages) or total.pages_checked == 0
    print(
        f"checks: {total.requests:,} answers, non-200: {total.bad_status or 'none'}; "
        f"{total.pages_checked} pages parsed, {len(total.bad_pages)} wrong"
    )
    for problem in total.bad_pages[:10]:
        print(f"  {problem}")
    if args.profile is not None:
        print_profile(args.profile, args.profile_lines)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
