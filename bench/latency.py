"""Latency-bound: every page takes 50 ms on the server; how well is the pipe kept full?

The emulator adds 50 ms to each ``POST by-filter/patients`` (its ``latency=50ms`` fault, an
``asyncio`` sleep, so pages overlap on the server as on a real one) and serves 10,000 patients.
Contenders alternate over 5 rounds: welkin_async and raw aiohttp at concurrency 16, and the
naive sequential pager.

The ideal is ``concurrency x size / latency`` records/s: 16 pages always in flight. A pager
that learns how many pages there are from the first one sends it alone, and the rest 16 at a
time: ``1 + ceil((pages - 1) / 16)`` latencies, where the ideal counts ``pages / 16``. A
welkin_async client that has read the same list before remembers its page count and sends
pages 0 to 15 at once: ``ceil(pages / 16)`` latencies. The target is measured that way
("list read before": the client read the list's first page before the clock started, as a
service that scans the same list repeatedly has), with pages of 25 (400 pages, a ceiling of
1.0x; 0.96x for a first read, shown beside it, as is raw aiohttp, which learns the count
from page 0). Pages of 100 are shown with their ceiling (0.89x read before): there, each round
brings 1,600 records whose structuring holds up the next round's requests (a page is
requested when the consumer takes one, so that at most 16 are buffered).

Targets: welkin_async, on a list read before, reaches at least 0.95x the ideal, and at least
10x the sequential pager.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import sys
import time
from pathlib import Path

from _harness import Outcome, Row, Spread, Target, alternate, pin_client, ratio, serve
from _report import standalone
from _scans import SCANS, timed

PATIENTS, QUICK_PATIENTS = 10_000, 2_000
REPEATS, QUICK_REPEATS = 5, 3
LATENCY = 0.050
CONCURRENCY = 16
SIZE, WIDE_SIZE = 25, 100
UNIT = "records/s"
_READ_BEFORE = ", list read before"


def _ideal(size: int) -> float:
    return CONCURRENCY * size / LATENCY


def _ceiling(patients: int, size: int, *, known: bool = False) -> float:
    """The best a pager can do against the ideal: one that learns the page count from the first
    page, or (``known``) one that knows it already and sends the first round whole."""
    pages = math.ceil(patients / size)
    rounds = math.ceil(pages / CONCURRENCY) if known else 1 + math.ceil((pages - 1) / CONCURRENCY)
    return (patients / (rounds * LATENCY)) / _ideal(size)


def _label(scan: str, size: int) -> str:
    """A contender's row name: ``welkin (25/page, list read before)`` for the primed scan."""
    if scan == "welkin_primed":
        return f"welkin ({size}/page{_READ_BEFORE})"
    return f"{scan} ({size}/page)"


def run(quick: bool, results: Path) -> Outcome:
    from _plots import bars  # matplotlib only when plotting

    started = time.perf_counter()
    patients = QUICK_PATIENTS if quick else PATIENTS
    repeats = QUICK_REPEATS if quick else REPEATS
    outcome = Outcome(
        "Latency-bound",
        f"{patients:,} patients, {LATENCY * 1000:.0f} ms added to every page, "
        f"concurrency {CONCURRENCY}; contenders alternated over {repeats} rounds.",
    )
    pin_client()
    faults = f"latency={LATENCY * 1000:.0f}ms for POST /by-filter/patients"
    with serve(patients, faults=faults) as server:
        runs = (
            ("welkin_primed", SIZE),
            ("welkin", SIZE),
            ("raw", SIZE),
            ("sequential", SIZE),
            ("welkin_primed", WIDE_SIZE),
        )
        contenders = {
            _label(name, size): timed(SCANS[name], server, size, CONCURRENCY, patients)
            for name, size in runs
        }
        samples = asyncio.run(alternate(contenders, repeats, warm_up=False))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, values in samples.items():
        size = WIDE_SIZE if f"({WIDE_SIZE}/" in name else SIZE
        setting = f"pages of {size}, ideal {_ideal(size):,.0f}/s"
        outcome.rows.append(
            Row(name, setting, UNIT, Spread.of(values), ratio(medians[name], _ideal(size)))
        )
    welkin = medians[f"welkin ({SIZE}/page{_READ_BEFORE})"]
    sequential = medians[f"sequential ({SIZE}/page)"]
    outcome.targets += [
        Target(
            f"welkin, list read before, >= 0.95x ideal ({_ideal(SIZE):,.0f} records/s, "
            f"pages of {SIZE})",
            ratio(welkin, _ideal(SIZE)),
            welkin >= 0.95 * _ideal(SIZE),
        ),
        Target(
            "welkin >= 10x the sequential pager",
            ratio(welkin, sequential),
            welkin >= 10 * sequential,
        ),
    ]
    page_seconds = SIZE / sequential  # what one page really takes: 50 ms and the round trip
    outcome.notes += [
        "ratio: against the ideal, concurrency x size / latency",
        f"one page really takes {page_seconds * 1000:.1f} ms (the sequential pager's "
        f"size / rate): against that, the ideal is {CONCURRENCY * SIZE / page_seconds:,.0f} "
        f"records/s and welkin reaches {welkin / (CONCURRENCY * SIZE / page_seconds):.2f}x",
        f"ceiling of a pager that reads the page count from page 0: "
        f"{_ceiling(patients, SIZE):.2f}x with pages of {SIZE}, "
        f"{_ceiling(patients, WIDE_SIZE):.2f}x with pages of {WIDE_SIZE}; "
        f"of one that knows it (a list read before): "
        f"{_ceiling(patients, SIZE, known=True):.2f}x and "
        f"{_ceiling(patients, WIDE_SIZE, known=True):.2f}x",
        f"{_READ_BEFORE.strip(', ')}: the client read the list's first page (same size and "
        f"concurrency) before the clock started, as a service scanning it repeatedly has, so it "
        f"sends the first {CONCURRENCY} pages at once",
    ]
    outcome.plots.append(bars(outcome.rows, results / "latency.png", "Latency-bound (50 ms/page)"))
    outcome.seconds = time.perf_counter() - started
    return outcome


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
