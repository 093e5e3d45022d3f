"""The PNG charts of ``bench/results/``: medians with their range, and time series.

matplotlib runs headless (the Agg backend): the benchmark machines have no screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
from _harness import Row


def bars(rows: Sequence[Row], path: Path, title: str, *, ylabel: str | None = None) -> Path:
    """Median per contender, grouped by setting, with a whisker from the lowest to the highest."""
    settings = list(dict.fromkeys(row.setting for row in rows))
    contenders = list(dict.fromkeys(row.contender for row in rows))
    width = 0.8 / len(contenders)
    figure, axes = plt.subplots(figsize=(max(6.0, 1.6 * len(settings) * len(contenders) / 2), 4))
    for index, contender in enumerate(contenders):
        xs, medians, below, above = [], [], [], []
        for position, setting in enumerate(settings):
            row = next((r for r in rows if r.contender == contender and r.setting == setting), None)
            if row is None:
                continue
            xs.append(position + (index - (len(contenders) - 1) / 2) * width)
            medians.append(row.spread.median)
            below.append(row.spread.median - row.spread.low)
            above.append(row.spread.high - row.spread.median)
        axes.bar(xs, medians, width, yerr=[below, above], capsize=3, label=contender)
    axes.set_xticks(range(len(settings)), settings)
    axes.set_ylabel(ylabel or rows[0].unit)
    axes.set_title(title)
    axes.legend(fontsize="small")
    axes.grid(axis="y", alpha=0.3)
    return _save(figure, path)


def series(
    lines: dict[str, tuple[Sequence[float], Sequence[float]]],
    path: Path,
    title: str,
    *,
    xlabel: str,
    ylabel: str,
    reference: tuple[float, str] | None = None,
) -> Path:
    """One line per name from its ``(xs, ys)``; ``reference`` draws a dashed level, labelled."""
    figure, axes = plt.subplots(figsize=(8, 4))
    for name, (xs, ys) in lines.items():
        axes.plot(xs, ys, label=name)
    if reference is not None:
        level, label = reference
        axes.axhline(level, linestyle="--", color="grey", label=label)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend(fontsize="small")
    axes.grid(alpha=0.3)
    return _save(figure, path)


def _save(figure: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
