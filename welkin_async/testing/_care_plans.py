"""Care plans: the row a patient's care plan is served as, its overview, its goals and their
comments, and their seed.

Every patient has a care plan, made with the patient: until its overview is first written it is
served as made then (its id derived from the patient's, ``patientOverview`` null) and nothing is
stored. Writing the overview stores the plan in ``Environment.care_plans`` by patient id.

A goal is made from a goal template of the formation (its name, type and priority come from
the template; it starts ``ACTIVE``) and kept in ``Environment.goals``, a patient's goal ids in
``goals_of`` and a goal's comments, oldest first, in ``goal_comments``. A goal's tasks are tasks
(``Environment.tasks``, made by :func:`~._tasks.create_task`), their ids filed under the goal in
``goal_tasks``: read back from the tasks store, they show every later change to the task.

The seed writes an overview for every :data:`SEED_EVERY`-th patient (at most
:data:`SEED_LIMIT` per environment), and goals (some with comments) for every
:data:`GOAL_SEED_EVERY`-th patient (at most :data:`GOAL_SEED_LIMIT`), each family from its own
random stream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import islice
from typing import Any

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._errors import bad_request
from welkin_async.testing._ids import family_rng, random_uuid
from welkin_async.testing._records import Actor
from welkin_async.testing._store import Row
from welkin_async.testing._tasks import create_task
from welkin_async.testing._tenants import Environment, Tenant, stable_uuid
from welkin_async.testing._users import display_name

SEED_EVERY = 6
SEED_LIMIT = 256
GOAL_SEED_EVERY = 4
GOAL_SEED_LIMIT = 256
ACTIVE = "ACTIVE"
_SEED_STEP_MS = 250
_OVERVIEWS = (
    "Stable on current plan; review in four weeks.",
    "Working on daily walks and a lower-sodium diet.",
    "Follow-up labs ordered; coach to check in weekly.",
    "Goals reviewed with the patient; no changes this month.",
)
_COMMENTS = (
    "Patient agreed to this goal at the last visit.",
    "Progress is slow; revisit the plan next month.",
    "Good progress reported this week.",
    "Discussed barriers; patient will keep a log.",
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


def _seeding_actor(tenant: Tenant) -> Actor:
    """Who writes seeded care plans: the tenant's first user."""
    user = tenant.users[0]
    return Actor(id=user["id"], name=display_name(user))


def seed_care_plans(tenant: Tenant, env: Environment, seed: int) -> None:
    """An overview on the care plan of every :data:`SEED_EVERY`-th patient of ``env``, and
    goals (:func:`seed_goals`)."""
    if not tenant.users:
        return
    rng = family_rng(seed, "care-plans", tenant.name, env.name)
    actor = _seeding_actor(tenant)
    stamp_ms = env.seed_stamp(0)
    for patient_id in islice(env.patients.ids(), 2, 2 + SEED_EVERY * SEED_LIMIT, SEED_EVERY):
        stamp_ms = env.seed_stamp(stamp_ms + _SEED_STEP_MS)
        patient = env.patients.rows[patient_id]
        write_overview(env, patient, rng.choice(_OVERVIEWS), seed=seed, stamp=stamp_ms, who=actor)
    seed_goals(tenant, env, seed)


def _system_fields(stamp: int, who: Actor) -> Row:
    """The system fields of a row first written at ``stamp`` by ``who``."""
    now = iso_ms(stamp)
    return {
        "createdByName": who.name,
        "createdAt": now,
        "updatedByName": who.name,
        "updatedAt": now,
    }


def add_goal(
    env: Environment, patient_id: str, template: Row, *, goal_id: str, stamp: int, who: Actor
) -> Row:
    """Add a goal made from ``template`` to the patient's care plan; returns its row."""
    row = {
        "id": goal_id,
        **_system_fields(stamp, who),
        "name": template.get("goalName") or template["name"],
        "type": template.get("type"),
        "priority": template.get("priority"),
        "status": ACTIVE,
        "templateName": template["name"],
    }
    env.goals.put(goal_id, row, stamp)
    env.goals_of.add(patient_id, goal_id)
    return row


