"""Outcomes as Markdown: one section per scenario, and the summary of targets on top.

``python bench/<scenario>.py`` prints its own section (:func:`standalone`); ``bench/run.py``
writes every section, the machine it ran on and the command to ``bench/results/results.md``.
"""

# A command-line report: printing is its job.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from _harness import Outcome, Target

RESULTS = Path(__file__).with_name("results")


def targets_table(targets: Sequence[tuple[str, Target]]) -> list[str]:
    lines = ["| scenario | target | measured | met |", "|---|---|---|:---:|"]
    for scenario, target in targets:
        met = "yes" if target.met else "**no**"
        lines.append(f"| {scenario} | {target.goal} | {target.measured} | {met} |")
    return lines


def section(outcome: Outcome, relative_to: Path = RESULTS) -> str:
    """The scenario's description, its table, its targets, its notes and its plots."""
    lines = [f"## {outcome.scenario}", "", outcome.description, ""]
    if outcome.rows:
        lines += [
            "| contender | setting | median (min..max) | unit | n | ratio |",
            "|---|---|---:|---|---:|---|",
        ]
        for row in outcome.rows:
            lines.append(
                f"| {row.contender} | {row.setting} | {row.spread.show(row.digits)} "
                f"| {row.unit} | {row.spread.n} | {row.ratio} |"
            )
        lines.append("")
    if outcome.targets:
        lines += [*targets_table([(outcome.scenario, t) for t in outcome.targets]), ""]
    lines += [f"- {note}" for note in outcome.notes]
    if outcome.notes:
        lines.append("")
    for plot in outcome.plots:
        lines.append(f"![{outcome.scenario}]({os.path.relpath(plot, relative_to)})")
    if outcome.seconds:
        lines += ["", f"_{outcome.seconds:.0f} s_"]
    return "\n".join(lines) + "\n"


def standalone(run: Callable[[bool, Path], Outcome], description: str) -> int:
    """``python bench/<scenario>.py [--quick] [--results DIR]``: run one scenario, print it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="the short run of make bench-quick")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the PNGs go")
    args = parser.parse_args()
    print(section(run(args.quick, args.results), args.results))
    return 0
