"""The comparison rules the conformance suite judges by, pinned on synthetic documents."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from multidict import CIMultiDict, MultiDict

from tests.conformance._recordings import (
    Recording,
    split_path,
    synthetic,
)
from tests.conformance._replay import CapturedRequest
from tests.conformance._shapes import (
    request_matches,
    shape_differences,
    untyped_keys,
    value_differences,
)
from welkin_async._serde import structure
from welkin_async.models import MetaInfoPage, PatientCreate


def recording(
    method: str, path: str, query: dict[str, str] | None = None, body: Any = None
) -> Recording:
    return synthetic(method, path, query=query, body=body)


def sent(
    method: str, path: str, query: list[tuple[str, str]] | None = None, body: bytes = b""
) -> CapturedRequest:
    return CapturedRequest(method, path, MultiDict(query or []), body, CIMultiDict())


def matches(r: Recording, s: CapturedRequest) -> list[str]:
    return request_matches(r, s, tenant="t", instance="i", client_name="c")


PATIENTS = "/{tenant}/{instance}/by-filter/patients"


def test_page_zero_and_the_page_size_may_be_left_out_or_differ() -> None:
    """``page=0`` and the page size are not part of the match; other parameters are."""
    r = recording("POST", PATIENTS, {"page": "0", "size": "20"}, {})
    assert matches(r, sent("POST", "/t/i/by-filter/patients", [("size", "100")], b"{}")) == []
    assert matches(r, sent("POST", "/t/i/by-filter/patients", [("page", "1")], b"{}")) != []


def test_booleans_in_the_query_compare_case_insensitively() -> None:
    """A recorded ``False`` matches a sent ``false``, and not a sent ``true``."""
    r = recording("GET", "/{tenant}/{instance}/users/u/encounters", {"withCareTeam": "False"})
    assert matches(r, sent("GET", "/t/i/users/u/encounters", [("withCareTeam", "false")])) == []
    assert matches(r, sent("GET", "/t/i/users/u/encounters", [("withCareTeam", "true")])) != []


def test_the_page_size_parameter_must_be_the_recorded_one_when_both_send_one() -> None:
    """``size`` sent where ``pageSize`` was recorded is a difference."""
    r = recording("GET", "/{tenant}/{instance}/patients/p/chat", {"pageSize": "20"})
    assert matches(r, sent("GET", "/t/i/patients/p/chat", [("size", "20")])) != []


def test_the_trailing_slash_of_the_path_is_significant() -> None:
    """A path sent without the recorded trailing slash does not match."""
    r = recording("GET", "/{tenant}/admin/users/")
    assert matches(r, sent("GET", "/t/admin/users/")) == []
    assert matches(r, sent("GET", "/t/admin/users")) == [
        "path: recorded /t/admin/users/, sent /t/admin/users"
    ]


def test_no_body_matches_a_null_recorded_body_and_bodies_compare_as_json() -> None:
    """Bodies are parsed before comparing; a missing key is reported by its JSON path."""
    assert matches(recording("GET", "/{tenant}/admin/users"), sent("GET", "/t/admin/users")) == []
    r = recording("PATCH", "/{tenant}/{instance}/patients/p", body={"a": {"b": 1}})
    assert matches(r, sent("PATCH", "/t/i/patients/p", body=b'{ "a": {"b": 1} }')) == []
    assert matches(r, sent("PATCH", "/t/i/patients/p", body=b'{"a": {}}')) == [
        "body $.a.b: missing"
    ]


def test_the_token_exchange_path_names_the_client() -> None:
    """``{client_name}`` in the recorded token exchange stands for the client's name."""
    r = recording("POST", "/{tenant}/admin/api_clients/{client_name}", body={"secret": "s"})
    assert matches(r, sent("POST", "/t/admin/api_clients/c", body=b'{"secret": "s"}')) == []


def test_exact_values_tell_integers_from_floats_and_booleans() -> None:
    """``1`` is neither ``1.0`` nor ``true`` when documents are compared exactly."""
    assert value_differences({"n": 1}, {"n": 1.0}) == ["$.n: expected 1, found 1.0"]
    assert value_differences([True], [1]) == ["$[0]: expected true, found 1"]


def test_shapes_need_the_same_keys_with_paths_named() -> None:
    """A key missing from, or added to, a served object is named by its JSON path."""
    recorded = {"a": {"b-c": 1, "d": 2}}
    served = {"a": {"d": 3, "e": 4}}
    assert shape_differences(recorded, served) == [
        '$.a["b-c"]: recorded, not served',
        "$.a.e: served, not recorded",
    ]


def test_null_matches_any_type_and_numbers_are_one_type() -> None:
    """``null`` on either side matches anything; an integer and a float are both numbers."""
    assert (
        shape_differences({"a": None, "b": 1, "c": [1]}, {"a": {"x": 1}, "b": 2.5, "c": None}) == []
    )
    assert shape_differences({"a": "x"}, {"a": 1}) == ["$.a: recorded string, served number"]


def test_served_array_items_must_each_match_some_recorded_item() -> None:
    """Each served item matches one of the recorded items; one matching none is reported."""
    recorded = [{"kind": "a", "x": 1}, {"kind": "b", "y": "s"}]
    assert shape_differences(recorded, [{"kind": "b", "y": "t"}, {"kind": "a", "x": 2}]) == []
    assert shape_differences(recorded, [{"kind": "a", "x": "no"}]) == [
        "$[0].x: recorded number, served string"
    ]


def test_a_recorded_empty_array_checks_nothing_and_a_list_answer_needs_items() -> None:
    """An empty recorded array accepts any served array; a list answer recorded with items must
    be served with items; an array inside an item may be empty (that is data)."""
    assert shape_differences({"a": []}, {"a": [1, "x"]}) == []
    assert shape_differences([1], []) == ["$: recorded 1 items, served none"]
    assert shape_differences({"data": {"content": [1]}}, {"data": {"content": []}}) == [
        "$.data.content: recorded 1 items, served none"
    ]
    assert shape_differences({"a": [1]}, {"a": []}) == []


def test_items_are_held_to_every_recorded_item_at_their_path() -> None:
    """A served item may combine what different recorded items showed (``[*]`` paths), but a key
    set no recorded object at its path had is named against the closest one."""
    recorded = [{"f": [{"m": {"r": True}}]}, {"f": [{"m": {"r": True, "o": []}}]}]
    assert shape_differences(recorded, [{"f": [{"m": {"r": False}}, {"m": {"r": True}}]}]) == []
    assert shape_differences(recorded, [{"f": [{"m": {"r": True, "x": 1}}]}]) == [
        "$[0].f[0].m.x: served, not recorded"
    ]


def test_untyped_keys_are_found_anywhere_in_a_model_tree() -> None:
    """A key kept in ``wire_extra`` deep in a page is reported with its wire path."""
    page = structure(
        {"data": [{"mrn": None}, {"mrn": None, "novel": 1}], "metaInfo": {"page": 0}},
        MetaInfoPage[PatientCreate],
    )
    assert untyped_keys(page) == ["$.data[1]: PatientCreate does not type novel"]
    assert untyped_keys(attrs.evolve(page, data=[])) == []


@pytest.mark.parametrize("path", ["/tenant/admin/users", "/{tenant}/users"])
def test_a_path_outside_both_prefixes_is_refused(path: str) -> None:
    """A recorded path must start with the environment or the admin prefix."""
    with pytest.raises(ValueError, match="starts with neither"):
        split_path(path)
