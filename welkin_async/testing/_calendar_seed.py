"""Seed data of the calendar: every user's work hours and a few events, the same for a seed.

The volume does not grow with the patients: each user gets a default working week (from the seed
epoch, for fifty years, as live rules run), every other user an availability rule, the first an
override with two days off; and a handful of events (appointments with the first patients, one
of them cancelled, a group session, a leave) are placed in the seed's first weeks. A random
generator of its own keeps every other family's seeded data as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from welkin_async.testing._calendar import (
    CANCELLED,
    PATIENT_ROLE,
    calendar_event_row,
    participant,
    work_day,
    work_hours_row,
)
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._ids import family_rng, random_uuid
from welkin_async.testing._records import Actor
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # the seed's first day, as the other seed data's
SEEDED_PATIENTS = 6  # patients with a seeded appointment (the first ones)
_USER_ROLE = "psm"
_WEEKDAYS = range(1, 6)  # Monday to Friday (the API's day 1 is Monday)
_MODES = ("IN-PERSON", "CALL", "VIDEO")
_ZONES = (None, "America/Chicago", "US/Pacific")
_DAY_MS = 86_400_000


class _CalendarSeeder:
    def __init__(self, tenant: Tenant, env: Environment, seed: int) -> None:
        self.tenant, self.env = tenant, env
        self.rng = family_rng(seed, "calendar", tenant.name, env.name)
        root = tenant.users[0]
        self.actor = Actor(id=root["id"], name=f"{root['firstName']} {root['lastName']}")
        self.epoch_ms = int(EPOCH.timestamp() * 1000)

    def stamp(self) -> int:
        return self.env.seed_stamp(self.epoch_ms)

    def days(self, hours: tuple[str, str] | None, weekdays: range = _WEEKDAYS) -> list[Row]:
        start, end = hours if hours else (None, None)
        return [work_day(random_uuid(self.rng), day, start, end) for day in weekdays]

    def work_hours(self, index: int, user: Row) -> None:
        rng, rules = self.rng, []
        begin = rng.choice(("08:00:00", "09:00:00", "10:00:00"))
        finish = f"{int(begin[:2]) + 8:02d}:00:00"
        ends = (EPOCH + timedelta(days=365 * 50)).replace(hour=23, minute=59, second=59)
        start, end = iso_ms(self.epoch_ms), iso_ms(int(ends.timestamp() * 1000) + 999)
        rules.append(
            work_hours_row(
                random_uuid(rng),
                kind="WORKING_HOURS",
                rule="DEFAULT",
                start=start,
                end=end,
                days=self.days((begin, finish)),
                stamp=self.stamp(),
                who=self.actor,
            )
        )
        if index % 2 == 0:
            templates = sorted(self.tenant.encounter_templates)[:2]
            rules.append(
                work_hours_row(
                    random_uuid(rng),
                    kind="AVAILABILITY",
                    rule="DEFAULT",
                    start=start,
                    end=None,
                    days=self.days((begin, finish)),
                    stamp=self.stamp(),
                    who=self.actor,
                    encounters=templates,
                )
            )
        if index == 0:
            off = self.epoch_ms + 14 * _DAY_MS
            rules.append(
                work_hours_row(
                    random_uuid(rng),
                    kind="WORKING_HOURS",
                    rule="OVERRIDE",
                    start=iso_ms(off),
                    end=iso_ms(off + 2 * _DAY_MS - 1),
                    days=self.days(None, range(3, 5)),
                    stamp=self.stamp(),
                    who=self.actor,
                    name="PTO",
                )
            )
        self.env.work_hours[user["id"]] = rules

    def event(self, day: int, spec: Mapping[str, str], people: list[tuple[str, Row]]) -> Row:
        """An event on the seed's ``day`` (at 15:00 UTC, an hour long) with ``people``
        (``(role, user or patient)``), the first of them hosting."""
        rng = self.rng
        start = self.epoch_ms + day * _DAY_MS + 15 * 3_600_000
        host = people[0][1]
        body: dict[str, str | None] = {
            "startDateTime": iso_ms(start),
            "endDateTime": iso_ms(start + 3_600_000),
            "hostId": host["id"],
            "eventMode": rng.choice(_MODES),
            "timezone": rng.choice(_ZONES),
            **spec,
        }
        participants = [
            participant(random_uuid(rng), person["id"], role, person) for role, person in people
        ]
        stamp = self.stamp()
        row = calendar_event_row(random_uuid(rng), body, participants, stamp=stamp, who=self.actor)
        self.env.calendar_events.put(row["id"], row, stamp)
        return row

    def events(self) -> None:
        users, rng = self.tenant.users, self.rng
        patients = [self.env.patients.rows[i] for i in self.env.patients.ids()[:SEEDED_PATIENTS]]
        for day, patient in enumerate(patients, start=1):
            host = rng.choice(users)
            status = CANCELLED if day == 2 else "SCHEDULED"
            spec = {"eventType": "APPOINTMENT", "eventStatus": status, "eventTitle": "Check-in"}
            self.event(day, spec, [(_USER_ROLE, host), (PATIENT_ROLE, patient)])
        if len(patients) >= 2:
            group = [(_USER_ROLE, users[0]), *((PATIENT_ROLE, p) for p in patients[:2])]
            spec = {"eventType": "GROUP_THERAPY", "eventStatus": "SCHEDULED", "eventTitle": "Group"}
            self.event(len(patients) + 1, spec, group)
        leave = {"eventType": "LEAVE", "eventStatus": "SCHEDULED", "eventTitle": "Leave"}
        self.event(len(patients) + 2, leave, [(_USER_ROLE, users[-1])])


def seed_calendar(tenant: Tenant, env: Environment, seed: int) -> None:
    """Add the users' work hours and a few events to ``env`` (after its patients are seeded)."""
    seeder = _CalendarSeeder(tenant, env, seed)
    for index, user in enumerate(tenant.users):
        seeder.work_hours(index, user)
    seeder.events()
