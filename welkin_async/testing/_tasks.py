"""Tasks: work assigned to a user of the tenant, perhaps about a patient, with watchers and
comments; the rows they are served as, the checks a task body must pass, and their seed.

A task names people as ``{id, name}``: its assignee, watchers and author are users (the author
of one made through the API is the API client), its patient a patient of the environment. Names
are filled in when the task is written. Tasks live in ``Environment.tasks`` by id, stamped like
every other table, so the ``TASK`` export serves them by ``updatedAt``. Deleting a patient keeps
their tasks but takes the patient off them (:func:`forget_patient`).

The seed gives every environment :data:`SEED_TASKS` tasks assigned to the tenant's users (every
:data:`PATIENT_EVERY`-th about one of the first patients), from a random stream of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._errors import not_found
from welkin_async.testing._ids import family_rng, random_uuid
from welkin_async.testing._records import Actor, full_name
from welkin_async.testing._schemas import validate
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant
from welkin_async.testing._users import display_name

COMPONENT = "TASK"
STATUSES = ("TODO", "IN_PROGRESS", "COMPLETED", "CANCELED")
PRIORITIES = ("LOW", "MEDIUM", "HIGH", "URGENT")
SEED_TASKS = 240
PATIENT_EVERY = 3
_SEED_EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z, as the other seed data's
_DAY_MS = 86_400_000
_NAMES = (
    "Review patient",
    "Call back about labs",
    "Schedule follow-up",
    "Update care plan",
    "Check medication refill",
    "Send intake forms",
    "Confirm insurance",
    "Prepare visit summary",
)
_DESCRIPTIONS = (
    "Review the new patient profile",
    "Results came in overnight; discuss next steps",
    "Book a visit within two weeks",
    "Reflect the latest goals in the plan",
    None,
)
_COMMENTS = ("Started on this", "Waiting for a reply", "Left a voicemail", "Done for today")


def task_not_found() -> Exception:
    return not_found("TASK_NOT_FOUND", COMPONENT, "Task doesn't exist")


def user_ref(tenant: Tenant, user_id: str, field: str) -> Row:
    """``{id, name}`` of the tenant's user ``user_id``; 404 ``USER_NOT_FOUND`` naming the body
    ``field`` when there is no such user."""
    user = tenant.user(user_id.lower())
    if user is None:
        raise not_found("USER_NOT_FOUND", COMPONENT, "No user has the given id", field=field)
    return {"id": user["id"], "name": display_name(user)}


def patient_ref(env: Environment, given: Mapping[str, Any] | None) -> Row | None:
    """``{id, name}`` of the patient a body names (None for none); 404 ``PATIENT_NOT_FOUND``
    when the environment has no such patient."""
    if given is None:
        return None
    patient = env.patients.get(str(given["id"]).lower())
    if patient is None:
        raise not_found(
            "PATIENT_NOT_FOUND", COMPONENT, "No patient has the given id", field="patient"
        )
    return {"id": patient["id"], "name": full_name(patient)}


def watcher_refs(tenant: Tenant, given: Iterable[Mapping[str, Any]]) -> list[Row]:
    """The users a body's ``watchers`` name, each once, in the order given."""
    ids = dict.fromkeys(str(one["id"]).lower() for one in given)
    return [user_ref(tenant, user_id, "watchers") for user_id in ids]


def due(text: str | None) -> str | None:
    """A due date as served: the instant in UTC with milliseconds (``...Z``)."""
    return None if text is None else iso_ms(parse_iso_ms(text))


def comment_row(comment_id: str, text: str, *, stamp: int, who: Actor) -> Row:
    return {
        "id": comment_id,
        "createdAt": iso_ms(stamp),
        "author": {"id": who.id, "name": who.name},
        "text": text,
    }


