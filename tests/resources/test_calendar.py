"""``client.calendar`` against the emulator: events (create, get, update, delete, list), users'
work hours and schedules, the CALENDAR_EVENT export, and the refusals (403, 404, 400, 409)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async import WelkinClient
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import (
    CalendarEvent,
    CalendarEventCreate,
    EventParticipantCreate,
    EventStatus,
    ParticipantRole,
    UserSchedule,
    UserWorkHours,
    WorkHoursRule,
)
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=4, tenants=["acme"])

START = datetime(2031, 3, 3, 15, 0, tzinfo=UTC)  # after any seeded event, and in the future
HOUR = timedelta(hours=1)
FROM, TO = datetime(2024, 1, 1, tzinfo=UTC), datetime(2032, 1, 1, tzinfo=UTC)


def _user(emulator: WelkinEmulator, index: int = 1) -> dict[str, Any]:
    user: dict[str, Any] = emulator.tenant("acme").users[index]
    return user


def _patient(emulator: WelkinEmulator) -> str:
    return acme_live(emulator).patients.ids()[0]


def _stored(emulator: WelkinEmulator, event: CalendarEvent) -> dict[str, Any] | None:
    row: dict[str, Any] | None = acme_live(emulator).calendar_events.get(str(event.id))
    return row


def _fields(emulator: WelkinEmulator, start: datetime = START, **more: Any) -> dict[str, Any]:
    """Keyword fields of an hour-long event hosted by a user, with one patient."""
    host = _user(emulator)["id"]
    return {
        "start_date_time": start,
        "end_date_time": start + HOUR,
        "host_id": UUID(host),
        "participants": [
            EventParticipantCreate(participant_id=UUID(host), participant_role=ParticipantRole.PSM),
            {"participantId": _patient(emulator), "participantRole": "patient"},
        ],
        **more,
    }


async def _create(client: WelkinClient, emulator: WelkinEmulator, **more: Any) -> CalendarEvent:
    return await client.calendar.events.create(**_fields(emulator, **more))


# --- create, get -----------------------------------------------------------------------------


async def test_create_returns_the_stored_event_with_its_participants_filled_in(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() stores the event and returns it, each participant named as the user or patient
    it points to, and a status the body left out as null."""
    async with connect() as client:
        made = await _create(client, welkin_emulator, event_title="Check-in")
    stored = _stored(welkin_emulator, made)
    assert stored is not None
    host = _user(welkin_emulator)
    patient = acme_live(welkin_emulator).patients.rows[_patient(welkin_emulator)]
    assert [(p.first_name, p.participant_role) for p in made.participants or ()] == [
        (host["firstName"], "psm"),
        (patient["firstName"], "patient"),
    ]
    assert (made.event_title, made.event_status, made.duration) == ("Check-in", None, 3600)
    assert stored["startDateTime"] == "2031-03-03T15:00:00.000Z"


async def test_create_takes_a_model(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """create(CalendarEventCreate(...)) sends the model's fields."""
    event = CalendarEventCreate(**_fields(welkin_emulator, event_color="green"))
    async with connect() as client:
        made = await client.calendar.events.create(event)
    stored = _stored(welkin_emulator, made)
    assert stored is not None
    assert stored["eventColor"] == "green"


async def test_create_takes_plain_strings_for_enum_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Enum fields given as plain strings (``event_status="CANCELLED"``) are sent as such."""
    async with connect() as client:
        made = await _create(client, welkin_emulator, event_status="CANCELLED", event_mode="CALL")
    assert (made.event_status, made.event_mode) == (EventStatus.CANCELLED, "CALL")


async def test_create_sends_date_times_in_utc(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An aware date-time in another zone is sent as the same instant in UTC (``...Z``)."""
    pacific = START.astimezone(timezone(timedelta(hours=-8)))
    async with connect() as client:
        made = await _create(client, welkin_emulator, start=pacific)
    stored = _stored(welkin_emulator, made)
    assert stored is not None
    assert stored["startDateTime"] == "2031-03-03T15:00:00.000Z"


async def test_create_refuses_a_naive_date_time_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A naive start raises ValueError naming the field, and nothing is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match="start_date_time") as raised:
            await _create(client, welkin_emulator, start=START.replace(tzinfo=None))
        assert client.stats.requests == 0
    assert "2031" not in str(raised.value)


