"""A patient's care plan: read it, write its overview, and its goals with their comments and tasks.

``GET .../care-plan`` answers the plan (``patientOverview`` null until one is written).
``POST .../care-plan/overview`` writes the overview whether or not there is one (the recorded
call replaced an existing overview and answered 200, keeping its ``createdAt``); ``PUT`` replaces
an existing one only, and is refused with 404 ``CARE_PLAN_OVERVIEW_NOT_FOUND`` before the first
write. An overview longer than 65,535 characters is refused (400 ``INVALID_REQUEST_BODY``).

Goals (``.../care-plan/goals``): the list is a metaInfo page, oldest first, of every goal or of
those with one ``status`` (another value is 400 ``INVALID_PARAMETER``); ``POST`` makes a goal from a
goal template of the formation (201; a template the formation lacks is 400
``GOAL_TEMPLATE_NOT_FOUND``); ``GET .../goals/{goalId}`` answers the goal with its tasks and
comments; ``PATCH`` changes its name, priority or status (``{}`` changes nothing, not even
``updatedAt``). A goal's comments are listed (a bare array, oldest first) and added (201), and so
are its tasks: ``POST .../goals/{goalId}/tasks`` takes a ``POST tasks`` body and answers the task
(201; the vendor reference shows this call as a GET answering comments, which it cannot be), made
about the goal's patient; they need the role's ``tasks`` permission (read, create) besides
``care-plans``, and its field policy of tasks applies to them as it does under ``tasks``. A goal id
the patient has no goal under is 404 ``GOAL_NOT_FOUND``.
"""

from __future__ import annotations

from welkin_async.testing._care_plans import (
    add_goal,
    add_goal_comment,
    add_goal_task,
    goal_of,
    goal_tasks_of,
    plan_of,
    update_goal,
    write_overview,
)
from welkin_async.testing._errors import bad_request, not_found
from welkin_async.testing._routing import Call, QueryParam, Reply, Route, json_reply
from welkin_async.testing._store import Row
from welkin_async.testing.routes._common import actor, meta_info_list, patient, without
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, meta_info_page, ref
from welkin_async.testing.routes.tasks import RESOURCE as TASKS

RESOURCE = "care-plans"


def read(call: Call) -> Reply:
    return json_reply(plan_of(call.env, patient(call), call.backend.seed))


def _write(call: Call) -> Reply:
    plan = write_overview(
        call.env,
        patient(call),
        call.json_object()["overview"],
        seed=call.backend.seed,
        stamp=call.stamp(),
        who=actor(call),
    )
    return json_reply(plan["patientOverview"])


def create_overview(call: Call) -> Reply:
    return _write(call)


def replace_overview(call: Call) -> Reply:
    if plan_of(call.env, patient(call), call.backend.seed)["patientOverview"] is None:
        raise not_found(
            "CARE_PLAN_OVERVIEW_NOT_FOUND", "CARE_PLAN", "The care plan has no overview yet"
        )
    return _write(call)


_GOAL_STATUSES = ("ACTIVE", "COMPLETED", "REMOVED")


def _goal(call: Call) -> Row:
    """The goal the path names, of the patient it names (404 for either missing)."""
    goal = goal_of(call.env, patient(call)["id"], call.params["goal_id"])
    if goal is None:
        raise not_found("GOAL_NOT_FOUND", "GOAL", "Goal doesn't exist")
    return goal


def list_goals(call: Call) -> Reply:
    ids = call.env.goals_of.of(patient(call)["id"])
    status = call.query.get("status")
    if status is not None:
        if status not in _GOAL_STATUSES:
            raise bad_request(
                "INVALID_PARAMETER",
                "GOAL",
                f"status must be one of {', '.join(_GOAL_STATUSES)}",
                parameter="status",
            )
        ids = [goal_id for goal_id in ids if call.env.goals.rows[goal_id]["status"] == status]
    return meta_info_list(call, ids, call.env.goals.render)


def create_goal(call: Call) -> Reply:
    owner = patient(call)
    name = call.json_object()["goalTemplateName"]
    template = call.tenant.goal_templates.get(name)
    if template is None:
        raise bad_request(
            "GOAL_TEMPLATE_NOT_FOUND",
            "GOAL",
            "The formation has no such goal template",
            field="goalTemplateName",
        )
    row = add_goal(
        call.env,
        owner["id"],
        template,
        goal_id=call.backend.new_id(),
        stamp=call.stamp(),
        who=actor(call),
    )
    return json_reply(row, 201)


def _tasks_of(call: Call, goal_id: str) -> list[Row]:
    """The goal's tasks as the role may read them (its field policy of tasks applies)."""
    hidden = call.hidden(TASKS)
    return [without(row, hidden) for row in goal_tasks_of(call.env, goal_id)]


