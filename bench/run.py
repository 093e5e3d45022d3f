"""``make bench``: every scenario, then ``bench/results/results.md`` and the PNGs beside it.

Each scenario runs the emulator in its own child process on the first core and its contenders
in this process on the other (``bench/_harness.py``), alternating A B, B A, and reports medians
with their range. Only ratios within this run are quoted: the machine is small and noisy::

    python bench/run.py                     # everything, about 15 minutes on 2 cores
    python bench/run.py --quick             # the subset of make bench-quick, about 2 minutes
    python bench/run.py --only throughput   # one or more scenarios by name
"""

# A command-line report: printing is its job.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import importlib
import json
import platform
import shlex
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from _harness import CLIENT_CPU, SERVER_CPU, Outcome
from _report import RESULTS, section, targets_table

# In order of how long they take, so a failure shows early (downloads last: it is a figure, the
# peak RSS of a 200 MiB file streamed to disk against read whole). The quick run skips none but
# runs each small; the memory scenario streams 100,000 records instead of a million there.
SCENARIOS = (
    "structuring",
    "recovery",
    "throughput",
    "cdt_export",
    "latency",
    "token_storm",
    "fleet",
    "rate",
    "memory",
    "downloads",
)


def _header(command: str, quick: bool) -> list[str]:
    packages = ("aiohttp", "orjson", "msgspec", "attrs", "cattrs", "pydantic", "pydantic-core")
    versions = ", ".join(f"{name} {version(name)}" for name in packages)
    return [
        "# welkin_async benchmarks" + (" (quick subset)" if quick else ""),
        "",
        f"- command: `{command}`",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.machine()}, {platform.processor() or platform.platform()}; "
        f"server on CPU {SERVER_CPU}, client on CPU {CLIENT_CPU}",
        f"- Python {platform.python_version()}; {versions}",
        "- figures: median (min..max) over the rounds; ratios only within this run",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 2-minute subset")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    command = shlex.join(["python", "bench/run.py", *sys.argv[1:]])
    args.results.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    for name in args.only:
        print(f"-- {name}", flush=True)
        outcome: Outcome = importlib.import_module(name).run(args.quick, args.results)
        outcomes.append(outcome)
        print(section(outcome, args.results), flush=True)
    total = time.perf_counter() - started
    targets = [(outcome.scenario, target) for outcome in outcomes for target in outcome.targets]
    met = sum(target.met for _, target in targets)
    report = [
        *_header(command, args.quick),
        f"**{met} of {len(targets)} targets met** in {total / 60:.1f} minutes.",
        "",
        *targets_table(targets),
        "",
        *(section(outcome, args.results) for outcome in outcomes),
    ]
    (args.results / "results.md").write_text("\n".join(report))
    (args.results / "results.json").write_text(
        json.dumps([asdict(outcome) for outcome in outcomes], indent=1, default=str)
    )
    print(f"{met} of {len(targets)} targets met; {args.results / 'results.md'}, {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
