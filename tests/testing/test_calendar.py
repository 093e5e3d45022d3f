"""The calendar: events in the live shape (participants filled in, local times in the event's
zone), their changes and deletion, listing by span, users' work hours and schedules, the seed,
and the CALENDAR_EVENT export."""

from __future__ import annotations

from typing import Any

import pytest

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator

START, END = "2031-03-03T15:00:00.000Z", "2031-03-03T16:00:00.000Z"
SPAN = {"from": "2024-01-01T00:00:00.000Z", "to": "2032-01-01T00:00:00.000Z"}
_RECORDED_KEYS = {
    "id",
    "createdBy",
    "createdAt",
    "updatedBy",
    "updatedAt",
    "externalId",
    "externalIdUpdatedAt",
    "eventTitle",
    "eventDescription",
    "startDateTime",
    "localStartDateTime",
    "endDateTime",
    "localEndDateTime",
    "allDayEvent",
    "duration",
    "eventType",
    "eventStatus",
    "eventMode",
    "eventColor",
    "hostId",
    "timezone",
    "additionalInfo",
    "participants",
}


def _host(emulator: WelkinEmulator, index: int = 1) -> dict[str, Any]:
    user: dict[str, Any] = emulator.tenant().users[index]
    return user


def _patient(emulator: WelkinEmulator) -> dict[str, Any]:
    live = emulator.tenant().environments["live"]
    row: dict[str, Any] = live.patients.rows[live.patients.ids()[0]]
    return row


def _body(emulator: WelkinEmulator, **more: Any) -> dict[str, Any]:
    """The recorded create body (a host who takes part), with a patient too."""
    host = _host(emulator)["id"]
    return {
        "startDateTime": START,
        "endDateTime": END,
        "hostId": host,
        "participants": [
            {"participantId": host, "participantRole": "psm"},
            {"participantId": _patient(emulator)["id"], "participantRole": "patient"},
        ],
        **more,
    }


async def _event(api: Api, emulator: WelkinEmulator, **more: Any) -> dict[str, Any]:
    made = await api.call("POST", "calendar/events", json_body=_body(emulator, **more))
    assert made.status == 201, made.body
    event: dict[str, Any] = made.body
    return event


# --- create ----------------------------------------------------------------------------------


