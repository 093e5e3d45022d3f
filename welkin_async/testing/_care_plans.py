"""Care plans: the row a patient's care plan is served as, its overview, and their seed.

Every patient has a care plan, made with the patient: until its overview is first written it is
served as made then (its id derived from the patient's, ``patientOverview`` null) and nothing is
stored. Writing the overview stores the plan in ``Environment.care_plans`` by patient id.

The seed writes an overview for every :data:`SEED_EVERY`-th patient (at most
:data:`SEED_LIMIT` per environment), from its own random stream.
"""

from __future__ import annotations

from itertools import islice

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._ids import family_rng
from welkin_async.testing._records import Actor
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant, stable_uuid
from welkin_async.testing._users import display_name

SEED_EVERY = 6
SEED_LIMIT = 256
_SEED_STEP_MS = 250
_OVERVIEWS = (
    "Stable on current plan; review in four weeks.",
    "Working on daily walks and a lower-sodium diet.",
    "Follow-up labs ordered; coach to check in weekly.",
    "Goals reviewed with the patient; no changes this month.",
)


def plan_of(env: Environment, patient: Row, seed: int) -> Row:
    """The patient's care plan: stored once its overview was written, else as made with them."""
    stored = env.care_plans.get(patient["id"])
    if stored is not None:
        return stored
    return {
        "id": stable_uuid(seed, env.tenant, env.name, "care-plan", patient["id"]),
        "createdByName": patient.get("createdByName"),
        "createdAt": patient.get("createdAt"),
        "updatedByName": patient.get("createdByName"),
        "updatedAt": patient.get("createdAt"),
        "patientId": patient["id"],
        "patientOverview": None,
    }


def write_overview(
    env: Environment, patient: Row, text: str, *, seed: int, stamp: int, who: Actor
) -> Row:
    """Write the overview of the patient's care plan (kept when it exists, made when not);
    returns the stored plan."""
    plan = dict(plan_of(env, patient, seed))
    now = iso_ms(stamp)
    previous = plan["patientOverview"]
    overview = {
        "createdByName": previous["createdByName"] if previous else who.name,
        "createdAt": previous["createdAt"] if previous else now,
        "updatedByName": who.name,
        "updatedAt": now,
        "overview": text,
    }
    plan.update(patientOverview=overview, updatedByName=who.name, updatedAt=now)
    env.care_plans[patient["id"]] = plan
    return plan


def seed_care_plans(tenant: Tenant, env: Environment, seed: int) -> None:
    """An overview on the care plan of every :data:`SEED_EVERY`-th patient of ``env``."""
    if not tenant.users:
        return
    rng = family_rng(seed, "care-plans", tenant.name, env.name)
    user = tenant.users[0]
    actor = Actor(id=user["id"], name=display_name(user))
    stamp_ms = env.seed_stamp(0)
    for patient_id in islice(env.patients.ids(), 2, 2 + SEED_EVERY * SEED_LIMIT, SEED_EVERY):
        stamp_ms = env.seed_stamp(stamp_ms + _SEED_STEP_MS)
        patient = env.patients.rows[patient_id]
        write_overview(env, patient, rng.choice(_OVERVIEWS), seed=seed, stamp=stamp_ms, who=actor)
