"""Calendar events as the live API serves them, e.g. an encounter's scheduled appointment.

An event carries its instants in UTC (``startDateTime``) and in the event's time zone
(``localStartDateTime``; an event without a time zone is shown at ``+00:00``), its length in
seconds, and its participants, each filled in from the user or patient it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._records import Actor
from welkin_async.testing._store import Row

PATIENT_ROLE = "patient"


def local_time(instant: str | None) -> str | None:
    """``2022-07-26T20:05:53.277Z`` as the API writes a local time without a zone: at +00:00."""
    if instant is None:
        return None
    moment = datetime.fromisoformat(instant).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds")


def _seconds_between(start: str | None, end: str | None) -> int | None:
    if start is None or end is None:
        return None
    return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())


def participant(
    participant_row_id: str, participant_id: str, role: str, person: Mapping[str, Any]
) -> Row:
    """One participant: a patient (``role`` patient) or a user, with their contact fields."""
    is_patient = role == PATIENT_ROLE
    return {
        "id": participant_row_id,
        "participantId": participant_id,
        "participantRole": role,
        "participationStatus": "",
        "attended": False,
        "timezone": None,
        "firstName": person.get("firstName"),
        "lastName": person.get("lastName"),
        "deleted": False,
        "hasAccess": False,
        "email": person.get("email"),
        "phone": person.get("phone"),
        "gender": person.get("gender") if is_patient else None,
        "birthDate": person.get("birthDate") if is_patient else None,
        "enabled": None if is_patient else person.get("enabled"),
    }


def event_row(
    event_id: str,
    spec: Mapping[str, Any],
    participants: list[Row],
    *,
    stamp: int,
    who: Actor,
) -> Row:
    """A scheduled event from a request's ``{eventType, eventTitle, startDateTime, ...}``."""
    now = iso_ms(stamp)
    start, end = spec.get("startDateTime"), spec.get("endDateTime")
    return {
        "id": event_id,
        "createdBy": who.id,
        "createdAt": now,
        "updatedBy": who.id,
        "updatedAt": now,
        "externalId": None,
        "externalIdUpdatedAt": now,
        "eventTitle": spec.get("eventTitle"),
        "eventDescription": spec.get("eventDescription"),
        "startDateTime": start,
        "localStartDateTime": local_time(start),
        "endDateTime": end,
        "localEndDateTime": local_time(end),
        "allDayEvent": False,
        "duration": _seconds_between(start, end),
        "eventType": spec.get("eventType") or "ENCOUNTER",
        "eventStatus": "SCHEDULED",
        "eventMode": spec.get("eventMode") or "VIDEO",
        "eventColor": None,
        "hostId": spec.get("hostId"),
        "timezone": None,
        "additionalInfo": None,
        "participants": participants,
    }
