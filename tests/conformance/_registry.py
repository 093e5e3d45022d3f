"""Per-recording outcomes of the conformance run, from every side that replays recordings.

A side is one test module's point of view: ``"sdk"`` (the client against the recordings),
``"emulator"`` (the emulator's answers against them). Each reports, per recording, ``matched``,
``failed`` or ``not covered`` (with the recording's family). A recording is *covered* when some
side covered it, and *matched* when it is covered and every side that covered it matched.

Test modules marked ``pytest.mark.conformance("<side>")`` and parametrized over a ``recording``
argument (a :class:`~tests.conformance._recordings.Recording`) have ``matched``/``failed``
reported for them by ``conftest.py``; they report ``not covered`` themselves, through the
``conformance`` fixture, before they skip.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

Outcome = Literal["matched", "failed", "not covered"]
_COVERED: frozenset[Outcome] = frozenset({"matched", "failed"})


@attrs.frozen
class Report:
    outcome: Outcome
    family: str | None = None


@attrs.define
class Registry:
    """What each side said about each recording; the last word of a side wins, except that a
    failure is never overwritten by a later success (a failed teardown after a passed call)."""

    reports: dict[str, dict[str, Report]] = attrs.field(factory=dict)

    def report(
        self, side: str, recording: str, outcome: Outcome, *, family: str | None = None
    ) -> None:
        """Record ``side``'s outcome for the recording named ``recording``."""
        sides = self.reports.setdefault(recording, {})
        previous = sides.get(side)
        if previous is not None and previous.outcome == "failed" and outcome == "matched":
            return
        sides[side] = Report(outcome, family)

    def has(self, side: str, recording: str) -> bool:
        """Whether ``side`` has reported on ``recording``."""
        return side in self.reports.get(recording, {})

    def covered(self, recording: str) -> bool:
        """Whether some side covered the recording."""
        return any(r.outcome in _COVERED for r in self.reports.get(recording, {}).values())

    def matched(self, recording: str) -> bool:
        """Whether the recording is covered and every side that covered it matched."""
        outcomes = [r.outcome for r in self.reports.get(recording, {}).values()]
        covering = [o for o in outcomes if o in _COVERED]
        return bool(covering) and all(o == "matched" for o in covering)

    def not_covered(self, names: Iterable[str]) -> list[tuple[str, str]]:
        """``(recording, family)`` of the recordings, among ``names``, that sides ran and none
        covered, in the order of ``names``."""
        found = []
        for name in names:
            sides = self.reports.get(name)
            if sides and not self.covered(name):
                family = next((r.family for r in sides.values() if r.family), "unknown")
                found.append((name, family))
        return found

    def summary(self, names: list[str]) -> list[str]:
        """The terminal summary: one line of counts over ``names`` (every recording), then one
        line per recording that ran and was not covered."""
        covered = sum(1 for name in names if self.covered(name))
        matched = sum(1 for name in names if self.matched(name))
        lines = [f"conformance: {len(names)} recordings, {covered} covered, {matched} matched"]
        lines += [
            f"conformance: not covered: {name} ({family})"
            for name, family in self.not_covered(names)
        ]
        return lines
