"""The converter in welkin_async._serde, through the public structure/unstructure/loads."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from welkin_async import UNSET, loads, structure, unstructure
from welkin_async.errors import DecodeError
from welkin_async.models import (
    ApiClientToken,
    AssessmentRecord,
    CalendarEvent,
    CdtRecord,
    CursorPage,
    Encounter,
    EncounterStatus,
    ErrorItem,
    Gender,
    MetaInfoPage,
    NamedPage,
    OAuthToken,
    Patient,
    PatientCreate,
    PatientProgram,
    ProgramPhase,
    SpringPage,
    TokenPage,
    User,
    WebhookEvent,
)

Body = Callable[[str], Any]

ROUND_TRIPS: list[tuple[str, Any]] = [
    ("patient.json", Patient),
    ("patients_page.json", SpringPage[Patient]),
    ("cdt_record.json", CdtRecord),
    ("cdt_records_page.json", NamedPage[CdtRecord]),
    ("patient_programs_page.json", MetaInfoPage[PatientProgram]),
    ("encounter_record.json", CdtRecord[Encounter]),
    ("encounters_page.json", MetaInfoPage[CdtRecord[Encounter]]),
    ("assessment_records_page.json", SpringPage[AssessmentRecord]),
    ("users_page.json", MetaInfoPage[User]),
    ("error_forbidden.json", list[ErrorItem]),
    ("api_client_token.json", ApiClientToken),
    ("oauth_token.json", OAuthToken),
    ("chat_page.json", TokenPage),
    ("export_page.json", CursorPage[Patient]),
    ("webhook_event.json", WebhookEvent),
]


@pytest.mark.parametrize(("name", "cls"), ROUND_TRIPS, ids=[n for n, _ in ROUND_TRIPS])
def test_bodies_round_trip_exactly(body: Body, name: str, cls: Any) -> None:
    """Every modelled body structures and unstructures back to the same JSON, key for key."""
    data = body(name)
    assert unstructure(structure(data, cls)) == data


def test_loads_decodes_and_structures_bytes(body: Body) -> None:
    """loads() takes raw response bytes and returns the typed page."""
    raw = json.dumps(body("patients_page.json")).encode()
    page = loads(raw, SpringPage[Patient])
    assert [p.first_name for p in page.content] == ["Ada", "Grace"]
    programs = page.content[0].patient_programs
    assert programs
    assert programs[0].current_phase is not None


def test_wire_names_become_snake_case_attributes(body: Body) -> None:
    """camelCase keys become snake_case attributes with the right Python types."""
    patient = structure(body("patient.json"), Patient)
    assert patient.id == UUID("6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d")
    assert patient.created_at == datetime(2024, 3, 1, 9, 15, 2, 117000, tzinfo=UTC)
    assert patient.birth_date == datetime(1980, 2, 29, tzinfo=UTC)
    assert patient.gender is Gender.FEMALE


@pytest.mark.parametrize(
    "served",
    ["2022-08-09T00:00:00.000Z", "1998-08-07T23:00:00.000Z", "2001-02-03T00:00:00.000+00:00"],
)
def test_a_served_birth_date_reads_as_a_date_time_and_writes_back_unchanged(served: str) -> None:
    """birthDate is served as a date-time: it reads as an aware datetime and is written back in
    exactly the served form (a time of day or an offset included)."""
    data = {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "birthDate": served}
    patient = structure(data, Patient)
    assert isinstance(patient.birth_date, datetime)
    assert patient.birth_date == datetime.fromisoformat(served)
    assert unstructure(patient) == data


def test_a_birth_date_given_as_a_date_is_written_as_midnight_utc() -> None:
    """A date given for birth_date (at construction, or assigned later) is written as midnight
    UTC of that day, the form the API serves; the day read back is the day given."""
    day = date(1990, 5, 17)
    made = PatientCreate(birth_date=day)
    assert made.birth_date == datetime(1990, 5, 17, tzinfo=UTC)
    assert unstructure(made) == {"birthDate": "1990-05-17T00:00:00.000Z"}
    patient = structure({"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d"}, Patient)
    # Typed code cannot assign a date here (the attribute is a datetime); untyped code can, and
    # the field's converter still runs when the model is written.
    patient.birth_date = day  # type: ignore[assignment]
    assert unstructure(patient)["birthDate"] == "1990-05-17T00:00:00.000Z"
    read = structure(unstructure(made), PatientCreate)
    assert isinstance(read.birth_date, datetime)
    assert read.birth_date.date() == day


def test_a_bare_date_is_no_served_birth_date() -> None:
    """``YYYY-MM-DD`` is not the served form of birthDate: it is a DecodeError at its path."""
    with pytest.raises(DecodeError) as raised:
        structure(
            {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "birthDate": "1990-05-17"}, Patient
        )
    assert raised.value.path == "$.birthDate"


def test_absent_is_unset_and_null_is_none() -> None:
    """A key left out stays UNSET (and is left out again); a null stays None (and is sent)."""
    patient = structure({"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "middleName": None}, Patient)
    assert patient.middle_name is None
    assert patient.first_name is UNSET
    assert unstructure(patient) == {
        "id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d",
        "middleName": None,
    }


def test_unknown_keys_survive_read_modify_write(body: Body) -> None:
    """Keys a newer server adds are kept in wire_extra and written back after an edit."""
    data = body("patient.json") | {"preferredPronouns": "she/her", "riskScore": {"value": 3}}
    patient = structure(data, Patient)
    assert dict(patient.wire_extra) == {"preferredPronouns": "she/her", "riskScore": {"value": 3}}
    patient.first_name = "Adah"
    assert unstructure(patient) == data | {"firstName": "Adah"}


def test_users_type_every_served_field(body: Body) -> None:
    """A user's served fields are typed attributes (``_root_user`` too), none left in wire_extra."""
    user = structure(body("users_page.json"), MetaInfoPage[User]).data[0]
    assert user.root_user is False
    assert user.custom_user_attributes == {"badge": "B-12"}
    assert user.terminology_name == "english"
    assert user.wire_extra == {}


