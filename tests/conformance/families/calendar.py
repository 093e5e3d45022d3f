"""Catalog entries of the calendar family (see :mod:`tests.conformance._operation`).

``client.calendar.events`` (create, get, list) and ``client.calendar.work_hours`` /
``schedules``. The emulator is seeded with what a recording names: the users and patients of
an event, the events a list answers (inside the recorded span, with their recorded status), and
for work hours a rule shaped like each recorded one, for each user the answer lists.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Mapping
from datetime import datetime
from typing import Any

from tests.conformance._arrange import World
from tests.conformance._operation import Operation, listing, written
from tests.conformance._recordings import Recording, Scope
from welkin_async import WelkinClient
from welkin_async.models import (
    CalendarEvent,
    CalendarEventCreate,
    SpringPage,
    UserSchedule,
    UserWorkHours,
)
from welkin_async.testing._calendar import (
    PATIENT_ROLE,
    calendar_event_row,
    participant,
    work_day,
    work_hours_row,
)

_ENV: Scope = "environment"
_FAMILY = "calendar"


# --- the invocations -----------------------------------------------------------------------------


def _when(query: Mapping[str, str], name: str) -> datetime:
    return datetime.fromisoformat(query[name])


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    text = query.get(name)
    return None if text is None else text.lower() == "true"


def _users(query: Mapping[str, str]) -> list[str]:
    return query["psmIds"].split(",")


async def _create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.calendar.events.create(written(CalendarEventCreate, r.request_body))


async def _get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.calendar.events.get(m["event_id"])


def _events(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    query = r.query
    return client.calendar.events.list(
        from_=_when(query, "from") if "from" in query else None,
        to=_when(query, "to") if "to" in query else None,
        include_cancelled=_flag(query, "includeCancelled"),
    )


async def _work_hours(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    query = r.query
    return await client.calendar.work_hours(
        from_=_when(query, "from"), to=_when(query, "to"), user_ids=_users(query)
    )


async def _schedules(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    query = r.query
    return await client.calendar.schedules(
        user_ids=_users(query),
        from_=_when(query, "from"),
        to=_when(query, "to"),
        include_cancelled=_flag(query, "includeCancelled"),
    )


# --- seeding the emulator ------------------------------------------------------------------------


def _people(world: World, event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The event's participants, filled in from the users and patients they name (made when
    missing); its host is made a user too."""
    if isinstance(event.get("hostId"), str):
        world.user(event["hostId"])
    people = []
    for item in event.get("participants") or ():
        who, role = str(item["participantId"]), str(item["participantRole"])
        person = world.patient(who) if role == PATIENT_ROLE else world.user(who)
        people.append(participant(world.new_id(), who, role, person))
    return people


def _event(world: World, event_id: str, recorded: Mapping[str, Any]) -> None:
    """An event under ``event_id`` at the recorded time, with its status and participants."""
    if event_id in world.env.calendar_events:
        return
    people = _people(world, recorded)
    stamp = world.stamp()
    row = calendar_event_row(event_id, recorded, people, stamp=stamp, who=world.actor)
    world.env.calendar_events.put(event_id, row, stamp)


async def _arrange_create(world: World) -> None:
    _people(world, world.body)


async def _arrange_get(world: World) -> None:
    _event(world, world.params["event_id"], world.answer)


async def _arrange_list(world: World) -> None:
    for item in world.answer["content"]:
        _event(world, str(item["id"]), item)


def _rule(world: World, recorded: Mapping[str, Any]) -> dict[str, Any]:
    """A work-hours rule shaped like the recorded one (its kind, span, weekdays, name)."""
    days = [
        work_day(world.new_id(), int(day["day"]), day.get("startTime"), day.get("endTime"))
        for day in recorded.get("daysInfo") or ()
    ]
    return work_hours_row(
        world.new_id(),
        kind=str(recorded.get("type") or "WORKING_HOURS"),
        rule=str(recorded.get("ruleType") or "DEFAULT"),
        start=str(recorded["startDateTime"]),
        end=recorded.get("endDateTime"),
        days=days,
        stamp=world.stamp(),
        who=world.actor,
        name=recorded.get("name"),
        encounters=recorded.get("encounters"),
    )


async def _arrange_work_hours(world: World) -> None:
    for user in world.answer:
        world.env.work_hours[str(user["psmId"])] = [
            _rule(world, detail) for detail in user.get("details") or ()
        ]


async def _arrange_schedules(world: World) -> None:
    for user_id in world.recording.query["psmIds"].split(","):
        world.user(user_id)


# --- the table -----------------------------------------------------------------------------------

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "calendar.events.create",
        "POST",
        "calendar/events",
        _ENV,
        _FAMILY,
        _create,
        CalendarEvent,
        write_model=CalendarEventCreate,
        arrange=_arrange_create,
    ),
    Operation(
        "calendar.events.get",
        "GET",
        "calendar/events/{event_id}",
        _ENV,
        _FAMILY,
        _get,
        CalendarEvent,
        arrange=_arrange_get,
    ),
    Operation(
        "calendar.events.list",
        "GET",
        "calendar/events",
        _ENV,
        _FAMILY,
        listing(SpringPage[CalendarEvent], _events),
        SpringPage[CalendarEvent],
        listing=True,
        arrange=_arrange_list,
    ),
    Operation(
        "calendar.work_hours",
        "GET",
        "calendar/work-hours",
        _ENV,
        _FAMILY,
        _work_hours,
        list[UserWorkHours],
        arrange=_arrange_work_hours,
    ),
    Operation(
        "calendar.schedules",
        "GET",
        "calendar/psm-schedules",
        _ENV,
        _FAMILY,
        _schedules,
        list[UserSchedule],
        arrange=_arrange_schedules,
    ),
)
