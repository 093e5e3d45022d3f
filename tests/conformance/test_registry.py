"""How per-recording outcomes from several sides add up to the conformance summary."""

from __future__ import annotations

from tests.conformance._registry import Registry


def test_a_recording_matches_only_when_every_side_that_covered_it_matched() -> None:
    """One failing side makes a covered recording unmatched; a side not covering it does not."""
    registry = Registry()
    registry.report("sdk", "a", "matched")
    registry.report("emulator", "a", "failed")
    registry.report("sdk", "b", "matched")
    registry.report("emulator", "b", "not covered", family="patients")
    assert registry.summary(["a", "b", "c"]) == ["conformance: 3 recordings, 2 covered, 1 matched"]


def test_recordings_no_side_covered_are_listed_with_their_family() -> None:
    """A recording every side that ran left uncovered gets a line naming its family."""
    registry = Registry()
    registry.report("sdk", "x", "not covered", family="calendar")
    registry.report("sdk", "y", "matched")
    assert registry.summary(["x", "y"]) == [
        "conformance: 2 recordings, 1 covered, 1 matched",
        "conformance: not covered: x (calendar)",
    ]


def test_a_later_success_does_not_hide_a_failure_of_the_same_side() -> None:
    """A failed call stays failed when a later phase of the same test reports a success."""
    registry = Registry()
    registry.report("sdk", "a", "failed")
    registry.report("sdk", "a", "matched")
    assert not registry.matched("a")