def test_users_keep_fields_the_model_leaves_out(body: Body) -> None:
    """A user key the model does not know still round-trips via wire_extra."""
    data = body("users_page.json")
    data["data"][0]["calendarColor"] = "#00a7be"
    page = structure(data, MetaInfoPage[User])
    assert dict(page.data[0].wire_extra) == {"calendarColor": "#00a7be"}
    assert unstructure(page) == data


def test_unknown_enum_value_is_kept_not_refused(body: Body) -> None:
    """An enum value the SDK does not declare reads fine, is marked unknown and writes back."""
    data = body("encounter_record.json")
    data["jsonBody"]["status"] = "ARCHIVED_BY_POLICY"
    record = structure(data, CdtRecord[Encounter])
    status = record.json_body.status
    assert isinstance(status, EncounterStatus)
    assert status == "ARCHIVED_BY_POLICY"
    assert not status.known
    assert EncounterStatus.COMPLETED.known
    assert unstructure(record) == data


def test_unknown_enum_value_is_one_object() -> None:
    """The same undeclared value always becomes the same pseudo-member."""
    assert Gender("NONBINARY") is Gender("NONBINARY")
    assert list(Gender) == [Gender.MALE, Gender.FEMALE, Gender.OTHER, Gender.UNKNOWN]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-09T17:00:00.000Z", datetime(2024, 4, 9, 17, tzinfo=UTC)),
        ("2024-04-09T10:00:00.000-07:00", datetime(2024, 4, 9, 17, tzinfo=UTC)),
        ("2024-04-09T17:00:00.000+00:00", datetime(2024, 4, 9, 17, tzinfo=UTC)),
        ("2024-04-09T17:00:00.123456Z", datetime(2024, 4, 9, 17, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_datetimes_parse_and_keep_their_written_form(text: str, expected: datetime) -> None:
    """'Z' and explicit offsets both parse to the same instant and are written back as received."""
    event = structure({"startDateTime": text}, CalendarEvent)
    assert event.start_date_time == expected
    assert unstructure(event) == {"startDateTime": text}


def test_utc_datetimes_made_in_python_are_written_with_z() -> None:
    """A datetime a user builds in UTC goes out in the server's own 'Z' form, to the millisecond."""
    phase = ProgramPhase(name="intake", timestamp=datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    assert unstructure(phase)["timestamp"] == "2024-01-02T03:04:05.678Z"
    offset = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    written = unstructure(ProgramPhase(name="x", timestamp=offset))["timestamp"]
    assert written == "2024-01-02T03:04:05.000+02:00"


def test_generic_envelope_defaults_to_dict_body(body: Body) -> None:
    """A bare CdtRecord carries its jsonBody as the dict the server sent."""
    record = structure(body("cdt_record.json"), CdtRecord)
    assert record.json_body["cdtf-alone-time"] == "Sometimes"


def test_repr_shows_no_values(body: Body) -> None:
    """A model's repr names the fields that are set but never shows a value (it is PHI)."""
    data = body("patient.json")
    text = repr(structure(data, Patient))
    assert "first_name" in text
    for value in ("Ada", "Example", "6f1d2c3b", "pat@example.org", "EHR-1001"):
        assert value not in text
