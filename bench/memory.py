"""Peak memory of a whole patient scan: streamed with ``async for``, against collected in a list.

Target: streaming 1,000,000 records with ``async for`` keeps the peak RSS growth of the process
at or under 16 MiB over its start; collecting them in a list is shown for contrast.

One server (``_harness.serve(patients=1_000_000)``: seeding takes 40 s or more and about 6 GB,
in the server process) serves every run; its render cache is filled by one raw scan first, so
that no measured run pays for the server's first rendering of a row. Each measured run is a fresh
process, ``bench/_memory_child.py``, pinned to the client core: a memory peak is a property of
the whole process, so runs must not share one (the arenas a list run leaves behind would hide
the next run's growth). The child gets the server's URL and the credentials on stdin (argv is
visible to every user through ``ps``), warms up (imports, session, token, the compiled
``Patient`` structuring: one page of 100), reads its RSS, resets the kernel's peak counter
(``/proc/self/clear_refs``), and then scans every patient with
``client.patients.list(size=100, concurrency=8)``:

- ``stream``: ``async for patient in ...``, counting only;
- ``list``: ``[patient async for patient in ...]``, kept until the peak is read.

Growth = peak (``VmHWM``) - start (``VmRSS``). The count must equal the server's total (read before
and after the scan); the list's ids must also be distinct. Runs alternate S L S L S L S S: 5 stream
runs and 3 list runs. Only 3 of the list: each holds about 2 GB of models and takes up to twice as
long as a stream run, and its growth is the contrast, not the target, so a range of 3 is enough to
show its size. Rows: peak RSS growth (MiB) and records/s of each mode; the target is met when every
stream run's growth is at most 16 MiB::

    python bench/memory.py             # 1,000,000 patients: about 5 minutes, 1 of it seeding
    python bench/memory.py --quick     # 100,000 patients, 5 stream + 2 list runs: about 25 s
    python bench/memory.py --diagnose  # where stream memory goes: concurrency, page size, heap
"""

# A command-line report: printing is its job.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from _harness import (
    BenchError,
    Outcome,
    Row,
    Server,
    Spread,
    Target,
    fetch_token,
    pin_client,
    ratio,
    run_child,
    serve,
)
from _plots import _save
from _report import section

SCENARIO = "memory"
CHILD = Path(__file__).with_name("_memory_child.py")
PATIENTS, QUICK_PATIENTS = 1_000_000, 100_000
PAGE_SIZE = 100
CONCURRENCY = 8
TARGET_MIB = 16.0
RUNS = {"stream": 5, "list": 3}
# Quick mode must stay under 40 s: the 5 stream runs the target needs, and 2 list runs (the
# contrast, about a third slower each) for a range.
QUICK_RUNS = {"stream": 5, "list": 2}
CHILD_TIMEOUT = 600.0  # seconds; a million list records takes about 50 s on the 2-core VM
WARM_PAGE_SIZE = 1000  # the emulator's largest page: the fewest requests to render every row
KIB = 1024.0


@dataclass(frozen=True)
class Run:
    """What one child process measured."""

    mode: str
    count: int
    start_kib: int
    peak_kib: int
    seconds: float
    peak_source: str

    @property
    def growth_mib(self) -> float:
        return (self.peak_kib - self.start_kib) / KIB

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def schedule(runs: dict[str, int]) -> list[str]:
    """Stream and list alternately while both have runs left, then the rest: S L S L S L S S."""
    left = dict(runs)
    order: list[str] = []
    while any(left.values()):
        for mode in ("stream", "list"):
            if left[mode]:
                order.append(mode)
                left[mode] -= 1
    return order


def child(server: Server, settings: dict[str, Any]) -> dict[str, Any]:
    """Run ``bench/_memory_child.py`` once; its JSON result line, checked for a clean exit."""
    message = {
        "url": server.url,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "size": PAGE_SIZE,
        "concurrency": CONCURRENCY,
        **settings,
    }
    result: dict[str, Any] = run_child(CHILD, message, timeout=CHILD_TIMEOUT, what="memory")
    return result


