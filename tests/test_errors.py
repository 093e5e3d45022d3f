"""DecodeError: bad input says what was wrong and where, and never shows a value."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from welkin_async import DecodeError, DecodeProblem, loads, structure
from welkin_async.errors import WelkinError
from welkin_async.models import CdtRecord, Encounter, MetaInfoPage, Patient, SpringPage

Body = Callable[[str], Any]
CANARY = "Zelda-7731-canary"


def decode_problems(data: Any, cls: Any) -> list[DecodeProblem]:
    with pytest.raises(DecodeError) as caught:
        structure(data, cls)
    return list(caught.value.problems)


def test_wrong_type_names_the_path_and_types(body: Body) -> None:
    """A number where a string belongs is reported at its JSON path with both types."""
    data = body("patients_page.json")
    data["content"][1]["firstName"] = 42
    assert decode_problems(data, SpringPage[Patient]) == [
        DecodeProblem("$.content[1].firstName", "string", "integer")
    ]


def test_missing_required_field_is_reported(body: Body) -> None:
    """A required key that is absent is reported as missing, by its wire name."""
    data = body("encounter_record.json")
    del data["jsonBody"]
    (problem,) = decode_problems(data, CdtRecord[Encounter])
    assert (problem.path, problem.got) == ("$.jsonBody", "missing")


def test_malformed_date_is_reported_without_its_value(body: Body) -> None:
    """A date-time that does not parse names the path and the expected form, not the text."""
    data = body("encounters_page.json")
    data["data"][0]["jsonBody"]["calendarEvent"]["startDateTime"] = CANARY
    with pytest.raises(DecodeError) as caught:
        structure(data, MetaInfoPage[CdtRecord[Encounter]])
    assert caught.value.problems == (
        DecodeProblem(
            "$.data[0].jsonBody.calendarEvent.startDateTime",
            "ISO-8601 date-time string",
            "a malformed string",
        ),
    )
    assert CANARY not in str(caught.value)


def test_non_object_where_object_belongs(body: Body) -> None:
    """A list where a nested object belongs is refused at that object's path."""
    data = body("patient.json")
    data["patientPrograms"][0]["currentPhase"] = ["intake"]
    (problem,) = decode_problems(data, Patient)
    assert problem.path == "$.patientPrograms[0].currentPhase"
    assert problem.expected == "object (ProgramPhase)"
    assert problem.got == "array"


def test_top_level_non_object() -> None:
    """A whole document of the wrong shape is reported at the root."""
    assert decode_problems([1, 2], Patient) == [DecodeProblem("$", "object (Patient)", "array")]


def test_string_is_not_coerced_to_int_or_list(body: Body) -> None:
    """Types are checked, not coerced: "5" is no integer and "abc" is no array."""
    data = body("patients_page.json")
    data["totalPages"] = "5"
    data["content"][0]["careTeam"] = "abc"
    assert decode_problems(data, SpringPage[Patient]) == [
        DecodeProblem("$.content[0].careTeam", "array of Any", "string"),
        DecodeProblem("$.totalPages", "integer", "string"),
    ]


def test_null_where_not_nullable(body: Body) -> None:
    """JSON null is refused where the schema does not allow it."""
    data = body("patient.json")
    data["id"] = None
    assert decode_problems(data, Patient) == [DecodeProblem("$.id", "UUID string", "null")]


def test_boolean_is_not_an_integer_enum(acme: Any) -> None:
    """true is refused where an integer choice belongs, though Python's True == 1."""
    mood = acme.CdtCoachingNotes
    problems = decode_problems({"cdtf-mood": True}, mood)
    assert problems == [
        DecodeProblem('$["cdtf-mood"]', "CdtCoachingNotesCdtfMood (integer)", "boolean")
    ]


def test_several_problems_are_all_reported(body: Body) -> None:
    """Every bad value in a document is listed, not only the first."""
    data = body("patients_page.json")
    data["content"][0]["createdAt"] = 1
    data["content"][1]["email"] = False
    paths = [p.path for p in decode_problems(data, SpringPage[Patient])]
    assert paths == ["$.content[0].createdAt", "$.content[1].email"]


def test_malformed_json_is_a_decode_error() -> None:
    """Bytes that are not JSON raise DecodeError with a position, not a parser's exception."""
    with pytest.raises(DecodeError) as caught:
        loads(b'{"id": "' + CANARY.encode() + b'", ', Patient)
    (problem,) = caught.value.problems
    assert problem.path == "$"
    assert problem.got.startswith("malformed JSON at line 1")
    assert CANARY not in str(caught.value)


def test_messages_never_contain_values(body: Body) -> None:
    """Whatever goes wrong, the exception text carries types and paths only."""
    data = body("patient.json") | {"firstName": ["<html>" + CANARY]}
    data["birthDate"] = CANARY
    with pytest.raises(DecodeError) as caught:
        structure(data, Patient)
    assert CANARY not in str(caught.value)
    assert CANARY not in repr(caught.value.problems)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None  # no context either: it would quote the value


def test_decode_error_is_a_welkin_error() -> None:
    """Callers can catch every SDK failure with the root WelkinError."""
    assert issubclass(DecodeError, WelkinError)
    error = DecodeError("Patient", [DecodeProblem("$.a", "string", "integer")] * 7)
    assert str(error).endswith("(+2 more)")
    assert error.path == "$.a"
    assert json.dumps(str(error))