async def test_get_returns_the_event(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """get(id) returns the event create() made."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        got = await client.calendar.events.get(str(made.id))
    assert got == made


# --- update, delete --------------------------------------------------------------------------


async def test_update_changes_only_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, event_title=...) changes the title and keeps the rest."""
    async with connect() as client:
        made = await _create(client, welkin_emulator, event_description="kept")
        updated = await client.calendar.events.update(str(made.id), event_title="Moved")
    stored = _stored(welkin_emulator, made)
    assert stored is not None
    assert (stored["eventTitle"], stored["eventDescription"]) == ("Moved", "kept")
    assert (updated.event_title, updated.start_date_time) == ("Moved", made.start_date_time)


async def test_update_with_new_times_moves_the_event(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, end_date_time=...) stores the new end and the new length."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        updated = await client.calendar.events.update(str(made.id), end_date_time=START + 2 * HOUR)
    assert updated.duration == 7200
    stored = _stored(welkin_emulator, made)
    assert stored is not None
    assert stored["endDateTime"] == "2031-03-03T17:00:00.000Z"


async def test_delete_removes_a_future_event(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete(id) removes an event that has not started."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        await client.calendar.events.delete(str(made.id))
    assert _stored(welkin_emulator, made) is None


async def test_delete_of_a_started_event_is_a_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Deleting an event that has already started raises Conflict and keeps it."""
    past = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)
    async with connect() as client:
        made = await _create(client, welkin_emulator, start=past)
        with pytest.raises(Conflict) as raised:
            await client.calendar.events.delete(str(made.id))
    assert raised.value.error_code == "CALENDAR_EVENT_STARTED"
    assert _stored(welkin_emulator, made) is not None


# --- list ------------------------------------------------------------------------------------


async def test_list_yields_the_events_in_the_span_earliest_first(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(from_, to) yields every event overlapping the span that is not cancelled, earliest
    first, across pages."""
    rows = acme_live(welkin_emulator).calendar_events.rows.values()
    expected = sorted(
        (row["startDateTime"], row["id"]) for row in rows if row["eventStatus"] != "CANCELLED"
    )
    async with connect() as client:
        listed = [event async for event in client.calendar.events.list(from_=FROM, to=TO, size=2)]
    assert [str(event.id) for event in listed] == [row_id for _, row_id in expected]
    assert all(isinstance(event, CalendarEvent) for event in listed)


async def test_list_leaves_out_events_outside_the_span(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An event ending before ``from_`` is not listed; one overlapping it is."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        inside = client.calendar.events.list(from_=START + HOUR / 2, to=START + 3 * HOUR)
        after = client.calendar.events.list(from_=START + 2 * HOUR, to=START + 3 * HOUR)
        assert [event.id async for event in inside] == [made.id]
        assert [event.id async for event in after] == []


async def test_list_includes_cancelled_events_when_asked(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A cancelled event is listed only with include_cancelled=True."""
    async with connect() as client:
        made = await _create(client, welkin_emulator, event_status="CANCELLED")
        hidden = [e.id async for e in client.calendar.events.list(from_=FROM, to=TO)]
        shown = [
            e.id
            async for e in client.calendar.events.list(from_=FROM, to=TO, include_cancelled=True)
        ]
    assert made.id not in hidden
    assert made.id in shown


async def test_list_keeps_the_events_of_given_participants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """participant_ids keeps the events those users or patients take part in."""
    patient = _patient(welkin_emulator)
    async with connect() as client:
        await _create(client, welkin_emulator)
        listed = [
            event
            async for event in client.calendar.events.list(
                from_=FROM, to=TO, participant_ids=[patient]
            )
        ]
    assert listed
    for event in listed:
        assert patient in {str(p.participant_id) for p in event.participants or ()}


async def test_list_refuses_a_naive_bound(connect: Connect) -> None:
    """A naive ``to`` raises ValueError when list() is called."""
    async with connect() as client:
        with pytest.raises(ValueError, match="to needs a time zone"):
            client.calendar.events.list(to=datetime(2030, 1, 1))


# --- work hours, schedules -------------------------------------------------------------------


async def test_work_hours_lists_the_rules_of_users_who_have_some(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """work_hours() returns one UserWorkHours per listed user with rules in the span, with the
    seeded rules; an id with none is left out."""
    users = [user["id"] for user in welkin_emulator.tenant("acme").users]
    stranger = str(UUID(int=7))
    async with connect() as client:
        answer = await client.calendar.work_hours(
            from_=datetime(2026, 1, 1, tzinfo=UTC),
            to=datetime(2026, 12, 31, tzinfo=UTC),
            user_ids=[*users, stranger],
        )
    assert all(isinstance(item, UserWorkHours) for item in answer)
    assert [str(item.psm_id) for item in answer] == users
    rules = acme_live(welkin_emulator).work_hours
    for item in answer:
        in_2026 = [
            rule["workHoursId"]
            for rule in rules[str(item.psm_id)]
            if rule["endDateTime"] is None or rule["endDateTime"] >= "2026"
        ]
        assert [str(rule.work_hours_id) for rule in item.details or ()] == in_2026


async def test_work_hours_leaves_out_rules_outside_the_span(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The seeded two-day override of the first user is listed only for a span it meets."""
    user = _user(welkin_emulator, 0)["id"]
    async with connect() as client:
        during = await client.calendar.work_hours(
            from_=datetime(2025, 1, 15, tzinfo=UTC),
            to=datetime(2025, 1, 16, tzinfo=UTC),
            user_ids=[user],
        )
        later = await client.calendar.work_hours(
            from_=datetime(2026, 1, 1, tzinfo=UTC),
            to=datetime(2026, 1, 2, tzinfo=UTC),
            user_ids=[user],
        )
    assert WorkHoursRule.OVERRIDE in {rule.rule_type for rule in during[0].details or ()}
    assert WorkHoursRule.OVERRIDE not in {rule.rule_type for rule in later[0].details or ()}


async def test_work_hours_needs_a_user(connect: Connect) -> None:
    """work_hours() with no user id raises ValueError before sending."""
    async with connect() as client:
        with pytest.raises(ValueError, match="user_ids must name at least one"):
            await client.calendar.work_hours(user_ids=[], from_=FROM, to=TO)
        assert client.stats.requests == 0


async def test_schedules_list_each_users_rules_and_events(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """schedules() returns one UserSchedule per user, with their rules and the events they
    take part in."""
    host = _user(welkin_emulator)["id"]
    other = _user(welkin_emulator, 2)["id"]
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        answer = await client.calendar.schedules(
            user_ids=[host, other], from_=START, to=START + HOUR
        )
    assert all(isinstance(item, UserSchedule) for item in answer)
    assert [str(item.psm_id) for item in answer] == [host, other]
    assert [event.id for event in answer[0].events or ()] == [made.id]
    assert answer[1].events == []
    assert answer[0].work_hours


async def test_schedules_include_cancelled_events_when_asked(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A cancelled event is in a schedule only with include_cancelled=True."""
    host = _user(welkin_emulator)["id"]
    async with connect() as client:
        made = await _create(client, welkin_emulator, event_status="CANCELLED")
        hidden = await client.calendar.schedules(user_ids=[host], from_=START, to=START + HOUR)
        shown = await client.calendar.schedules(
            user_ids=[host], from_=START, to=START + HOUR, include_cancelled=True
        )
    assert hidden[0].events == []
    assert [event.id for event in shown[0].events or ()] == [made.id]


# --- export ----------------------------------------------------------------------------------


async def test_calendar_event_exports_are_typed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """exports.stream("CALENDAR_EVENT") yields every event as a CalendarEvent."""
    async with connect() as client:
        exported = [event async for event in client.exports.stream("CALENDAR_EVENT")]
    assert all(isinstance(event, CalendarEvent) for event in exported)
    stored = acme_live(welkin_emulator).calendar_events.ids()
    assert sorted(str(event.id) for event in exported) == sorted(stored)


# --- refusals --------------------------------------------------------------------------------


async def test_a_role_without_the_calendar_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst role, whose policy does not name the calendar, gets PermissionDenied."""
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied) as raised:
            await client.calendar.work_hours(
                user_ids=[_user(welkin_emulator)["id"]], from_=FROM, to=TO
            )
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"


async def test_get_of_a_missing_event_is_not_found(connect: Connect) -> None:
    """get() of an id no event has raises NotFound with CALENDAR_EVENT_NOT_FOUND."""
    missing = str(UUID(int=0xCA1))
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.calendar.events.get(missing)
    assert raised.value.error_code == "CALENDAR_EVENT_NOT_FOUND"
    assert missing not in str(raised.value)


async def test_create_with_a_host_who_is_not_a_participant_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An event whose host is not among its participants raises BadRequest naming the field."""
    patient = _patient(welkin_emulator)
    only_patient = [{"participantId": patient, "participantRole": "patient"}]
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await _create(client, welkin_emulator, participants=only_patient)
    assert (raised.value.error_code, raised.value.field) == (
        "HOST_NOT_A_PARTICIPANT",
        "participants",
    )


async def test_create_ending_before_it_starts_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An end before the start raises BadRequest with INVALID_EVENT_TIME."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await _create(client, welkin_emulator, end_date_time=START - HOUR)
    assert raised.value.error_code == "INVALID_EVENT_TIME"


async def test_create_naming_an_unknown_participant_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A participant who is no patient of the environment raises BadRequest."""
    host = _user(welkin_emulator)["id"]
    people = [
        {"participantId": host, "participantRole": "psm"},
        {"participantId": str(UUID(int=5)), "participantRole": "patient"},
    ]
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await _create(client, welkin_emulator, participants=people)
    assert raised.value.error_code == "PARTICIPANT_NOT_FOUND"
