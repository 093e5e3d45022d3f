"""The calendar: events, users' work hours and their schedules.

- ``POST calendar/events`` schedules an event (201). Each participant names a user (``psm``) or a
  patient of the environment and is filled in from them; the host must be a user and one of the
  participants; the end may not come before the start. What the body leaves out is served null
  (no default type, status or mode), as recorded. Local times are in the event's ``timezone``
  (at +00:00 without one).
- ``GET calendar/events/{id}``, ``PATCH`` (only the given fields; ``participants`` replaces the
  list, keeping the row ids of participants who stay) and ``DELETE`` (204; only an event that
  has not started, as the vendor documents: else 409 ``CALENDAR_EVENT_STARTED``). An unknown id
  is 404 ``CALENDAR_EVENT_NOT_FOUND``.
- ``GET calendar/events?from&to&includeCancelled&participantIds&eventType&page&size``: Spring
  pages of the events overlapping ``from``..``to`` (as the vendor's example shows), earliest
  first; ``CANCELLED`` ones only with ``includeCancelled=true``.
- ``GET calendar/work-hours?from&to&psmIds=a,b``: a bare array with one ``{psmId, details}`` per
  listed user who has rules in effect in the span (users without any are left out, as recorded).
- ``GET calendar/psm-schedules?psmIds&from&to&includeCancelled&page``: a bare array (though it
  takes ``page``, as recorded) with one ``{psmId, workHours, events}`` per listed user: their
  rules in the span and the events in it they host or take part in.

A participant or host naming no one is a 400 (``PARTICIPANT_NOT_FOUND``, ``USER_NOT_FOUND``), as
the encounters' appointments refuse them: the vendor documents no status for it. Unreadable
date-times, flags and ranges are 400s naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from welkin_async.testing._calendar import (
    CANCELLED,
    PATIENT_ROLE,
    calendar_event_row,
    overlaps,
    participant,
    place,
    schedule_event,
    takes_part,
)
from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._pagination import page_request, spring_page
from welkin_async.testing._query import check_uuid, flag, instant
from welkin_async.testing._routing import (
    NO_CONTENT,
    Call,
    QueryParam,
    Reply,
    Route,
    bytes_reply,
    json_reply,
)
from welkin_async.testing._store import Row
from welkin_async.testing.routes._common import actor, render, render_one
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, ref
from welkin_async.testing.routes._shapes import spring_page as spring_shape

RESOURCE = "calendar"
_COMPONENT = "CALENDAR"
_WRITABLE = (
    "eventTitle",
    "eventDescription",
    "eventType",
    "eventStatus",
    "eventMode",
    "eventColor",
    "allDayEvent",
    "timezone",
    "additionalInfo",
)


# --- query parameters ----------------------------------------------------------------------------


def _instant(call: Call, name: str, *, required: bool) -> int | None:
    """A date-time parameter in epoch ms (None when absent and optional); 400 otherwise."""
    if required and name not in call.query:
        raise bad_request("MISSING_PARAMETER", _COMPONENT, f"'{name}' is required", parameter=name)
    return instant(call.query, name, _COMPONENT)


def _span(call: Call, *, required: bool) -> tuple[int | None, int | None]:
    """``from`` and ``to`` in epoch ms; ``from`` after ``to`` is a 400."""
    low = _instant(call, "from", required=required)
    high = _instant(call, "to", required=required)
    if low is not None and high is not None and low > high:
        raise bad_request(
            "INVALID_DATE_RANGE", _COMPONENT, "'from' must not be after 'to'", parameter="from"
        )
    return low, high


def _id_list(call: Call, name: str, *, required: bool) -> list[str]:
    """A comma-separated list of ids (UUIDs), each once, in the order given."""
    text = call.query.get(name, "")
    ids = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if required and not ids:
        raise bad_request(
            "MISSING_PARAMETER", _COMPONENT, f"'{name}' must name at least one id", parameter=name
        )
    for value in ids:
        check_uuid(value, name, _COMPONENT, f"'{name}' must list UUIDs")
    return ids


# --- events --------------------------------------------------------------------------------------


def _event(call: Call) -> Row:
    row = call.env.calendar_events.get(call.params["event_id"])
    if row is None:
        raise not_found("CALENDAR_EVENT_NOT_FOUND", _COMPONENT, "Calendar event doesn't exist")
    return row


def _person(call: Call, participant_id: str, role: str) -> Mapping[str, Any]:
    """The patient or user a participant names; one naming no one is refused."""
    found: Mapping[str, Any] | None
    if role == PATIENT_ROLE:
        found = call.env.patients.get(participant_id)
    else:
        found = call.tenant.user(participant_id)
    if found is None:
        raise bad_request(
            "PARTICIPANT_NOT_FOUND",
            _COMPONENT,
            f"No {role} with the participant's id",
            field="participants",
        )
    return found


def _participants(call: Call, given: Iterable[Mapping[str, Any]], kept: Iterable[Row]) -> list[Row]:
    """The participants of a body, filled in; one already in ``kept`` keeps its row id and
    attendance unless the body says otherwise."""
    earlier = {(p["participantId"], p["participantRole"]): p for p in kept}
    people: list[Row] = []
    for item in given:
        who, role = str(item["participantId"]), str(item["participantRole"])
        before = earlier.get((who, role))
        row_id = before["id"] if before else call.backend.new_id()
        made = participant(row_id, who, role, _person(call, who, role))
        attended = item.get("attended")
        if attended is None and before is not None:
            attended = before["attended"]
        made["attended"] = bool(attended)
        people.append(made)
    return people


def _check(call: Call, host_id: str, people: list[Row], start: str, end: str) -> None:
    """The host is a user and a participant; the event does not end before it starts."""
    if call.tenant.user(host_id) is None:
        raise bad_request(
            "USER_NOT_FOUND", _COMPONENT, "The event's host is not a user", field="hostId"
        )
    if not any(p["participantId"] == host_id for p in people):
        raise bad_request(
            "HOST_NOT_A_PARTICIPANT",
            _COMPONENT,
            "The participants must include the event's host",
            field="participants",
        )
    if parse_iso_ms(end) < parse_iso_ms(start):
        raise bad_request(
            "INVALID_EVENT_TIME",
            _COMPONENT,
            "The event may not end before it starts",
            field="endDateTime",
        )


def create_event(call: Call) -> Reply:
    body = call.json_object()  # the schema checked the required fields and their formats
    people = _participants(call, body["participants"], ())
    _check(call, body["hostId"], people, body["startDateTime"], body["endDateTime"])
    stamp = call.stamp()
    row = calendar_event_row(call.backend.new_id(), body, people, stamp=stamp, who=actor(call))
    call.env.calendar_events.put(row["id"], row, stamp)
    return json_reply(row, 201)


def get_event(call: Call) -> Reply:
    return bytes_reply(render_one(call.env.calendar_events, _event(call)["id"]))


def update_event(call: Call) -> Reply:
    row = _event(call)
    body = call.json_object()
    if not body:
        return json_reply(row)
    stamp = call.stamp()
    updated = {**row, **{name: body[name] for name in _WRITABLE if name in body}}
    updated["allDayEvent"] = bool(updated["allDayEvent"])
    if "externalId" in body and body["externalId"] != row["externalId"]:
        updated.update(externalId=body["externalId"], externalIdUpdatedAt=iso_ms(stamp))
    if "participants" in body:
        updated["participants"] = _participants(call, body["participants"], row["participants"])
    updated["hostId"] = body.get("hostId", row["hostId"])
    start = str(body.get("startDateTime") or row["startDateTime"])
    end = str(body.get("endDateTime") or row["endDateTime"])
    _check(call, updated["hostId"], updated["participants"], start, end)
    updated.update(updatedAt=iso_ms(stamp), updatedBy=actor(call).id)
    updated = place(updated, start, end)
    call.env.calendar_events.put(row["id"], updated, stamp)
    return json_reply(updated)


def delete_event(call: Call) -> Reply:
    row = _event(call)
    if parse_iso_ms(row["startDateTime"]) <= call.backend.clock.now_ms():
        raise conflict(
            "CALENDAR_EVENT_STARTED", _COMPONENT, "Only events that have not started can be deleted"
        )
    call.env.calendar_events.delete(row["id"])
    return NO_CONTENT


def _in_span(
    call: Call, low: int | None, high: int | None, *, cancelled: bool
) -> list[tuple[str, Row]]:
    """``(id, event)`` of the events overlapping the span, earliest first."""
    rows = call.env.calendar_events.rows
    found = [
        (event_id, event)
        for event_id, event in rows.items()
        if overlaps(event, low, high) and (cancelled or event["eventStatus"] != CANCELLED)
    ]
    found.sort(key=lambda pair: (pair[1]["startDateTime"], pair[0]))
    return found


def list_events(call: Call) -> Reply:
    low, high = _span(call, required=False)
    found = _in_span(call, low, high, cancelled=flag(call.query, "includeCancelled", _COMPONENT))
    people = set(_id_list(call, "participantIds", required=False))
    kind = call.query.get("eventType")
    ids = [
        event_id
        for event_id, event in found
        if (not people or takes_part(event, people))
        and (kind is None or event["eventType"] == kind)
    ]
    page = page_request(call.query, call.backend.max_page_size)
    rows = render(call.env.calendar_events, [ids[index] for index in page.slice(len(ids))])
    return bytes_reply(spring_page(rows, len(ids), page))


# --- work hours and schedules --------------------------------------------------------------------


def _rules(call: Call, user_id: str, low: int | None, high: int | None) -> list[Row]:
    return [rule for rule in call.env.work_hours.get(user_id, ()) if overlaps(rule, low, high)]


def work_hours(call: Call) -> Reply:
    low, high = _span(call, required=True)
    answer = []
    for user_id in _id_list(call, "psmIds", required=True):
        rules = _rules(call, user_id, low, high)
        if rules:
            answer.append({"psmId": user_id, "details": rules})
    return json_reply(answer)


def schedules(call: Call) -> Reply:
    users = _id_list(call, "psmIds", required=True)
    low, high = _span(call, required=True)
    page_request(call.query, call.backend.max_page_size)  # taken, checked, and not paging
    found = _in_span(call, low, high, cancelled=flag(call.query, "includeCancelled", _COMPONENT))
    answer = [
        {
            "psmId": user_id,
            "workHours": _rules(call, user_id, low, high),
            "events": [schedule_event(event) for _, event in found if takes_part(event, {user_id})],
        }
        for user_id in users
    ]
    return json_reply(answer)


# --- the table -----------------------------------------------------------------------------------

_DATE_TIME = {"type": "string", "format": "date-time"}
_BOOLEAN = {"type": "boolean"}
_IDS = {"type": "string"}
_FROM = QueryParam("from", _DATE_TIME, "the span's start (ISO date-time with an offset)")
_TO = QueryParam("to", _DATE_TIME, "the span's end (ISO date-time with an offset)")
_CANCELLED = QueryParam("includeCancelled", _BOOLEAN, "include CANCELLED events (default false)")
_USERS = QueryParam("psmIds", _IDS, "comma-separated user ids")
_EVENT = "/calendar/events/{event_id}"
_ONE = {200: ref("calendar_event.json")}
ROUTES = (
    Route(
        "GET",
        "/calendar/events",
        list_events,
        "List the calendar events in a span",
        RESOURCE,
        "read",
        responses={200: spring_shape(ref("calendar_event.json"))},
        query=(
            _FROM,
            _TO,
            _CANCELLED,
            QueryParam("participantIds", _IDS, "comma-separated user or patient ids"),
            QueryParam(
                "eventType", {"type": "string"}, "APPOINTMENT, GROUP_THERAPY, LEAVE, ENCOUNTER"
            ),
            *PAGE_PARAMS,
        ),
    ),
    Route(
        "POST",
        "/calendar/events",
        create_event,
        "Schedule a calendar event",
        RESOURCE,
        "create",
        request_body="calendar_event_create.json",
        responses={201: ref("calendar_event.json")},
    ),
    Route("GET", _EVENT, get_event, "One calendar event", RESOURCE, "read", responses=_ONE),
    Route(
        "PATCH",
        _EVENT,
        update_event,
        "Change the given fields of a calendar event",
        RESOURCE,
        "update",
        request_body="calendar_event_update.json",
        responses=_ONE,
    ),
    Route(
        "DELETE",
        _EVENT,
        delete_event,
        "Delete a calendar event that has not started",
        RESOURCE,
        "delete",
        responses={204: None},
    ),
    Route(
        "GET",
        "/calendar/work-hours",
        work_hours,
        "Users' work-hour rules in a span",
        RESOURCE,
        "read",
        responses={200: array(ref("user_work_hours.json"))},
        query=(_FROM, _TO, _USERS),
    ),
    Route(
        "GET",
        "/calendar/psm-schedules",
        schedules,
        "Users' schedules in a span: work hours and events",
        RESOURCE,
        "read",
        responses={200: array(ref("user_schedule.json"))},
        query=(_USERS, _FROM, _TO, _CANCELLED, *PAGE_PARAMS),
    ),
)