def create_task(
    env: Environment,
    tenant: Tenant,
    body: Mapping[str, Any],
    *,
    new_id: Callable[[], str],
    stamp: int,
    who: Actor,
    goal_id: str | None = None,
) -> Row:
    """Store a new task made from a ``POST tasks`` body and return its row.

    The body is checked as ``POST tasks`` checks it: against ``task_create.json`` (400
    ``INVALID_REQUEST_BODY``: a missing name, status, priority or assignee, a value outside an
    enum, an unknown field), then its people: 404 ``USER_NOT_FOUND`` (details ``field``:
    ``assignee`` or ``watchers``) or ``PATIENT_NOT_FOUND`` when one names no one. ``new_id``
    makes the task's and its comments' ids (a route passes ``call.backend.new_id``); ``who`` is
    the author (of the task and of its comments); ``stamp`` its write time (``call.stamp()``).
    ``goal_id`` files it under a care-plan goal: the row then carries ``goalId``, as the vendor
    serves a goal's tasks.
    """
    validate("task_create.json", body)
    return _store_new(env, tenant, body, new_id=new_id, stamp=stamp, who=who, goal_id=goal_id)


def _store_new(
    env: Environment,
    tenant: Tenant,
    body: Mapping[str, Any],
    *,
    new_id: Callable[[], str],
    stamp: int,
    who: Actor,
    goal_id: str | None = None,
) -> Row:
    """:func:`create_task` after the schema check (the seed's bodies are valid by making)."""
    assignee = user_ref(tenant, str(body["assignee"]["id"]), "assignee")
    watchers = watcher_refs(tenant, body.get("watchers") or ())
    patient = patient_ref(env, body.get("patient"))
    task_id = new_id()
    now = iso_ms(stamp)
    row: Row = {
        "id": task_id,
        "createdAt": now,
        "updatedAt": now,
        "name": body["name"],
        "description": body.get("description"),
        "dueDate": due(body.get("dueDate")),
        "status": body["status"],
        "priority": body["priority"],
        "patient": patient,
        "assignee": assignee,
        "author": {"id": who.id, "name": who.name},
        "watchers": watchers,
        "comments": [
            comment_row(new_id(), one["text"], stamp=stamp, who=who)
            for one in body.get("comments") or ()
        ],
    }
    if goal_id is not None:
        row["goalId"] = goal_id
    env.tasks.put(task_id, row, stamp)
    return row


def forget_patient(env: Environment, patient_id: str, stamp: Callable[[], int]) -> None:
    """Take a deleted patient off their tasks: each keeps its place (a task is staff work) with
    ``patient`` null (and ``goalId`` null on a goal's, as the goal goes with the patient), written
    anew at a fresh ``stamp()`` so the ``TASK`` export serves the change."""
    about = [
        row
        for row in env.tasks.rows.values()
        if row["patient"] is not None and row["patient"]["id"] == patient_id
    ]
    for row in about:
        at = stamp()
        changed: Row = {**row, "patient": None, "updatedAt": iso_ms(at)}
        if "goalId" in row:
            changed["goalId"] = None
        env.tasks.put(row["id"], changed, at)


def seed_tasks(tenant: Tenant, env: Environment, seed: int) -> None:
    """:data:`SEED_TASKS` tasks in ``env``, assigned to, watched and written by the tenant's
    users; every :data:`PATIENT_EVERY`-th about one of the environment's first patients."""
    if not tenant.users:
        return
    rng = family_rng(seed, "tasks", tenant.name, env.name)
    patients = env.patients.ids()[:SEED_TASKS]
    for index in range(SEED_TASKS):
        _seed_one(tenant, env, rng, index, patients)


def _seed_one(
    tenant: Tenant, env: Environment, rng: random.Random, index: int, patients: list[str]
) -> None:
    author = rng.choice(tenant.users)
    who = Actor(id=author["id"], name=display_name(author))
    watching = rng.randint(0, min(2, len(tenant.users)))
    body: dict[str, Any] = {
        "name": rng.choice(_NAMES),
        "description": rng.choice(_DESCRIPTIONS),
        "dueDate": iso_ms(_SEED_EPOCH_MS + rng.randrange(120) * _DAY_MS),
        "status": rng.choice(STATUSES),
        "priority": rng.choice(PRIORITIES),
        "assignee": {"id": rng.choice(tenant.users)["id"]},
        "watchers": [{"id": user["id"]} for user in rng.sample(tenant.users, k=watching)],
        "comments": [{"text": rng.choice(_COMMENTS)} for _ in range(rng.randint(0, 1))],
    }
    if patients and index % PATIENT_EVERY == 0:
        body["patient"] = {"id": patients[(index // PATIENT_EVERY) % len(patients)]}
    stamp = env.seed_stamp(_SEED_EPOCH_MS)
    _store_new(env, tenant, body, new_id=lambda: random_uuid(rng), stamp=stamp, who=who)