def measured(server: Server, mode: str, expected: int) -> Run:
    """One checked run: every patient exactly once, by the server's count before and after."""
    result = child(server, {"mode": mode})
    count = result["count"]
    totals = {expected, result["server_total"], result["server_total_after"], count}
    if len(totals) != 1:
        raise BenchError(
            f"{mode}: {count} records, server total {result['server_total']} before and "
            f"{result['server_total_after']} after, {expected} seeded"
        )
    if mode == "list" and result["distinct"] != count:
        raise BenchError(f"list: {count} records but {result['distinct']} distinct ids")
    return Run(
        mode,
        count,
        result["start_rss_kib"],
        result["peak_kib"],
        result["seconds"],
        result["peak_source"],
    )


async def warm_server(server: Server, total: int) -> float:
    """Render every row once (the emulator caches each row's JSON): seconds it took."""
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
        gate = asyncio.Semaphore(CONCURRENCY)

        async def page(number: int) -> None:
            params = {"page": str(number), "size": str(WARM_PAGE_SIZE)}
            async with (
                gate,
                session.post(
                    f"{server.api}/by-filter/patients", params=params, headers=headers
                ) as response,
            ):
                if response.status != 200:
                    raise BenchError(f"the warm-up page {number} was answered {response.status}")
                await response.read()

        await asyncio.gather(*(page(number) for number in range(-(-total // WARM_PAGE_SIZE))))
    return time.perf_counter() - started


def plot(rows: list[Row], path: Path, patients: int) -> Path:
    """Two panels: growth on a log scale (the modes differ ~1000x) with the target, and rate.

    ``_plots.bars`` has one linear axis, on which the stream bar would be invisible next to the
    list's, and no target line; the look (median bar, min..max whisker) is the same.
    """
    import matplotlib.pyplot as plt  # after _plots, which chose the headless backend

    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    for axes, unit in ((left, "MiB"), (right, "records/s")):
        chosen = [row for row in rows if row.unit == unit]
        names = [row.contender for row in chosen]
        medians = [row.spread.median for row in chosen]
        below = [row.spread.median - row.spread.low for row in chosen]
        above = [row.spread.high - row.spread.median for row in chosen]
        colours = [f"C{index}" for index in range(len(chosen))]
        axes.bar(names, medians, 0.6, yerr=[below, above], capsize=4, color=colours)
        for index, row in enumerate(chosen):
            axes.annotate(
                row.spread.show(row.digits),
                (index, row.spread.high),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize="small",
            )
        axes.grid(axis="y", alpha=0.3)
    highest = max(row.spread.high for row in rows if row.unit == "records/s")
    right.set_ylim(0, highest * 1.2)  # room for the labels above the whiskers
    growths = [row.spread for row in rows if row.unit == "MiB"]
    left.set_yscale("log")
    left.set_ylim(min(1.0, min(s.low for s in growths) / 2), max(s.high for s in growths) * 4)
    left.axhline(TARGET_MIB, linestyle="--", color="grey", label=f"target {TARGET_MIB:.0f} MiB")
    left.set_ylabel("peak RSS growth, MiB (log)")
    left.set_title("peak RSS growth over start")
    left.legend(fontsize="small", loc="upper left")
    right.set_ylabel("records/s")
    right.set_title("records/s")
    figure.suptitle(
        f"{patients:,} patients, pages of {PAGE_SIZE}, concurrency {CONCURRENCY}: "
        "async for vs list",
        fontsize="medium",
    )
    return _save(figure, path)


def run(quick: bool, results: Path) -> Outcome:
    started = time.perf_counter()
    patients = QUICK_PATIENTS if quick else PATIENTS
    order = schedule(QUICK_RUNS if quick else RUNS)
    runs: list[Run] = []
    pin_client()  # the warm-up scan stays off the server's core (the children pin themselves)
    with serve(patients) as server:
        seeding = server.seed_seconds
        warming = asyncio.run(warm_server(server, patients))
        for mode in order:
            runs.append(measured(server, mode, patients))
    stream = [r for r in runs if r.mode == "stream"]
    listed = [r for r in runs if r.mode == "list"]
    growth = {
        name: [r.growth_mib for r in group]
        for name, group in (("stream", stream), ("list", listed))
    }
    rates = {
        name: [r.rate for r in group] for name, group in (("stream", stream), ("list", listed))
    }
    median_growth = {name: statistics.median(values) for name, values in growth.items()}
    median_rate = {name: statistics.median(values) for name, values in rates.items()}
    rows = [
        Row("stream", "peak RSS growth", "MiB", Spread.of(growth["stream"]), digits=1),
        Row(
            "list",
            "peak RSS growth",
            "MiB",
            Spread.of(growth["list"]),
            ratio(median_growth["list"], median_growth["stream"]),
        ),
        Row("stream", "records/s", "records/s", Spread.of(rates["stream"])),
        Row(
            "list",
            "records/s",
            "records/s",
            Spread.of(rates["list"]),
            ratio(median_rate["list"], median_rate["stream"]),
        ),
    ]
    worst = max(growth["stream"])
    targets = [
        Target(
            f"streaming {PATIENTS:,} records via async for: peak RSS growth <= "
            f"{TARGET_MIB:.0f} MiB over the process's start, in every run",
            f"{median_growth['stream']:.1f} MiB median, {worst:.1f} MiB worst, over "
            f"{len(stream)} runs of {patients:,} records"
            + (" (quick mode: 100,000, not the target's 1,000,000)" if quick else ""),
            worst <= TARGET_MIB,
        )
    ]
    starts = [r.start_kib / KIB for r in runs]
    sources = sorted({r.peak_source for r in runs})
    per_record = median_growth["list"] * KIB * KIB / patients
    notes = [
        f"Server: {patients:,} patients seeded in {seeding:.0f} s, every row rendered once by a "
        f"raw scan in {warming:.1f} s before the runs."
        + (" Quick mode: 100,000 patients, 5 stream and 2 list runs." if quick else ""),
        f"One fresh child process per run (bench/_memory_child.py, pinned to the client core), "
        f"order {' '.join(mode[0].upper() for mode in order)}; "
        f"client.patients.list(size={PAGE_SIZE}, concurrency={CONCURRENCY}). Start RSS after "
        f"the warm-up (imports, session, token, one page): {statistics.median(starts):.1f} MiB "
        f"median ({min(starts):.1f}..{max(starts):.1f}).",
        "Peak read as "
        + " and ".join(sources)
        + (
            " (the kernel's high-water mark, reset at the start by /proc/self/clear_refs)."
            if sources == ["VmHWM"]
            else "; ru_maxrss is the peak since exec, not since the start: the kernel refused "
            "the reset of VmHWM, so growth may be overstated."
        ),
        f"A kept Patient costs about {per_record / KIB:.1f} KiB of RSS (list growth / records); "
        f"streaming holds at most the pages in the window ({CONCURRENCY} fetched ahead, each "
        f"decoded and structured, plus the one being consumed), independent of the total.",
        f"Only {len(listed)} list runs: each holds every record (about 2 GB at 1,000,000) and "
        "is the slowest; its growth is the contrast, not the target.",
    ]
    path = plot(rows, results / "memory.png", patients)
    return Outcome(
        scenario=SCENARIO,
        description=(
            f"peak RSS growth and records/s of a {patients:,}-patient scan, "
            "async for (streamed) vs collected in a list"
        ),
        rows=rows,
        targets=targets,
        notes=notes,
        plots=[path],
        seconds=time.perf_counter() - started,
    )


def diagnose() -> None:
    """Where streaming memory goes, on the quick server: window size, page size, Python heap."""
    pin_client()
    with serve(QUICK_PATIENTS) as server:
        asyncio.run(warm_server(server, QUICK_PATIENTS))
        for concurrency, size in ((1, PAGE_SIZE), (CONCURRENCY, PAGE_SIZE), (CONCURRENCY, 1000)):
            growths = []
            for _ in range(2):
                result = child(server, {"mode": "stream", "concurrency": concurrency, "size": size})
                growths.append((result["peak_kib"] - result["start_rss_kib"]) / KIB)
            shown = ", ".join(f"{value:.1f}" for value in growths)
            print(f"stream concurrency={concurrency} size={size}: growth {shown} MiB")
        traced = child(server, {"mode": "stream", "trace": True, "top": 15})
        print(
            f"traced stream (tracemalloc on, so RSS is not comparable): Python heap peak "
            f"{traced['traced_peak_kib']:,} KiB; at the largest sampled point "
            f"{traced.get('traced_at_high_kib', 0):,} KiB, of which:"
        )
        for site in traced.get("top", []):
            print(f"  {site['kib']:>8.1f} KiB {site['blocks']:>6} blocks  {site['where']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 patients, 5 + 2 runs")
    parser.add_argument("--results", type=Path, default=Path(__file__).with_name("results"))
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="growth by concurrency and page size, and a heap trace",
    )
    args = parser.parse_args()
    if args.diagnose:
        diagnose()
        return 0
    print(section(run(args.quick, args.results), args.results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
