"""A patient's care plan, spoken to in plain aiohttp: the plan as made with the patient, writing
its overview (POST) and replacing it (PUT), its goals and their comments, the seed and the
refusals."""

from __future__ import annotations

import pytest

from tests.testing.conftest import Api, ApiFactory, give_policy
from welkin_async.testing import Environment, WelkinEmulator
from welkin_async.testing._care_plans import GOAL_SEED_EVERY, SEED_EVERY
from welkin_async.testing._store import Table

SYSTEM_KEYS = {"createdByName", "createdAt", "updatedByName", "updatedAt"}
PLAN_KEYS = {"id", "patientId"} | SYSTEM_KEYS
OVERVIEW_KEYS = {"overview"} | SYSTEM_KEYS
GOAL_KEYS = {"id", "name", "type", "priority", "status", "templateName"} | SYSTEM_KEYS
COMMENT_KEYS = {"id", "text"} | SYSTEM_KEYS


def _live(emulator: WelkinEmulator) -> Environment:
    return emulator.tenant().environments["live"]


def _without_overview(emulator: WelkinEmulator) -> str:
    live = _live(emulator)
    return next(pid for pid in live.patients.ids() if pid not in live.care_plans)


async def test_a_plan_never_written_is_served_with_a_null_overview(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A patient's plan exists before its overview is written: its keys, patientOverview null,
    the same id on every read, and nothing stored."""
    patient_id = _without_overview(emulator)
    first = await api.call("GET", f"patients/{patient_id}/care-plan")
    again = await api.call("GET", f"patients/{patient_id}/care-plan")
    assert first.status == 200
    assert set(first.body) == PLAN_KEYS | {"patientOverview"}
    assert (first.body["patientId"], first.body["patientOverview"]) == (patient_id, None)
    assert again.body == first.body
    assert patient_id not in _live(emulator).care_plans


async def test_post_writes_the_overview_and_answers_it(api: Api, emulator: WelkinEmulator) -> None:
    """POST overview answers 200 with the overview; the plan then shows it, under the same id."""
    patient_id = _without_overview(emulator)
    before = await api.call("GET", f"patients/{patient_id}/care-plan")
    written = await api.call(
        "POST", f"patients/{patient_id}/care-plan/overview", json_body={"overview": "Walks."}
    )
    assert written.status == 200
    assert set(written.body) == OVERVIEW_KEYS
    assert written.body["overview"] == "Walks."
    plan = (await api.call("GET", f"patients/{patient_id}/care-plan")).body
    assert plan["patientOverview"] == written.body
    assert plan["id"] == before.body["id"]
    assert plan["updatedAt"] == written.body["updatedAt"]


async def test_put_replaces_the_overview_keeping_its_creation(
    api: Api, emulator: WelkinEmulator
) -> None:
    """PUT overview replaces the text; createdAt stays the first write's."""
    patient_id = _without_overview(emulator)
    path = f"patients/{patient_id}/care-plan/overview"
    first = await api.call("POST", path, json_body={"overview": "One."})
    replaced = await api.call("PUT", path, json_body={"overview": "Two."})
    assert replaced.status == 200
    assert replaced.body["overview"] == "Two."
    assert replaced.body["createdAt"] == first.body["createdAt"]


async def test_put_before_any_overview_is_a_404(api: Api, emulator: WelkinEmulator) -> None:
    """PUT overview on a plan without one is 404 CARE_PLAN_OVERVIEW_NOT_FOUND."""
    patient_id = _without_overview(emulator)
    answer = await api.call(
        "PUT", f"patients/{patient_id}/care-plan/overview", json_body={"overview": "x"}
    )
    assert (answer.status, answer.error["errorCode"]) == (404, "CARE_PLAN_OVERVIEW_NOT_FOUND")


async def test_an_overview_that_is_not_text_or_too_long_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """An overview that is a number, missing, or over 65,535 characters is 400
    INVALID_REQUEST_BODY, and nothing is stored."""
    patient_id = _without_overview(emulator)
    path = f"patients/{patient_id}/care-plan/overview"
    for body in ({"overview": 7}, {}, {"overview": "x" * 65_536}, {"overview": "x", "extra": 1}):
        answer = await api.call("POST", path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body
    assert patient_id not in _live(emulator).care_plans


async def test_the_plan_of_a_missing_patient_is_a_404(api: Api) -> None:
    """A patient id nobody has is 404 PATIENT_NOT_FOUND."""
    answer = await api.call("GET", "patients/nobody/care-plan")
    assert (answer.status, answer.error["errorCode"]) == (404, "PATIENT_NOT_FOUND")


async def test_a_role_without_care_plans_is_refused_with_403(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The analyst, whose policy does not name care plans, is refused: 403."""
    analyst = await api_for(role="analyst")
    answer = await analyst.call("GET", f"patients/{_without_overview(emulator)}/care-plan")
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")


async def test_seeding_writes_some_overviews(emulator: WelkinEmulator) -> None:
    """Every SEED_EVERY-th patient from the third has an overview written by a tenant user."""
    live = _live(emulator)
    ids = live.patients.ids()
    assert sorted(live.care_plans) == sorted(ids[2::SEED_EVERY])
    for plan in live.care_plans.values():
        assert plan["patientOverview"]["overview"]


# --- goals ---------------------------------------------------------------------------------------


def _with_goals(emulator: WelkinEmulator) -> str:
    """A seeded patient with goals, the first of which has comments."""
    live = _live(emulator)
    return next(
        pid
        for pid in live.patients.ids()
        if live.goals_of.of(pid) and live.goal_comments.get(live.goals_of.of(pid)[0])
    )


def _goals_path(patient_id: str) -> str:
    return f"patients/{patient_id}/care-plan/goals"


async def test_seeding_adds_goals_with_comments(emulator: WelkinEmulator) -> None:
    """Every GOAL_SEED_EVERY-th patient from the second has one or two ACTIVE goals from distinct
    templates of the formation, and some goals have comments."""
    live, templates = _live(emulator), emulator.tenant().goal_templates
    ids = live.patients.ids()
    assert [pid for pid in ids if live.goals_of.of(pid)] == ids[1::GOAL_SEED_EVERY]
    for pid in ids[1::GOAL_SEED_EVERY]:
        goals = [live.goals.rows[goal_id] for goal_id in live.goals_of.of(pid)]
        assert 1 <= len(goals) <= 2
        assert len({goal["templateName"] for goal in goals}) == len(goals)
        assert all(g["status"] == "ACTIVE" and g["templateName"] in templates for g in goals)
    assert any(live.goal_comments.values())


async def test_seeded_goals_are_the_same_for_the_same_seed(emulator: WelkinEmulator) -> None:
    """A second emulator of the same seed seeds the same goals and comments."""
    async with WelkinEmulator(seed=7, patients=25) as again:
        other = _live(again)
        assert other.goals.rows == _live(emulator).goals.rows
        assert other.goal_comments == _live(emulator).goal_comments


async def test_the_goal_list_is_a_meta_info_page_of_the_patients_goals(
    api: Api, emulator: WelkinEmulator
) -> None:
    """GET goals answers a metaInfo page of the patient's goals, oldest first."""
    patient_id = _with_goals(emulator)
    answer = await api.call("GET", _goals_path(patient_id))
    assert answer.status == 200
    goal_ids = _live(emulator).goals_of.of(patient_id)
    assert [goal["id"] for goal in answer.body["data"]] == goal_ids
    assert set(answer.body["data"][0]) == GOAL_KEYS
    assert answer.body["metaInfo"]["totalElements"] == len(goal_ids)


async def test_the_goal_list_filters_by_status(api: Api, emulator: WelkinEmulator) -> None:
    """?status= keeps the goals of that status only."""
    patient_id = _with_goals(emulator)
    first = _live(emulator).goals_of.of(patient_id)[0]
    await api.call("PATCH", f"{_goals_path(patient_id)}/{first}", json_body={"status": "COMPLETED"})
    done = await api.call("GET", _goals_path(patient_id), params={"status": "COMPLETED"})
    active = await api.call("GET", _goals_path(patient_id), params={"status": "ACTIVE"})
    assert [goal["id"] for goal in done.body["data"]] == [first]
    assert first not in [goal["id"] for goal in active.body["data"]]


async def test_an_unknown_goal_status_filter_is_a_400(api: Api, emulator: WelkinEmulator) -> None:
    """?status= of a value no goal has is 400 INVALID_PARAMETER naming the parameter."""
    answer = await api.call("GET", _goals_path(_with_goals(emulator)), params={"status": "DONE"})
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PARAMETER")
    assert answer.error["details"] == {"parameter": "status"}


async def test_post_makes_a_goal_from_its_template(api: Api, emulator: WelkinEmulator) -> None:
    """POST goals answers 201 with an ACTIVE goal named, typed and prioritised by its template,
    and stores it under the patient."""
    patient_id = _without_overview(emulator)
    answer = await api.call(
        "POST", _goals_path(patient_id), json_body={"goalTemplateName": "lower-a1c"}
    )
    assert answer.status == 201
    assert set(answer.body) == GOAL_KEYS
    template = emulator.tenant().goal_templates["lower-a1c"]
    made = {k: answer.body[k] for k in ("name", "type", "priority", "status", "templateName")}
    assert made == {
        "name": template["goalName"],
        "type": template["type"],
        "priority": template["priority"],
        "status": "ACTIVE",
        "templateName": "lower-a1c",
    }
    live = _live(emulator)
    assert live.goals_of.of(patient_id)[-1] == answer.body["id"]
    assert live.goals.rows[answer.body["id"]] == answer.body


async def test_a_goal_template_the_formation_lacks_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """POST goals naming no template of the formation is 400 GOAL_TEMPLATE_NOT_FOUND, and no
    goal is made."""
    patient_id = _without_overview(emulator)
    answer = await api.call(
        "POST", _goals_path(patient_id), json_body={"goalTemplateName": "pushups"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "GOAL_TEMPLATE_NOT_FOUND")
    assert answer.error["details"] == {"field": "goalTemplateName"}
    assert _live(emulator).goals_of.of(patient_id) == []


async def test_a_goal_body_without_its_template_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A goal body that is empty, names the template by another key or adds a key is 400
    INVALID_REQUEST_BODY."""
    path = _goals_path(_without_overview(emulator))
    for body in ({}, {"templateName": "eat-fruit"}, {"goalTemplateName": "eat-fruit", "x": 1}):
        answer = await api.call("POST", path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body


async def test_get_a_goal_answers_it_with_its_tasks_and_comments(
    api: Api, emulator: WelkinEmulator
) -> None:
    """GET goals/{id} answers {details, tasks, comments}: the goal and its comments as stored."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_id = live.goals_of.of(patient_id)[0]
    answer = await api.call("GET", f"{_goals_path(patient_id)}/{goal_id}")
    assert answer.status == 200
    assert set(answer.body) == {"details", "tasks", "comments"}
    assert answer.body["details"] == live.goals.rows[goal_id]
    assert answer.body["comments"] == live.goal_comments[goal_id]


async def test_a_goal_of_another_patient_is_a_404(api: Api, emulator: WelkinEmulator) -> None:
    """A goal id read under a patient who does not have it is 404 GOAL_NOT_FOUND."""
    goal_id = _live(emulator).goals_of.of(_with_goals(emulator))[0]
    answer = await api.call("GET", f"{_goals_path(_without_overview(emulator))}/{goal_id}")
    assert (answer.status, answer.error["errorCode"]) == (404, "GOAL_NOT_FOUND")


async def test_patch_changes_a_goals_name_priority_and_status(
    api: Api, emulator: WelkinEmulator
) -> None:
    """PATCH goals/{id} sets the fields given, keeps the others and its creation, and stamps
    the update."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_id = live.goals_of.of(patient_id)[0]
    before = dict(live.goals.rows[goal_id])
    change = {"name": "Eat two fruits", "priority": "HIGH", "status": "COMPLETED"}
    answer = await api.call("PATCH", f"{_goals_path(patient_id)}/{goal_id}", json_body=change)
    assert answer.status == 200
    assert answer.body == live.goals.rows[goal_id]
    assert {key: answer.body[key] for key in change} == change
    assert (answer.body["templateName"], answer.body["createdAt"]) == (
        before["templateName"],
        before["createdAt"],
    )
    assert answer.body["updatedAt"] > before["updatedAt"]


async def test_a_goal_change_the_schema_refuses_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """PATCH of a status or priority outside their enums, an empty name or a field that cannot
    change is 400 INVALID_REQUEST_BODY, and the goal stays as it was."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_id = live.goals_of.of(patient_id)[0]
    before = dict(live.goals.rows[goal_id])
    path = f"{_goals_path(patient_id)}/{goal_id}"
    for body in ({"status": "DONE"}, {"priority": "URGENT"}, {"name": ""}, {"type": "x"}):
        answer = await api.call("PATCH", path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body
    assert live.goals.rows[goal_id] == before


async def test_a_goals_comments_are_listed_oldest_first(api: Api, emulator: WelkinEmulator) -> None:
    """GET goals/{id}/comments answers the goal's comments as a bare array, oldest first."""
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    answer = await api.call("GET", f"{_goals_path(patient_id)}/{goal_id}/comments")
    assert answer.status == 200
    assert answer.body == _live(emulator).goal_comments[goal_id]
    assert all(set(comment) == COMMENT_KEYS for comment in answer.body)
    assert [c["createdAt"] for c in answer.body] == sorted(c["createdAt"] for c in answer.body)


async def test_post_adds_a_comment_after_the_others(api: Api, emulator: WelkinEmulator) -> None:
    """POST goals/{id}/comments answers 201 with the comment, which is listed last."""
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    path = f"{_goals_path(patient_id)}/{goal_id}/comments"
    answer = await api.call("POST", path, json_body={"text": "Walked twice this week."})
    assert answer.status == 201
    assert set(answer.body) == COMMENT_KEYS
    assert answer.body["text"] == "Walked twice this week."
    assert _live(emulator).goal_comments[goal_id][-1] == answer.body


async def test_an_empty_comment_is_a_400(api: Api, emulator: WelkinEmulator) -> None:
    """A comment whose text is empty or missing is 400 INVALID_REQUEST_BODY, and none is added."""
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    before = list(_live(emulator).goal_comments[goal_id])
    path = f"{_goals_path(patient_id)}/{goal_id}/comments"
    for body in ({"text": ""}, {}):
        answer = await api.call("POST", path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body
    assert _live(emulator).goal_comments[goal_id] == before


async def test_the_goals_of_a_missing_patient_are_a_404(api: Api) -> None:
    """The goals of a patient id nobody has are 404 PATIENT_NOT_FOUND."""
    answer = await api.call("GET", _goals_path("nobody"))
    assert (answer.status, answer.error["errorCode"]) == (404, "PATIENT_NOT_FOUND")


async def test_a_role_without_care_plans_may_not_add_goals(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The care coordinator, whose policy does not name care plans, is refused a goal: 403."""
    patient_id = _without_overview(emulator)
    coordinator = await api_for(role="care-coordinator")
    answer = await coordinator.call(
        "POST", _goals_path(patient_id), json_body={"goalTemplateName": "eat-fruit"}
    )
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
    assert _live(emulator).goals_of.of(patient_id) == []


# --- a goal's tasks ------------------------------------------------------------------------------


def _task_body(emulator: WelkinEmulator, **more: object) -> dict[str, object]:
    assignee = emulator.tenant().users[0]["id"]
    body = {"name": "Check in", "status": "TODO", "priority": "HIGH", "assignee": {"id": assignee}}
    return {**body, **more}


async def test_post_adds_a_task_about_the_goals_patient(api: Api, emulator: WelkinEmulator) -> None:
    """POST goals/{id}/tasks answers 201 with the task, made about the goal's patient, stored
    among the tasks and filed under the goal."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_id = live.goals_of.of(patient_id)[0]
    answer = await api.call(
        "POST", f"{_goals_path(patient_id)}/{goal_id}/tasks", json_body=_task_body(emulator)
    )
    assert answer.status == 201
    assert (answer.body["name"], answer.body["patient"]["id"]) == ("Check in", patient_id)
    assert live.tasks.rows[answer.body["id"]] == answer.body
    assert live.goal_tasks.of(goal_id) == [answer.body["id"]]


async def test_a_goals_tasks_show_changes_made_through_tasks(
    api: Api, emulator: WelkinEmulator
) -> None:
    """GET goals/{id}/tasks and the goal's details list its tasks as PATCH tasks/{id} left them."""
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    path = f"{_goals_path(patient_id)}/{goal_id}"
    task = (await api.call("POST", f"{path}/tasks", json_body=_task_body(emulator))).body
    await api.call("PATCH", f"tasks/{task['id']}", json_body={"status": "COMPLETED"})
    listed = await api.call("GET", f"{path}/tasks")
    details = await api.call("GET", path)
    assert listed.status == 200
    assert [(t["id"], t["status"]) for t in listed.body] == [(task["id"], "COMPLETED")]
    assert details.body["tasks"] == listed.body


async def test_a_goal_task_about_another_patient_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A goal task naming a patient other than the goal's is 400 GOAL_TASK_PATIENT_MISMATCH,
    and no task is made."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_id = live.goals_of.of(patient_id)[0]
    before = len(live.tasks)
    body = _task_body(emulator, patient={"id": _without_overview(emulator)})
    answer = await api.call("POST", f"{_goals_path(patient_id)}/{goal_id}/tasks", json_body=body)
    assert (answer.status, answer.error["errorCode"]) == (400, "GOAL_TASK_PATIENT_MISMATCH")
    assert (len(live.tasks), live.goal_tasks.of(goal_id)) == (before, [])


async def test_a_goal_task_the_task_schema_refuses_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A goal task without an assignee or with a status no task has is 400
    INVALID_REQUEST_BODY."""
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    path = f"{_goals_path(patient_id)}/{goal_id}/tasks"
    no_assignee = {"name": "x", "status": "TODO", "priority": "LOW"}
    for body in (no_assignee, _task_body(emulator, status="ACTIVE")):
        answer = await api.call("POST", path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body
    assert _live(emulator).goal_tasks.of(goal_id) == []


async def test_a_goal_task_for_an_unknown_assignee_is_a_404(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A goal task assigned to no user of the tenant is 404 USER_NOT_FOUND."""
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    body = _task_body(emulator, assignee={"id": patient_id})
    answer = await api.call("POST", f"{_goals_path(patient_id)}/{goal_id}/tasks", json_body=body)
    assert (answer.status, answer.error["errorCode"]) == (404, "USER_NOT_FOUND")


async def test_a_goal_task_row_is_stored_with_its_goal_id(
    api: Api, emulator: WelkinEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row a goal task is stored as already carries goalId when the tasks table takes it
    (nothing is set on the stored row afterwards)."""
    stored: list[dict[str, object]] = []
    put = Table.put

    def spy(table: Table, row_id: str, row: dict[str, object], stamp: int) -> None:
        stored.append(dict(row))
        put(table, row_id, row, stamp)

    monkeypatch.setattr(Table, "put", spy)
    patient_id = _with_goals(emulator)
    goal_id = _live(emulator).goals_of.of(patient_id)[0]
    path = f"{_goals_path(patient_id)}/{goal_id}/tasks"
    answer = await api.call("POST", path, json_body=_task_body(emulator))
    assert answer.status == 201
    assert [row.get("goalId") for row in stored if row["id"] == answer.body["id"]] == [goal_id]


async def test_a_goals_tasks_need_the_tasks_permission(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """A role with care plans but no tasks permission is refused listing and adding a goal's
    tasks (403, audited as a refusal on tasks), and no task is made."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_id = live.goals_of.of(patient_id)[0]
    give_policy(emulator, "analyst", {"resources": {"care-plans": "crud"}})
    analyst = await api_for(role="analyst")
    path = f"{_goals_path(patient_id)}/{goal_id}/tasks"
    tasks_before = len(live.tasks)
    for method, body in (("GET", None), ("POST", _task_body(emulator))):
        answer = await analyst.call(method, path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (
            403,
            "ACCESS_FOR_API_CLIENT_RESTRICTED",
        ), method
        refusal = emulator.tenant().security_audit.entries[-1]["record"]
        assert (refusal["resource"], refusal["action"]) == (
            "tasks",
            "read" if method == "GET" else "create",
        )
    assert (len(live.tasks), live.goal_tasks.of(goal_id)) == (tasks_before, [])
    readable = await analyst.call("GET", f"{_goals_path(patient_id)}/{goal_id}")
    assert readable.status == 200


async def test_deleting_a_patient_drops_their_goals(api: Api, emulator: WelkinEmulator) -> None:
    """Deleting a patient drops their goals, the goals' comments and the index of the goals'
    tasks (the tasks stay, without the patient)."""
    patient_id = _with_goals(emulator)
    live = _live(emulator)
    goal_ids = list(live.goals_of.of(patient_id))
    path = f"{_goals_path(patient_id)}/{goal_ids[0]}"
    task = (await api.call("POST", f"{path}/tasks", json_body=_task_body(emulator))).body
    await api.call("POST", f"{path}/comments", json_body={"text": "Walked."})
    assert (await api.call("DELETE", f"patients/{patient_id}")).status == 204
    assert live.goals_of.of(patient_id) == []
    assert not any(goal_id in live.goals for goal_id in goal_ids)
    assert not any(goal_id in live.goal_comments for goal_id in goal_ids)
    assert all(live.goal_tasks.of(goal_id) == [] for goal_id in goal_ids)
    kept = live.tasks.rows[task["id"]]
    assert (kept["patient"], kept["goalId"]) == (None, None)