def get_goal(call: Call) -> Reply:
    goal = _goal(call)
    comments = call.env.goal_comments.get(goal["id"], [])
    tasks = _tasks_of(call, goal["id"])
    return json_reply({"details": goal, "tasks": tasks, "comments": comments})


def patch_goal(call: Call) -> Reply:
    goal = _goal(call)
    if not call.json_object():  # nothing to change: not even updatedAt moves, as for a task
        return json_reply(goal)
    row = update_goal(call.env, goal, call.json_object(), stamp=call.stamp(), who=actor(call))
    return json_reply(row)


def list_goal_comments(call: Call) -> Reply:
    return json_reply(call.env.goal_comments.get(_goal(call)["id"], []))


def add_comment(call: Call) -> Reply:
    goal = _goal(call)
    comment = add_goal_comment(
        call.env,
        goal["id"],
        call.json_object()["text"],
        comment_id=call.backend.new_id(),
        stamp=call.stamp(),
        who=actor(call),
    )
    return json_reply(comment, 201)


def list_goal_tasks(call: Call) -> Reply:
    return json_reply(_tasks_of(call, _goal(call)["id"]))


def add_task(call: Call) -> Reply:
    goal = _goal(call)
    body = call.json_object()
    call.check_writable(TASKS, body)
    row = add_goal_task(
        call.env,
        call.tenant,
        call.params["patient_id"],
        goal["id"],
        body,
        new_id=call.backend.new_id,
        stamp=call.stamp(),
        who=actor(call),
    )
    return json_reply(without(row, call.hidden(TASKS)), 201)


_PATH = "/patients/{patient_id}/care-plan"
_GOALS = _PATH + "/goals"
_GOAL = _GOALS + "/{goal_id}"
_OVERVIEW = {200: ref("care_plan_overview.json")}
ROUTES = (
    Route(
        "GET",
        _PATH,
        read,
        "The patient's care plan and its overview",
        RESOURCE,
        "read",
        responses={200: ref("care_plan.json")},
    ),
    Route(
        "POST",
        _PATH + "/overview",
        create_overview,
        "Write the care plan's overview (made or replaced)",
        RESOURCE,
        "create",
        request_body="care_plan_overview_write.json",
        responses=_OVERVIEW,
    ),
    Route(
        "PUT",
        _PATH + "/overview",
        replace_overview,
        "Replace the care plan's overview",
        RESOURCE,
        "update",
        request_body="care_plan_overview_write.json",
        responses=_OVERVIEW,
    ),
    Route(
        "GET",
        _GOALS,
        list_goals,
        "The care plan's goals, oldest first (all, or those of one status)",
        RESOURCE,
        "read",
        responses={200: meta_info_page(ref("goal.json"))},
        query=(
            *PAGE_PARAMS,
            QueryParam("status", {"type": "string", "enum": list(_GOAL_STATUSES)}, "goal status"),
        ),
    ),
    Route(
        "POST",
        _GOALS,
        create_goal,
        "Add a goal made from a goal template of the formation",
        RESOURCE,
        "create",
        request_body="goal_create.json",
        responses={201: ref("goal.json")},
    ),
    Route(
        "GET",
        _GOAL,
        get_goal,
        "A goal with its tasks and comments",
        RESOURCE,
        "read",
        responses={200: ref("goal_details.json")},
    ),
    Route(
        "PATCH",
        _GOAL,
        patch_goal,
        "Change a goal's name, priority or status",
        RESOURCE,
        "update",
        request_body="goal_update.json",
        responses={200: ref("goal.json")},
    ),
    Route(
        "GET",
        _GOAL + "/comments",
        list_goal_comments,
        "A goal's comments, oldest first",
        RESOURCE,
        "read",
        responses={200: array(ref("goal_comment.json"))},
    ),
    Route(
        "POST",
        _GOAL + "/comments",
        add_comment,
        "Add a comment to a goal",
        RESOURCE,
        "create",
        request_body="goal_comment_create.json",
        responses={201: ref("goal_comment.json")},
    ),
    Route(
        "GET",
        _GOAL + "/tasks",
        list_goal_tasks,
        "The tasks added to a goal, oldest first",
        RESOURCE,
        "read",
        also_needs=(TASKS,),
        responses={200: array(ref("task.json"))},
    ),
    Route(
        "POST",
        _GOAL + "/tasks",
        add_task,
        "Add a task about the goal's patient to a goal",
        RESOURCE,
        "create",
        also_needs=(TASKS,),
        request_body="task_create.json",
        responses={201: ref("task.json")},
    ),
)