def goal_of(env: Environment, patient_id: str, goal_id: str) -> Row | None:
    """The patient's goal by id, or None (a goal of another patient is not theirs)."""
    return env.goals.get(goal_id) if goal_id in env.goals_of.of(patient_id) else None


def update_goal(env: Environment, goal: Row, changes: Row, *, stamp: int, who: Actor) -> Row:
    """Set the given fields of ``goal`` (name, priority, status); returns the stored row."""
    row = {**goal, **changes, "updatedByName": who.name, "updatedAt": iso_ms(stamp)}
    env.goals.put(row["id"], row, stamp)
    return row


def add_goal_comment(
    env: Environment, goal_id: str, text: str, *, comment_id: str, stamp: int, who: Actor
) -> Row:
    """Add a comment to a goal (after its others); returns the comment."""
    comment = {"id": comment_id, **_system_fields(stamp, who), "text": text}
    env.goal_comments.setdefault(goal_id, []).append(comment)
    return comment


def add_goal_task(
    env: Environment,
    tenant: Tenant,
    patient_id: str,
    goal_id: str,
    body: Mapping[str, Any],
    *,
    new_id: Callable[[], str],
    stamp: int,
    who: Actor,
) -> Row:
    """Create a task (as ``POST tasks`` does, :func:`~._tasks.create_task`) about the goal's
    patient and file it under the goal (its ``goalId``); returns the task's row.

    A body that names no patient is given the goal's; one that names another patient is 400
    ``GOAL_TASK_PATIENT_MISMATCH``. Every refusal of ``create_task`` applies.
    """
    given = body.get("patient")
    if given is not None and (
        not isinstance(given, Mapping) or str(given.get("id")).lower() != patient_id
    ):
        raise bad_request(
            "GOAL_TASK_PATIENT_MISMATCH",
            "GOAL",
            "A goal's task is about the goal's patient",
            field="patient",
        )
    row = create_task(
        env,
        tenant,
        {**body, "patient": {"id": patient_id}},
        new_id=new_id,
        stamp=stamp,
        who=who,
        goal_id=goal_id,
    )
    env.goal_tasks.add(goal_id, row["id"])
    return row


def drop_goals(env: Environment, patient_id: str) -> None:
    """Delete a patient's goals, their comments and the index of their tasks (the patient is
    being deleted); the tasks themselves stay (:func:`~._tasks.forget_patient`)."""
    for goal_id in env.goals_of.drop(patient_id):
        env.goals.delete(goal_id)
        env.goal_comments.pop(goal_id, None)
        env.goal_tasks.drop(goal_id)


def goal_tasks_of(env: Environment, goal_id: str) -> list[Row]:
    """The tasks added to a goal, oldest first, as the tasks store holds them now."""
    return [env.tasks.rows[task_id] for task_id in env.goal_tasks.of(goal_id)]


def seed_goals(tenant: Tenant, env: Environment, seed: int) -> None:
    """One or two goals, from distinct goal templates, on the care plan of every
    :data:`GOAL_SEED_EVERY`-th patient of ``env`` from the second; each with up to two comments."""
    templates = list(tenant.goal_templates.values())
    if not tenant.users or not templates:
        return
    rng = family_rng(seed, "care-plan-goals", tenant.name, env.name)
    actor = _seeding_actor(tenant)
    stamp_ms = env.seed_stamp(0)
    limit = GOAL_SEED_EVERY * GOAL_SEED_LIMIT
    for patient_id in islice(env.patients.ids(), 1, 1 + limit, GOAL_SEED_EVERY):
        for template in rng.sample(templates, k=min(len(templates), rng.randint(1, 2))):
            stamp_ms = env.seed_stamp(stamp_ms + _SEED_STEP_MS)
            goal_id = random_uuid(rng)
            add_goal(env, patient_id, template, goal_id=goal_id, stamp=stamp_ms, who=actor)
            for _ in range(rng.randint(0, 2)):
                stamp_ms = env.seed_stamp(stamp_ms + _SEED_STEP_MS)
                text = rng.choice(_COMMENTS)
                comment_id = random_uuid(rng)
                add_goal_comment(
                    env, goal_id, text, comment_id=comment_id, stamp=stamp_ms, who=actor
                )
