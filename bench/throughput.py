"""Throughput: a whole scan of 100,000 patients on loopback with no added latency.

The emulator (``bench/_server.py``) serves 100,000 ``acme`` patients from the first core; this
process, on the other core, fetches all of them in pages of 100 with each contender of
``bench/_scans.py`` at concurrency 1, 8 and 32. Every contender at every concurrency runs in one
alternation, A B C ..., ... C B A, over 5 rounds after a warm-up (3 rounds of 20,000 patients
with ``--quick``), so every ratio, 32 against 8 too, is within one run. Every scan must return
each patient exactly once.

Targets, at every concurrency: welkin_async, yielding typed attrs ``Patient`` models, reaches
at least 1.0x the records/s of raw aiohttp + ``json.loads`` (which yields untyped dicts) and at
least 1.5x the hand-rolled pydantic v2 client (which yields models like ours); and welkin's
records/s at concurrency 32 is at least its records/s at 8 (more pages in flight must not cost
throughput; the notes give raw's change from 8 to 32 beside it). The naive sequential pager
runs once per round, beside concurrency 1, as a reference.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from _harness import Outcome, Row, Spread, Target, alternate, pin_client, ratio, serve
from _report import standalone
from _scans import SCANS, timed

PATIENTS, QUICK_PATIENTS = 100_000, 20_000
REPEATS, QUICK_REPEATS = 5, 3
SIZE = 100
CONCURRENCY = (1, 8, 32)
UNIT = "records/s"


def run(quick: bool, results: Path) -> Outcome:
    from _plots import bars  # matplotlib only when plotting

    started = time.perf_counter()
    patients = QUICK_PATIENTS if quick else PATIENTS
    repeats = QUICK_REPEATS if quick else REPEATS
    outcome = Outcome(
        "Throughput",
        f"A scan of {patients:,} patients, pages of {SIZE}, loopback, no added latency; every "
        f"contender at every concurrency alternated together over {repeats} rounds.",
    )
    # One alternation for every concurrency, so that 32 against 8 is a ratio within one run too.
    contenders = {
        f"{name} at {concurrency}": (name, concurrency)
        for concurrency in CONCURRENCY
        for name in ("raw", "pydantic", "welkin", *(("sequential",) * (concurrency == 1)))
    }
    pin_client()
    with serve(patients) as server:
        runs = {
            label: timed(SCANS[name], server, SIZE, concurrency, patients)
            for label, (name, concurrency) in contenders.items()
        }
        samples = asyncio.run(alternate(runs, repeats))
    medians = {contenders[label]: statistics.median(values) for label, values in samples.items()}
    for label, (name, concurrency) in contenders.items():
        shown = "1 page at a time" if name == "sequential" else f"concurrency {concurrency}"
        spread = Spread.of(samples[label])
        outcome.rows.append(
            Row(name, shown, UNIT, spread, ratio(spread.median, medians["raw", concurrency]))
        )
    for concurrency in CONCURRENCY:
        outcome.targets += _against_peers(concurrency, medians)
    at_8, at_32 = medians["welkin", 8], medians["welkin", 32]
    outcome.targets.append(
        Target("welkin at concurrency 32 >= welkin at 8", ratio(at_32, at_8), at_32 >= at_8)
    )
    outcome.notes += [
        "ratio: against raw aiohttp + json.loads at the same concurrency",
        f"from concurrency 8 to 32: welkin {ratio(at_32, at_8)}, raw "
        f"{ratio(medians['raw', 32], medians['raw', 8])}",
    ]
    outcome.plots.append(bars(outcome.rows, results / "throughput.png", "Throughput"))
    outcome.seconds = time.perf_counter() - started
    return outcome


def _against_peers(concurrency: int, medians: dict[tuple[str, int], float]) -> list[Target]:
    """welkin >= 1.0x raw and >= 1.5x pydantic at ``concurrency``."""
    welkin, raw = medians["welkin", concurrency], medians["raw", concurrency]
    pydantic = medians["pydantic", concurrency]
    setting = f"concurrency {concurrency}"
    return [
        Target(f"{setting}: welkin >= 1.0x raw aiohttp + json", ratio(welkin, raw), welkin >= raw),
        Target(
            f"{setting}: welkin >= 1.5x pydantic v2",
            ratio(welkin, pydantic),
            welkin >= 1.5 * pydantic,
        ),
    ]


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
