"""Synthetic, realistic seed data: no real PHI, the same for the same seed.

Each seeded patient gets a synthetic name, external id and MRN, two CDT records with values of
every field type the CDT defines, and (for some) an encounter, an assessment and a program.
Seed timestamps start at 2025-01-01 and rise by a fixed step, so exports page through them in
order and the data is identical run to run.
"""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from welkin_async.testing._calendar import PATIENT_ROLE, event_row, participant
from welkin_async.testing._calendar_seed import seed_calendar
from welkin_async.testing._care_plans import seed_care_plans
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._data_audit import seed_data_audit
from welkin_async.testing._dictionaries import seed_dictionaries
from welkin_async.testing._documents import seed_documents
from welkin_async.testing._encounters import (
    COMPLETED,
    OPEN,
    encounter_row,
    ended,
    seed_encounter_comments,
    started,
    store,
)
from welkin_async.testing._ids import random_uuid
from welkin_async.testing._messages import seed_messages
from welkin_async.testing._records import (
    CDT_SYSTEM_FIELDS,
    Actor,
    assigned_program,
    blank_fields,
    cdt_body,
    cdt_record_row,
    patient_row,
    program_phase,
)
from welkin_async.testing._store import Row
from welkin_async.testing._tasks import seed_tasks
from welkin_async.testing._tenants import Environment, Tenant
from welkin_async.testing._user_access import seed_user_access_audit
from welkin_async.testing._users import display_name

SEED_EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
_STEP_MS = 250
RECORDS_PER_PATIENT = 2

_FIRST = [
    "Avery",
    "Blake",
    "Casey",
    "Devon",
    "Emerson",
    "Finley",
    "Harper",
    "Jordan",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Parker",
    "Quinn",
    "Reese",
    "Riley",
    "Rowan",
    "Sage",
    "Skyler",
    "Taylor",
]
_LAST = [
    "Abbott",
    "Bellamy",
    "Carver",
    "Dalton",
    "Ellison",
    "Fairbanks",
    "Garrity",
    "Hollis",
    "Ingram",
    "Jessup",
    "Kendrick",
    "Lowell",
    "Merritt",
    "Norwood",
    "Oakley",
    "Prescott",
    "Quimby",
    "Radcliffe",
    "Sterling",
    "Thackeray",
]
_CITIES = (
    ("Springfield", "IL"),
    ("Riverton", "WY"),
    ("Fairview", "OR"),
    ("Georgetown", "TX"),
    ("Salem", "MA"),
    ("Madison", "WI"),
    ("Clinton", "NY"),
    ("Franklin", "TN"),
)
_WORDS = [
    "steady",
    "improving",
    "mild",
    "follow-up",
    "reviewed",
    "stable",
    "routine",
    "noted",
    "pending",
    "discussed",
    "morning",
    "evening",
    "weekly",
    "daily",
    "reported",
    "goal",
    "plan",
]
_GENDERS = ("MALE", "FEMALE", "OTHER", "UNKNOWN")
_BIRTH_START = date(1940, 1, 1)


def _pool(make: Callable[[random.Random], str], size: int = 256) -> tuple[str, ...]:
    rng = random.Random(size)
    return tuple(make(rng) for _ in range(size))


_TEXTS = _pool(lambda rng: " ".join(rng.choices(_WORDS, k=2)))
_NOTES = _pool(lambda rng: " ".join(rng.choices(_WORDS, k=8)))
_DATES = _pool(lambda rng: (_BIRTH_START + timedelta(days=rng.randrange(30000))).isoformat())
_APPOINTMENT_MS = 3_600_000
_HOST_ROLE = "psm"  # how the live API names a care-team member taking part in an event