async def test_create_answers_the_recorded_shape_with_nulls_for_what_the_body_leaves_out(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A new event has the recorded keys; type, status and mode the body did not give are null,
    and without a zone its local times are at +00:00."""
    event = await _event(api, emulator)
    assert set(event) == _RECORDED_KEYS
    assert (event["eventType"], event["eventStatus"], event["eventMode"]) == (None, None, None)
    assert (event["localStartDateTime"], event["duration"]) == (
        "2031-03-03T15:00:00.000+00:00",
        3600,
    )


async def test_create_fills_in_the_participants(api: Api, emulator: WelkinEmulator) -> None:
    """Each participant is filled in from the user or patient it names."""
    event = await _event(api, emulator)
    user, patient = event["participants"]
    assert (user["firstName"], user["enabled"], user["gender"]) == (
        _host(emulator)["firstName"],
        True,
        None,
    )
    assert (patient["firstName"], patient["gender"]) == (
        _patient(emulator)["firstName"],
        _patient(emulator)["gender"],
    )


async def test_create_shows_local_times_in_the_events_zone(
    api: Api, emulator: WelkinEmulator
) -> None:
    """An event with a time zone shows its local times at that zone's offset."""
    event = await _event(api, emulator, timezone="US/Pacific")
    assert event["localStartDateTime"] == "2031-03-03T07:00:00.000-08:00"
    assert event["startDateTime"] == START


async def test_create_refuses_an_unknown_participant(api: Api, emulator: WelkinEmulator) -> None:
    """A participant naming no patient is a 400 PARTICIPANT_NOT_FOUND naming the field."""
    body = _body(emulator)
    body["participants"][1]["participantId"] = "00000000-0000-4000-8000-000000000005"
    answer = await api.call("POST", "calendar/events", json_body=body)
    assert answer.status == 400
    assert (answer.error["errorCode"], answer.error["details"]) == (
        "PARTICIPANT_NOT_FOUND",
        {"field": "participants"},
    )


async def test_create_refuses_a_host_who_is_no_user(api: Api, emulator: WelkinEmulator) -> None:
    """A host naming no user is a 400 USER_NOT_FOUND."""
    answer = await api.call(
        "POST", "calendar/events", json_body=_body(emulator, hostId=_patient(emulator)["id"])
    )
    assert answer.status == 400
    assert answer.error["errorCode"] == "USER_NOT_FOUND"


async def test_create_refuses_a_body_without_its_required_fields(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A body without ``participants`` is a 400 INVALID_REQUEST_BODY."""
    body = _body(emulator)
    del body["participants"]
    answer = await api.call("POST", "calendar/events", json_body=body)
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_REQUEST_BODY"


async def test_create_refuses_an_unknown_status(api: Api, emulator: WelkinEmulator) -> None:
    """An ``eventStatus`` outside the documented ones is a 400 INVALID_REQUEST_BODY."""
    answer = await api.call(
        "POST", "calendar/events", json_body=_body(emulator, eventStatus="POSTPONED")
    )
    assert answer.status == 400
    assert answer.error["details"]["path"] == "$.eventStatus"


# --- get, update, delete ---------------------------------------------------------------------


async def test_get_answers_the_stored_event(api: Api, emulator: WelkinEmulator) -> None:
    """GET by id answers what the create answered."""
    event = await _event(api, emulator)
    answer = await api.call("GET", f"calendar/events/{event['id']}")
    assert (answer.status, answer.body) == (200, event)


async def test_get_of_a_missing_event_is_not_found(api: Api) -> None:
    """An unknown id is a 404 CALENDAR_EVENT_NOT_FOUND."""
    answer = await api.call("GET", "calendar/events/00000000-0000-4000-8000-000000000009")
    assert answer.status == 404
    assert answer.error["errorCode"] == "CALENDAR_EVENT_NOT_FOUND"


async def test_patch_changes_only_the_given_fields(api: Api, emulator: WelkinEmulator) -> None:
    """A PATCH changes the fields it names and the update stamp, and keeps the others."""
    event = await _event(api, emulator, eventDescription="kept")
    answer = await api.call(
        "PATCH", f"calendar/events/{event['id']}", json_body={"eventTitle": "Moved"}
    )
    assert answer.status == 200
    changed = {key for key in event if answer.body[key] != event[key]}
    assert changed == {"eventTitle", "updatedAt"}


async def test_patch_of_the_times_recomputes_the_length(api: Api, emulator: WelkinEmulator) -> None:
    """A new end gives a new duration and local end."""
    event = await _event(api, emulator)
    answer = await api.call(
        "PATCH",
        f"calendar/events/{event['id']}",
        json_body={"endDateTime": "2031-03-03T17:30:00.000Z"},
    )
    assert (answer.body["duration"], answer.body["localEndDateTime"]) == (
        9000,
        "2031-03-03T17:30:00.000+00:00",
    )


async def test_patch_of_the_participants_keeps_those_who_stay(
    api: Api, emulator: WelkinEmulator
) -> None:
    """New participants replace the list; one who stays keeps their row id."""
    event = await _event(api, emulator)
    host = _host(emulator)["id"]
    other = _host(emulator, 2)["id"]
    people = [
        {"participantId": host, "participantRole": "psm"},
        {"participantId": other, "participantRole": "psm", "attended": True},
    ]
    answer = await api.call(
        "PATCH", f"calendar/events/{event['id']}", json_body={"participants": people}
    )
    kept, added = answer.body["participants"]
    assert kept["id"] == event["participants"][0]["id"]
    assert (added["participantId"], added["attended"]) == (other, True)


async def test_patch_ending_before_the_start_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """An end moved before the start is a 400 INVALID_EVENT_TIME, and nothing changes."""
    event = await _event(api, emulator)
    answer = await api.call(
        "PATCH",
        f"calendar/events/{event['id']}",
        json_body={"endDateTime": "2031-03-03T14:00:00.000Z"},
    )
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_EVENT_TIME"
    again = await api.call("GET", f"calendar/events/{event['id']}")
    assert again.body == event


async def test_delete_removes_a_future_event(api: Api, emulator: WelkinEmulator) -> None:
    """DELETE answers 204 and the event is gone."""
    event = await _event(api, emulator)
    deleted = await api.call("DELETE", f"calendar/events/{event['id']}")
    again = await api.call("GET", f"calendar/events/{event['id']}")
    assert (deleted.status, again.status) == (204, 404)


async def test_delete_of_a_started_event_is_a_conflict(api: Api, emulator: WelkinEmulator) -> None:
    """An event whose start has passed cannot be deleted (409 CALENDAR_EVENT_STARTED)."""
    event = await _event(
        api,
        emulator,
        startDateTime="2025-03-03T15:00:00.000Z",
        endDateTime="2025-03-03T16:00:00.000Z",
    )
    answer = await api.call("DELETE", f"calendar/events/{event['id']}")
    assert answer.status == 409
    assert answer.error["errorCode"] == "CALENDAR_EVENT_STARTED"


# --- list ------------------------------------------------------------------------------------


async def test_list_serves_overlapping_events_in_spring_pages(
    api: Api, emulator: WelkinEmulator
) -> None:
    """An event that starts before ``from`` and ends after it is listed, in a Spring page."""
    event = await _event(api, emulator)
    query = {"from": "2031-03-03T15:30:00.000Z", "to": "2031-03-03T15:45:00.000Z"}
    answer = await api.call("GET", "calendar/events", params=query)
    assert answer.status == 200
    assert [item["id"] for item in answer.body["content"]] == [event["id"]]
    assert (answer.body["totalElements"], answer.body["number"]) == (1, 0)


async def test_list_leaves_cancelled_events_out_unless_asked(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A cancelled event is listed only with ``includeCancelled`` true (any case, as the
    recorded client sent ``True``)."""
    event = await _event(api, emulator, eventStatus="CANCELLED")
    plain = await api.call("GET", "calendar/events", params=SPAN)
    asked = await api.call("GET", "calendar/events", params={**SPAN, "includeCancelled": "True"})
    assert event["id"] not in [item["id"] for item in plain.body["content"]]
    assert event["id"] in [item["id"] for item in asked.body["content"]]


async def test_list_pages_the_events_earliest_first(api: Api, emulator: WelkinEmulator) -> None:
    """Pages of one event walk every listed event in start order."""
    seen: list[dict[str, Any]] = []
    for page in range(20):
        answer = await api.call(
            "GET", "calendar/events", params={**SPAN, "page": str(page), "size": "1"}
        )
        seen += answer.body["content"]
        if answer.body["last"]:
            break
    starts = [item["startDateTime"] for item in seen]
    assert starts == sorted(starts)
    assert len(seen) == answer.body["totalElements"] > 1


async def test_list_refuses_an_unreadable_flag(api: Api) -> None:
    """``includeCancelled`` that is no boolean is a 400 naming the parameter."""
    answer = await api.call("GET", "calendar/events", params={"includeCancelled": "maybe"})
    assert answer.status == 400
    assert answer.error["details"] == {"parameter": "includeCancelled"}


async def test_list_refuses_a_span_that_ends_before_it_starts(api: Api) -> None:
    """``from`` after ``to`` is a 400 INVALID_DATE_RANGE."""
    query = {"from": SPAN["to"], "to": SPAN["from"]}
    answer = await api.call("GET", "calendar/events", params=query)
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_DATE_RANGE"


# --- work hours and schedules ----------------------------------------------------------------


async def test_work_hours_answer_a_bare_array_of_users_with_rules(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Work hours list ``{psmId, details}`` for each user with rules, leaving out ids without."""
    users = [user["id"] for user in emulator.tenant().users]
    stranger = "00000000-0000-4000-8000-000000000003"
    query = {**SPAN, "psmIds": ",".join([stranger, *users])}
    answer = await api.call("GET", "calendar/work-hours", params=query)
    assert answer.status == 200
    assert [item["psmId"] for item in answer.body] == users
    assert all(set(item) == {"psmId", "details"} for item in answer.body)


async def test_work_hours_need_their_users(api: Api) -> None:
    """Work hours without ``psmIds`` are a 400 naming the parameter."""
    answer = await api.call("GET", "calendar/work-hours", params=SPAN)
    assert answer.status == 400
    assert answer.error["details"] == {"parameter": "psmIds"}


@pytest.mark.parametrize("path", ["calendar/work-hours", "calendar/psm-schedules"])
async def test_user_ids_must_be_uuids(api: Api, path: str) -> None:
    """A ``psmIds`` entry that is not a UUID is a 400 INVALID_PARAMETER naming the parameter,
    never echoed back as a user's id."""
    query = {**SPAN, "psmIds": "00000000-0000-4000-8000-000000000005,not-a-user"}
    answer = await api.call("GET", path, params=query)
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_PARAMETER"
    assert answer.error["details"] == {"parameter": "psmIds"}


async def test_schedules_list_every_asked_user(api: Api, emulator: WelkinEmulator) -> None:
    """A schedule per asked user: their rules and the events they take part in, in the
    schedule's event shape; an id with nothing gets empty lists."""
    event = await _event(api, emulator)
    host = _host(emulator)["id"]
    stranger = "00000000-0000-4000-8000-000000000004"
    query = {"psmIds": f"{host},{stranger}", "from": START, "to": END, "page": "0"}
    answer = await api.call("GET", "calendar/psm-schedules", params=query)
    assert answer.status == 200
    mine, nobody = answer.body
    assert [item["eventId"] for item in mine["events"]] == [event["id"]]
    assert mine["workHours"]
    assert nobody == {"psmId": stranger, "workHours": [], "events": []}


async def test_a_role_without_the_calendar_is_refused(api_for: ApiFactory) -> None:
    """A role whose policy does not name the calendar gets the 403 policy refusal."""
    analyst = await api_for(role="analyst")
    answer = await analyst.call("GET", "calendar/events")
    assert answer.status == 403
    assert answer.error["errorCode"] == "ACCESS_FOR_API_CLIENT_RESTRICTED"


# --- seed and export -------------------------------------------------------------------------


async def test_the_seed_gives_every_user_work_hours_and_a_few_events(
    emulator: WelkinEmulator,
) -> None:
    """Every seeded user has a default working week; a handful of events are seeded, one of
    them cancelled."""
    tenant = emulator.tenant()
    live = tenant.environments["live"]
    for user in tenant.users:
        rules = live.work_hours[user["id"]]
        assert ("WORKING_HOURS", "DEFAULT") in {(r["type"], r["ruleType"]) for r in rules}
    statuses = [row["eventStatus"] for row in live.calendar_events.rows.values()]
    assert 3 <= len(statuses) <= 10
    assert statuses.count("CANCELLED") == 1


async def test_the_seed_is_the_same_for_the_same_seed() -> None:
    """Two emulators with one seed hold the same events and work hours."""

    def calendar(emulator: WelkinEmulator) -> tuple[Any, Any]:
        live = emulator.tenant().environments["live"]
        return live.calendar_events.rows, live.work_hours

    first, second = WelkinEmulator(seed=3, patients=3), WelkinEmulator(seed=3, patients=3)
    first.seed_data()
    second.seed_data()
    assert calendar(first) == calendar(second)


async def test_calendar_events_export(api: Api, emulator: WelkinEmulator) -> None:
    """The CALENDAR_EVENT export serves the stored events, a new one last."""
    event = await _event(api, emulator)
    answer = await api.call("GET", "export/CALENDAR_EVENT", params={"pageSize": "1000"})
    assert answer.status == 200
    ids = [item["id"] for item in answer.body["data"]]
    assert ids[-1] == event["id"]
    assert len(ids) == len(emulator.tenant().environments["live"].calendar_events)
