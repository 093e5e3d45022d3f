"""The query readers every route shares (``_query``): comma lists of allowed values and
``sort=field[,asc|desc]``."""

from __future__ import annotations

import pytest

from welkin_async.testing._errors import ApiFailure
from welkin_async.testing._query import one_of, sort_by

ALLOWED = ("DRAFT", "OPEN", "ACTIVE")
ROWS = [{"n": 2, "s": "b"}, {"n": None, "s": "a"}, {"n": 1, "s": "b"}, {"n": 2, "s": "c"}]
KEYS = {"number": lambda row: row["n"], "text": lambda row: row["s"]}


def test_one_of_reads_a_comma_list_ignoring_blanks() -> None:
    """A comma list is the set of its non-blank items; an absent parameter is None."""
    assert one_of({"s": " DRAFT, ,OPEN,"}, "s", ALLOWED, "X") == frozenset({"DRAFT", "OPEN"})
    assert one_of({}, "s", ALLOWED, "X") is None


@pytest.mark.parametrize("text", ["DRAFT,DONE", ",", ""])
def test_one_of_refuses_an_unknown_or_empty_list_listing_the_allowed(text: str) -> None:
    """A value outside the allowed ones, or no value, is 400 INVALID_PARAMETER naming the
    parameter, its message listing every allowed value."""
    with pytest.raises(ApiFailure) as caught:
        one_of({"s": text}, "s", ALLOWED, "X")
    failure = caught.value
    assert (failure.status, failure.code, failure.details) == (
        400,
        "INVALID_PARAMETER",
        {"parameter": "s"},
    )
    assert all(value in failure.message for value in ALLOWED)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, [0, 1, 2, 3]),
        ("number", [2, 0, 3, 1]),
        ("number,asc", [2, 0, 3, 1]),
        ("number,DESC", [0, 3, 2, 1]),
        ("text,desc", [3, 0, 2, 1]),
    ],
)
def test_sort_by_orders_nulls_last_and_keeps_ties(sort: str | None, expected: list[int]) -> None:
    """sort= orders by the field's value, missing values last, ties in the order given."""
    query = {} if sort is None else {"sort": sort}
    assert list(sort_by(query, ROWS, KEYS, "X")) == [ROWS[i] for i in expected]


@pytest.mark.parametrize(("sort", "named"), [("colour,asc", "colour"), ("number,up", "up")])
def test_sort_by_refuses_an_unknown_field_or_direction_naming_it(sort: str, named: str) -> None:
    """An unknown field or direction is 400 INVALID_SORT on the sort parameter, naming it."""
    with pytest.raises(ApiFailure) as caught:
        sort_by({"sort": sort}, ROWS, KEYS, "X")
    failure = caught.value
    assert (failure.status, failure.code, failure.details) == (
        400,
        "INVALID_SORT",
        {"parameter": "sort"},
    )
    assert f"'{named}'" in failure.message