def _value_maker(field: dict[str, Any]) -> Callable[[random.Random, int], Any] | None:
    """A generator of valid values for one CDT field, or ``None`` for server-owned fields."""
    name, kind, meta = field["name"], field.get("type"), field.get("meta") or {}
    if name in CDT_SYSTEM_FIELDS or not field.get("editable", True) or name.startswith("external_"):
        return None
    if kind == "select":
        options = [o["value"] for o in meta.get("options") or ()]
        if not options:
            return None
        if meta.get("multiple"):
            return lambda rng, _: rng.sample(options, k=rng.randint(1, min(2, len(options))))
        return lambda rng, _: rng.choice(options)
    if kind == "integer":
        low = int(float(meta.get("minValue") or 0))
        high = int(float(meta.get("maxValue") or 100))
        return lambda rng, _: rng.randint(low, high)
    makers: dict[str, Callable[[random.Random, int], Any]] = {
        "text": lambda rng, _: _TEXTS[rng.getrandbits(8)],
        "textarea": lambda rng, _: _NOTES[rng.getrandbits(8)],
        "float": lambda rng, _: round(rng.uniform(0, 100), 1),
        "number": lambda rng, _: round(rng.uniform(0, 100), 2),
        "boolean": lambda rng, _: rng.random() < 0.5,
        "checkbox": lambda rng, _: rng.random() < 0.5,
        "date": lambda rng, _: _DATES[rng.getrandbits(8)],
        "datetime": lambda _, stamp: iso_ms(stamp),
        "phone": lambda rng, _: f"+1-555-01{rng.randrange(100):02d}",
        "email": lambda rng, _: f"contact{rng.randrange(10**6)}@example.org",
        "list": lambda rng, _: rng.sample(_WORDS, k=2),
    }
    return makers.get(str(kind))


class _Seeder:
    def __init__(self, tenant: Tenant, env: Environment, seed: int, stream: str = "") -> None:
        self.tenant, self.env = tenant, env
        # A named stream draws other ids than the environment's own seeding from the same seed.
        self.rng = random.Random(":".join(filter(None, (str(seed), tenant.name, env.name, stream))))
        user = tenant.users[0]
        self.actor = Actor(id=user["id"], name=display_name(user))
        self.cdts = list(tenant.cdts.values())
        self.makers = {
            cdt["name"]: [
                (field["name"], maker)
                for field in cdt["fields"]
                if (maker := _value_maker(field)) is not None
            ]
            for cdt in self.cdts
        }
        self.blanks = {cdt["name"]: blank_fields(cdt) for cdt in self.cdts}
        self.programs = list(tenant.programs.values())
        self.templates = list(tenant.encounter_templates.values())
        self.clock_ms = SEED_EPOCH_MS

    def stamp(self) -> int:
        self.clock_ms += _STEP_MS
        return self.env.seed_stamp(self.clock_ms)

    def patient(self, index: int) -> None:
        row = self.person(index)
        patient_id = row["id"]
        for cdt in self.rng.sample(self.cdts, k=min(RECORDS_PER_PATIENT, len(self.cdts))):
            self.record(patient_id, cdt)
        if index % 4 == 0 and self.templates:
            self.encounter(row)
        if index % 3 == 0 and self.programs:
            self.program(patient_id)

    def person(self, index: int) -> Row:
        """A patient with nothing else: no records, encounters or programs."""
        rng = self.rng
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        city, state = rng.choice(_CITIES)
        patient_id = random_uuid(rng)
        fields = {
            "externalId": f"EHR-{index:07d}",
            "mrn": f"MRN{index:08d}",
            "firstName": first,
            "lastName": last,
            "birthDate": f"{_DATES[rng.getrandbits(8)]}T00:00:00.000Z",
            "gender": rng.choice(_GENDERS),
            "primaryLanguage": "ENGLISH",
            "email": f"{first.lower()}.{last.lower()}{index}@example.org",
            "phone": f"+1-555-01{index % 100:02d}",
            "country": "US",
            "state": state,
            "city": city,
            "zip": f"{rng.randrange(100000):05d}",
            "timezone": "America/Chicago",
        }
        stamp = self.stamp()
        row = patient_row(patient_id, fields, stamp, self.actor)
        self.env.patients.put(patient_id, row, stamp)
        self.env.index_patient(row)
        return row

    def record(self, patient_id: str, cdt: dict[str, Any]) -> None:
        rng = self.rng
        stamp = self.stamp()
        values = dict(self.blanks[cdt["name"]])
        values.update((name, make(rng, stamp)) for name, make in self.makers[cdt["name"]])
        record_id = random_uuid(rng)
        body = cdt_body(record_id, values, stamp, self.actor)
        self.env.cdt_records.put(record_id, cdt_record_row(record_id, patient_id, cdt, body), stamp)
        self.env.records_of.add((patient_id, cdt["name"]), record_id)

    def encounter(self, patient: Row) -> None:
        """An encounter scheduled with a care-team member, half of them completed."""
        rng, tenant, env = self.rng, self.tenant, self.env
        template = rng.choice(self.templates)
        host = rng.choice(tenant.users)
        encounter_id, disposition_id = random_uuid(rng), random_uuid(rng)
        stamp = self.stamp()
        start = stamp + _APPOINTMENT_MS
        spec = {
            "eventTitle": template.get("title"),
            "startDateTime": iso_ms(start),
            "endDateTime": iso_ms(start + _APPOINTMENT_MS),
            "hostId": host["id"],
        }
        people = [
            participant(random_uuid(rng), host["id"], _HOST_ROLE, host),
            participant(random_uuid(rng), patient["id"], PATIENT_ROLE, patient),
        ]
        event = event_row(random_uuid(rng), spec, people, stamp=stamp, who=self.actor)
        owner = Actor(id=host["id"], name=display_name(host))
        row = encounter_row(
            encounter_id,
            patient["id"],
            template,
            {"title": template.get("title"), "description": "Seeded encounter"},
            tenant=tenant,
            event=event,
            owner=owner,
            disposition_id=disposition_id,
            stamp=stamp,
            who=self.actor,
        )
        started(row["jsonBody"], stamp, owner)
        row["jsonBody"]["status"] = OPEN
        if rng.random() < 0.5:
            ended(row["jsonBody"], stamp)
            row["jsonBody"]["status"] = COMPLETED
        forms = [
            tenant.assessment_templates[name] for name in template.get("assessmentNames") or ()
        ]
        links = [(random_uuid(rng), form) for form in forms]
        store(env, tenant, row, links, stamp=stamp, who=self.actor)

    def program(self, patient_id: str) -> None:
        program = self.rng.choice(self.programs)
        stamp = self.stamp()
        entry = program_phase(
            program["phases"][0], stamp, self.actor, self.tenant.formation_version
        )
        row_id = random_uuid(self.rng)
        row = assigned_program(
            program,
            self.tenant.author,
            row_id=row_id,
            patient_id=patient_id,
            path=[entry],
            created=(entry["timestamp"], self.actor.name),
            who=self.actor,
        )
        self.env.patient_programs.put(row_id, row, stamp)
        self.env.program_of[(patient_id, program["name"])] = row_id


