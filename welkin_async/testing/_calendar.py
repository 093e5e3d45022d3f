"""Calendar events as the live API serves them, e.g. an encounter's scheduled appointment.

An event carries its instants in UTC (``startDateTime``) and in the event's time zone
(``localStartDateTime``; an event without a time zone is shown at ``+00:00``), its length in
seconds, and its participants, each filled in from the user or patient it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


# --- the calendar API's own events, work hours and schedules -------------------------------------

CANCELLED = "CANCELLED"
_EVENT_FIELDS = (
    "eventTitle",
    "eventDescription",
    "eventType",
    "eventStatus",
    "eventMode",
    "eventColor",
    "timezone",
    "additionalInfo",
)


def _zone(name: str | None) -> tzinfo:
    """The IANA zone ``name``; UTC when there is none or the zone database does not know it."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def local_time_in(instant: str | None, zone: str | None) -> str | None:
    """``instant`` in the time zone ``zone`` (``2022-06-28T16:00:00.000-07:00``); at +00:00
    without one, as :func:`local_time` writes it."""
    if instant is None:
        return None
    moment = datetime.fromisoformat(instant).astimezone(_zone(zone))
    text = moment.isoformat(timespec="milliseconds")
    return text if text[-6] in "+-" else text + "+00:00"


def calendar_event_row(
    event_id: str,
    spec: Mapping[str, Any],
    participants: list[Row],
    *,
    stamp: int,
    who: Actor,
) -> Row:
    """An event made through the calendar API from a create body: what the body leaves out is
    null (no default type, status or mode, unlike an encounter's appointment)."""
    now = iso_ms(stamp)
    row: Row = {
        "id": event_id,
        "createdBy": who.id,
        "createdAt": now,
        "updatedBy": who.id,
        "updatedAt": now,
        "externalId": spec.get("externalId"),
        "externalIdUpdatedAt": now,
        **{name: spec.get(name) for name in _EVENT_FIELDS},
        "allDayEvent": bool(spec.get("allDayEvent")),
        "hostId": spec.get("hostId"),
        "participants": participants,
    }
    return place(row, spec.get("startDateTime"), spec.get("endDateTime"))


def place(row: Row, start: str | None, end: str | None) -> Row:
    """``row`` (an event) set at ``start``..``end``: its instants in UTC (``...Z``), its local
    times in its time zone and its length; keys in the live order."""
    start_text = iso_ms(_epoch_ms(start)) if start else None
    end_text = iso_ms(_epoch_ms(end)) if end else None
    zone = row.get("timezone")
    timing = {
        "startDateTime": start_text,
        "localStartDateTime": local_time_in(start_text, zone),
        "endDateTime": end_text,
        "localEndDateTime": local_time_in(end_text, zone),
        "allDayEvent": row.get("allDayEvent", False),
        "duration": _seconds_between(start_text, end_text),
    }
    order = (
        "id",
        "createdBy",
        "createdAt",
        "updatedBy",
        "updatedAt",
        "externalId",
        "externalIdUpdatedAt",
        "eventTitle",
        "eventDescription",
        *timing,
        "eventType",
        "eventStatus",
        "eventMode",
        "eventColor",
        "hostId",
        "timezone",
        "additionalInfo",
        "participants",
    )
    merged = {**row, **timing}
    return {key: merged.get(key) for key in order}


def _epoch_ms(instant: str) -> int:
    return round(datetime.fromisoformat(instant).timestamp() * 1000)


def overlaps(row: Mapping[str, Any], low: int | None, high: int | None) -> bool:
    """Whether the row's ``startDateTime``..``endDateTime`` (an event's, or a work-hours rule's,
    whose end may be null: open) meets ``low``..``high`` (epoch ms; None: unbounded)."""
    end = row.get("endDateTime")
    starts_in_time = high is None or _epoch_ms(row["startDateTime"]) <= high
    return starts_in_time and (low is None or end is None or _epoch_ms(end) >= low)


def takes_part(event: Mapping[str, Any], person_ids: set[str]) -> bool:
    """Whether any of ``person_ids`` hosts the event or is one of its participants."""
    if event.get("hostId") in person_ids:
        return True
    return any(p.get("participantId") in person_ids for p in event.get("participants") or ())


def schedule_event(event: Mapping[str, Any]) -> Row:
    """An event as a user's schedule lists it (``eventId``: the deprecated copy of ``id``)."""
    return {
        "id": event["id"],
        "eventId": event["id"],
        "eventTitle": event.get("eventTitle"),
        "eventType": event.get("eventType"),
        "eventColor": event.get("eventColor"),
        "allDayEvent": event.get("allDayEvent"),
        "startDateTime": event.get("startDateTime"),
        "localStartDateTime": event.get("localStartDateTime"),
        "endDateTime": event.get("endDateTime"),
        "localEndDateTime": event.get("localEndDateTime"),
    }


def work_day(day_id: str, day: int, start: str | None, end: str | None) -> Row:
    """One weekday of a work-hours rule (1 is Monday); null times: not working that day."""
    return {"startTime": start, "endTime": end, "day": day, "daysInfoId": day_id}


def work_hours_row(
    rule_id: str,
    *,
    kind: str,
    rule: str,
    start: str,
    end: str | None,
    days: list[Row],
    stamp: int,
    who: Actor,
    name: str | None = None,
    encounters: list[str] | None = None,
) -> Row:
    """A work-hours rule as ``GET calendar/work-hours`` lists it; ``encounters`` (the templates
    an availability rule takes) only when given, as live."""
    now = iso_ms(stamp)
    row: Row = {
        "createdAt": now,
        "updatedAt": now,
        "createdBy": who.id,
        "updatedBy": who.id,
        "name": name,
        "type": kind,
        "ruleType": rule,
        "startDateTime": start,
        "endDateTime": end,
        "localStartDateTime": local_time(start),
        "localEndDateTime": local_time(end),
        "daysInfo": days,
    }
    if encounters is not None:
        row["encounters"] = encounters
    row["workHoursId"] = rule_id
    return row
