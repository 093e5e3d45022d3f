"""Builders of stored rows in their wire shapes, shared by the seed and the handlers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._store import Row


def full_name(person: Mapping[str, Any]) -> str | None:
    """``First Last`` of a patient or user, or None when it has neither."""
    parts = [person.get("firstName"), person.get("lastName")]
    return " ".join(str(part) for part in parts if part) or None


PATIENT_FIELDS = (
    "externalGuid",
    "externalId",
    "mrn",
    "firstName",
    "lastName",
    "middleName",
    "birthDate",
    "gender",
    "maritalStatus",
    "primaryLanguage",
    "secondaryLanguage",
    "email",
    "secondaryEmail",
    "phone",
    "secondaryPhone",
    "country",
    "state",
    "city",
    "zip",
    "addressLine1",
    "addressLine2",
    "timezone",
)
# The system fields every CDT record carries in its jsonBody; the server owns them.
CDT_SYSTEM_FIELDS = frozenset(
    {
        "id",
        "created_at",
        "created_by",
        "created_by_name",
        "updated_at",
        "updated_by",
        "updated_by_name",
        "source_id",
        "source_name",
        "source_type",
    }
)
# The internal CDTs whose records carry encounters, their assessment links and dispositions.
ENCOUNTER_CDT_NAME = "__encounter__"
ENCOUNTER_ASSESSMENT_CDT_NAME = "__encounter_assessment__"
DISPOSITION_CDT_NAME = "__encounter_disposition__"


@attrs.frozen
class Actor:
    """Who made a change: the API client (or seeded user) named in created/updated fields."""

    id: str
    name: str


def birth_date(value: Any) -> Any:
    """A birth date as the emulator stores and serves it: midnight UTC of the day it names.

    The live API serves birth dates as midnight UTC (``YYYY-MM-DDT00:00:00.000Z``); the emulator
    keeps the day a written date-time falls on in UTC and serves that (a model of a field that
    holds a day, not an instant). Values that are not date-times pass through (request
    validation has refused them already).
    """
    if not isinstance(value, str):
        return value
    day = datetime.fromisoformat(value).astimezone(UTC).date()
    return f"{day.isoformat()}T00:00:00.000Z"


def patient_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A patient's written fields, as stored (``birthDate`` normalised to the served form)."""
    stored = dict(fields)
    if "birthDate" in stored:
        stored["birthDate"] = birth_date(stored["birthDate"])
    return stored


def patient_row(patient_id: str, fields: Mapping[str, Any], stamp: int, actor: Actor) -> Row:
    row: Row = {"id": patient_id}
    row.update(dict.fromkeys(PATIENT_FIELDS))
    row.update(
        patientTerritories=[],
        careTeamMembers=[],
        patientPrograms=[],
        careTeam=[],
        cadence=[],
        patientRegion=None,
        patientRegionTitle=None,
        patientTerritory=None,
        pointOfContact=None,
    )
    row.update(patient_fields(fields))  # the care team and territories when they were given
    now = iso_ms(stamp)
    row.update(
        createdAt=now,
        updatedAt=now,
        createdBy=actor.id,
        updatedBy=actor.id,
        createdByName=actor.name,
        updatedByName=actor.name,
    )
    return row


def touch(row: Row, stamp: int, actor: Actor, *, snake: bool = False) -> None:
    """Record an update on ``row`` (camelCase keys, or the CDT body's snake_case ones)."""
    if snake:
        row.update(updated_at=iso_ms(stamp), updated_by=actor.id, updated_by_name=actor.name)
    else:
        row.update(updatedAt=iso_ms(stamp), updatedBy=actor.id, updatedByName=actor.name)


def touch_program(row: Row, stamp: int, actor: Actor) -> None:
    """Record an update on a patient program, which names its updater but keeps no id of them."""
    row.update(updatedAt=iso_ms(stamp), updatedByName=actor.name)


def cdt_body(record_id: str, values: Mapping[str, Any], stamp: int, actor: Actor) -> Row:
    now = iso_ms(stamp)
    body: Row = {
        "external_guid": None,
        "external_id": None,
        "source_type": None,
        "source_id": None,
        "source_name": None,
    }
    body.update(values)
    body.update(
        id=record_id,
        created_at=now,
        created_by=actor.id,
        created_by_name=actor.name,
        updated_at=now,
        updated_by=actor.id,
        updated_by_name=actor.name,
    )
    return body


def blank_fields(cdt: Mapping[str, Any]) -> dict[str, None]:
    """Every field a CDT defines besides the system ones, empty: a record serves them all."""
    return {
        field["name"]: None
        for field in cdt.get("fields") or ()
        if field["name"] not in CDT_SYSTEM_FIELDS and not field["name"].startswith("external_")
    }


def cdt_record_row(
    record_id: str,
    patient_id: str,
    cdt: Mapping[str, Any],
    body: Row,
) -> Row:
    return {
        "id": record_id,
        "patientId": patient_id,
        "cdtId": cdt["id"],
        "version": cdt["version"],
        "jsonBody": body,
        "cdtName": cdt["name"],
    }


def program_phase(phase: Mapping[str, Any], stamp: int, actor: Actor, version: int) -> Row:
    return {
        "timestamp": iso_ms(stamp),
        "createdBy": actor.id,
        "createdByName": actor.name,
        "name": phase["name"],
        "title": phase.get("title"),
        "description": phase.get("description", ""),
        "currentVersion": str(version),
        "deleted": False,
    }


def unassigned_program(program: Mapping[str, Any], author: str) -> Row:
    """How ``GET patients/{id}/programs`` shows a program the patient is not in.

    The live API names the program's author in it even then (``createdByName``); ``author`` is
    who configured the tenant.
    """
    return {
        "id": None,
        "createdByName": author,
        "createdAt": None,
        "updatedByName": author,
        "updatedAt": None,
        "programName": program["name"],
        "programTitle": program.get("title"),
        "programDescription": program.get("description"),
        "assigned": False,
        "patientId": None,
        "currentPhase": None,
        "status": None,
        "compatibleWithCurrentVersion": False,
        "pathHistory": [],
    }


def assigned_program(
    program: Mapping[str, Any],
    author: str,
    *,
    row_id: str,
    patient_id: str,
    path: list[Row],
    created: tuple[str, str],
    who: Actor,
) -> Row:
    """A patient program the patient is in, at the last phase of ``path`` (its history);
    ``created`` is when and by whom (a name) the assignment was first made."""
    created_at, created_by_name = created
    return unassigned_program(program, author) | {
        "id": row_id,
        "patientId": patient_id,
        "assigned": True,
        "status": "IN_PROGRESS",
        "currentPhase": path[-1],
        "compatibleWithCurrentVersion": True,
        "pathHistory": path,
        "createdAt": created_at,
        "createdByName": created_by_name,
        "updatedAt": path[-1]["timestamp"],
        "updatedByName": who.name,
    }