def seed_environment(tenant: Tenant, env: Environment, patients: int, seed: int) -> None:
    """Add ``patients`` synthetic patients (and their records) to ``env``."""
    seeder = _Seeder(tenant, env, seed)
    for index in range(patients):
        seeder.patient(index)
    seed_data_audit(tenant, env, seed)
    seed_user_access_audit(tenant, seed)
    seed_messages(tenant, env, seed)
    seed_calendar(tenant, env, seed)
    seed_documents(tenant, env, seed)
    seed_care_plans(tenant, env, seed)
    seed_encounter_comments(tenant, env, seed)
    seed_tasks(tenant, env, seed)
    seed_dictionaries(tenant, env, seed)


def seed_cdt_records(
    tenant: Tenant, env: Environment, cdt_name: str, *, patients: int, per_patient: int, seed: int
) -> None:
    """Add ``patients`` synthetic patients to ``env`` with ``per_patient`` records each of the CDT
    ``cdt_name`` and nothing else, so a ``CDT_RECORD`` export serves that CDT alone (a benchmark's
    data set). The CDT must be defined in ``tenant.cdts``."""
    seeder = _Seeder(tenant, env, seed, stream=cdt_name)
    cdt = tenant.cdts[cdt_name]
    first = len(env.patients)
    for index in range(first, first + patients):
        patient_id = seeder.person(index)["id"]
        for _ in range(per_patient):
            seeder.record(patient_id, cdt)


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cycle collector while seeding, then freeze what was made.

    Seeding only allocates (it makes no cycles), and a collector pass over millions of fresh
    dicts costs more than the seeding itself. Frozen objects are skipped by later collections,
    so a big seeded state does not slow down serving either.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
