"""Throughput: a whole scan of 100,000 patients on loopback with no added latency.

The emulator (``bench/_server.py``) serves 100,000 ``acme`` patients from the first core; this
process, on the other core, fetches all of them in pages of 100 with each contender of
``bench/_scans.py`` at concurrency 1, 8 and 32, alternating A B C, C B A over 5 rounds after a
warm-up. Every scan must return each patient exactly once.

Targets, at every concurrency: welkin_async, yielding typed attrs ``Patient`` models, reaches
at least 0.6x the records/s of raw aiohttp + ``json.loads`` (which yields dicts) and at least
1.0x the hand-rolled pydantic v2 client (which yields models like ours). The naive sequential
pager runs once per round, beside concurrency 1, as a reference.
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
        f"A scan of {patients:,} patients, pages of {SIZE}, loopback, no added latency; "
        f"contenders alternated over {repeats} rounds per concurrency.",
    )
    pin_client()
    with serve(patients) as server:
        for concurrency in CONCURRENCY:
            names = ["raw", "pydantic", "welkin"] + (["sequential"] * (concurrency == 1))
            contenders = {
                name: timed(SCANS[name], server, SIZE, concurrency, patients) for name in names
            }
            samples = asyncio.run(alternate(contenders, repeats))
            medians = {name: statistics.median(values) for name, values in samples.items()}
            setting = f"concurrency {concurrency}"
            for name, values in samples.items():
                shown = "sequential (1 page at a time)" if name == "sequential" else setting
                outcome.rows.append(
                    Row(name, shown, UNIT, Spread.of(values), ratio(medians[name], medians["raw"]))
                )
            welkin = medians["welkin"]
            outcome.targets += [
                Target(
                    f"{setting}: welkin >= 0.6x raw aiohttp + json",
                    ratio(welkin, medians["raw"]),
                    welkin >= 0.6 * medians["raw"],
                ),
                Target(
                    f"{setting}: welkin >= 1.0x pydantic v2",
                    ratio(welkin, medians["pydantic"]),
                    welkin >= medians["pydantic"],
                ),
            ]
    outcome.notes.append("ratio: against raw aiohttp + json.loads at the same concurrency")
    outcome.plots.append(bars(outcome.rows, results / "throughput.png", "Throughput"))
    outcome.seconds = time.perf_counter() - started
    return outcome


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
