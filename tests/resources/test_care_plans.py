"""``client.care_plan(patient_id)`` against the emulator: the plan, writing and replacing its
overview, its goals with their comments and tasks, and the refusals of a role without care
plans, a missing patient or goal and a bad body."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async import UNSET
from welkin_async.errors import BadRequest, NotFound, PermissionDenied
from welkin_async.models import (
    CarePlan,
    CarePlanOverview,
    Goal,
    GoalComment,
    GoalDetails,
    GoalPriority,
    GoalStatus,
    Task,
    TaskCreate,
    TaskPerson,
    TaskPriority,
    TaskRef,
    TaskStatus,
)
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._care_plans import GOAL_SEED_EVERY, SEED_EVERY

# Seeded patient 2 has an overview (every SEED_EVERY-th from the third); 0 and 1 have none.
# Seeded patients 1 and 5 have goals (every GOAL_SEED_EVERY-th from the second).
pytestmark = pytest.mark.welkin_emulator(patients=SEED_EVERY, tenants=["acme"])


def _patient(emulator: WelkinEmulator, *, with_overview: bool) -> str:
    live = acme_live(emulator)
    return next(pid for pid in live.patients.ids() if (pid in live.care_plans) is with_overview)


async def test_get_a_plan_without_an_overview(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() of a patient whose overview was never written is their plan with no overview."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        plan = await client.care_plan(patient_id).get()
    assert isinstance(plan, CarePlan)
    assert (str(plan.patient_id), plan.patient_overview) == (patient_id, None)


async def test_get_a_plan_with_its_overview(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() of a patient with an overview returns it as stored."""
    patient_id = _patient(welkin_emulator, with_overview=True)
    stored = acme_live(welkin_emulator).care_plans[patient_id]
    async with connect() as client:
        plan = await client.care_plan(patient_id).get()
    assert isinstance(plan.patient_overview, CarePlanOverview)
    assert plan.patient_overview.overview == stored["patientOverview"]["overview"]
    assert str(plan.id) == stored["id"]


async def test_create_overview_writes_it(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """create_overview(text) stores the text and returns the overview, which get() then shows."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        written = await client.care_plan(patient_id).create_overview("Walks daily.")
        plan = await client.care_plan(patient_id).get()
    assert written.overview == "Walks daily."
    assert isinstance(plan.patient_overview, CarePlanOverview)
    assert plan.patient_overview.overview == "Walks daily."
    stored = acme_live(welkin_emulator).care_plans[patient_id]["patientOverview"]
    assert stored["overview"] == "Walks daily."


async def test_create_overview_again_replaces_it_and_keeps_when_it_was_first_written(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A second create_overview() replaces the text; created_at stays the first write's."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        first = await client.care_plan(patient_id).create_overview("First.")
        second = await client.care_plan(patient_id).create_overview("Second.")
    assert second.overview == "Second."
    assert second.created_at == first.created_at


async def test_replace_overview_changes_an_existing_one(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_overview(text) on a plan with an overview stores and returns the new text."""
    patient_id = _patient(welkin_emulator, with_overview=True)
    async with connect() as client:
        replaced = await client.care_plan(patient_id).replace_overview("Replaced.")
    assert replaced.overview == "Replaced."
    stored = acme_live(welkin_emulator).care_plans[patient_id]["patientOverview"]
    assert stored["overview"] == "Replaced."


async def test_replace_overview_before_any_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_overview() on a plan without an overview raises NotFound and stores nothing."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(patient_id).replace_overview("Too soon.")
    assert raised.value.error_code == "CARE_PLAN_OVERVIEW_NOT_FOUND"
    assert patient_id not in acme_live(welkin_emulator).care_plans


# --- refusals ------------------------------------------------------------------------------------


async def test_a_role_without_care_plans_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst role, whose policy does not name care plans, gets PermissionDenied."""
    patient_id = _patient(welkin_emulator, with_overview=True)
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied) as raised:
            await client.care_plan(patient_id).get()
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"


async def test_the_plan_of_a_missing_patient_is_not_found(connect: Connect) -> None:
    """get() for a patient id nobody has raises NotFound with PATIENT_NOT_FOUND, id unshown."""
    missing = str(UUID(int=0xCA2E))
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(missing).get()
    assert raised.value.error_code == "PATIENT_NOT_FOUND"
    assert missing not in str(raised.value)


async def test_an_overview_too_long_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An overview over 65,535 characters raises BadRequest and leaves the plan as it was."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.care_plan(patient_id).create_overview("x" * 65_536)
    assert raised.value.error_code == "INVALID_REQUEST_BODY"
    assert patient_id not in acme_live(welkin_emulator).care_plans


async def test_an_overview_that_is_not_text_is_refused_before_sending(connect: Connect) -> None:
    """create_overview() of a value that is not a str raises TypeError without a request."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.care_plan("any-patient").create_overview(42)  # type: ignore[arg-type]
        assert client.stats.requests == 0


# --- goals ---------------------------------------------------------------------------------------


def _goal_owner(emulator: WelkinEmulator) -> tuple[str, str]:
    """A seeded patient with goals, and the first of them (which has comments)."""
    live = acme_live(emulator)
    patient_id = next(
        pid
        for pid in live.patients.ids()[1::GOAL_SEED_EVERY]
        if live.goal_comments.get(live.goals_of.of(pid)[0])
    )
    return patient_id, live.goals_of.of(patient_id)[0]


def _no_goals(emulator: WelkinEmulator) -> str:
    live = acme_live(emulator)
    return next(pid for pid in live.patients.ids() if not live.goals_of.of(pid))


def _assignee(emulator: WelkinEmulator) -> str:
    user_id: str = emulator.tenant("acme").users[0]["id"]
    return user_id


async def test_list_goals_yields_the_plans_goals(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.list() yields every goal of the plan as a Goal, oldest first."""
    patient_id, _ = _goal_owner(welkin_emulator)
    async with connect() as client:
        goals = [goal async for goal in client.care_plan(patient_id).goals.list(size=1)]
    assert all(isinstance(goal, Goal) for goal in goals)
    assert [str(goal.id) for goal in goals] == acme_live(welkin_emulator).goals_of.of(patient_id)


async def test_list_goals_of_one_status(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """goals.list(status=...) yields only the goals of that status."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    async with connect() as client:
        goals = client.care_plan(patient_id).goals
        await goals.update(goal_id, status=GoalStatus.COMPLETED)
        done = [str(goal.id) async for goal in goals.list(status=GoalStatus.COMPLETED)]
        active = [str(goal.id) async for goal in goals.list(status="ACTIVE")]
    assert done == [goal_id]
    assert goal_id not in active


async def test_get_goal_returns_it_with_its_comments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.get(id) returns GoalDetails: the goal as stored, its comments, no tasks yet."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    live = acme_live(welkin_emulator)
    async with connect() as client:
        details = await client.care_plan(patient_id).goals.get(goal_id)
    assert isinstance(details, GoalDetails)
    assert (str(details.details.id), details.details.name) == (
        goal_id,
        live.goals.rows[goal_id]["name"],
    )
    assert [c.text for c in details.comments] == [c["text"] for c in live.goal_comments[goal_id]]
    assert details.tasks == []


async def test_create_goal_from_a_template(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.create(template) returns an ACTIVE goal made from the template, and stores it."""
    patient_id = _no_goals(welkin_emulator)
    async with connect() as client:
        goal = await client.care_plan(patient_id).goals.create("walk-daily")
    assert isinstance(goal, Goal)
    assert (goal.template_name, goal.name, goal.priority, goal.status) == (
        "walk-daily",
        "Walk Every Day",
        GoalPriority.MEDIUM,
        GoalStatus.ACTIVE,
    )
    assert acme_live(welkin_emulator).goals_of.of(patient_id) == [str(goal.id)]


async def test_update_goal_changes_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.update(id, ...) sends only the given fields and returns the goal as stored."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    live = acme_live(welkin_emulator)
    before = dict(live.goals.rows[goal_id])
    async with connect() as client:
        goal = await client.care_plan(patient_id).goals.update(
            goal_id, name="Fruit at breakfast", priority="HIGH"
        )
    assert (goal.name, goal.priority, goal.status) == (
        "Fruit at breakfast",
        GoalPriority.HIGH,
        GoalStatus.ACTIVE,
    )
    stored = live.goals.rows[goal_id]
    assert (stored["name"], stored["priority"]) == ("Fruit at breakfast", "HIGH")
    assert stored["status"] == before["status"]


async def test_goal_comments_lists_them(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """goals.comments(id) returns the goal's comments as GoalComment, oldest first."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    async with connect() as client:
        comments = await client.care_plan(patient_id).goals.comments(goal_id)
    assert all(isinstance(comment, GoalComment) for comment in comments)
    stored = acme_live(welkin_emulator).goal_comments[goal_id]
    assert [str(comment.id) for comment in comments] == [comment["id"] for comment in stored]


async def test_add_goal_comment_stores_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.add_comment(id, text) returns the comment, which the goal then lists last."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    async with connect() as client:
        goals = client.care_plan(patient_id).goals
        added = await goals.add_comment(goal_id, "Ate an apple daily.")
        listed = await goals.comments(goal_id)
    assert added.text == "Ate an apple daily."
    assert listed[-1].id == added.id
    assert acme_live(welkin_emulator).goal_comments[goal_id][-1]["text"] == "Ate an apple daily."


async def test_add_goal_task_makes_a_task_about_the_goals_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.add_task(id, **fields) returns the Task, about the goal's patient, stored among the
    tasks and filed under the goal."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    live = acme_live(welkin_emulator)
    async with connect() as client:
        task = await client.care_plan(patient_id).goals.add_task(
            goal_id,
            name="Check in on fruit",
            status=TaskStatus.TODO,
            priority="MEDIUM",
            assignee={"id": _assignee(welkin_emulator)},
        )
    assert isinstance(task, Task)
    assert isinstance(task.patient, TaskPerson)
    assert (task.name, str(task.patient.id)) == ("Check in on fruit", patient_id)
    assert live.tasks.rows[str(task.id)]["name"] == "Check in on fruit"
    assert live.goal_tasks.of(goal_id) == [str(task.id)]


async def test_a_goal_task_names_its_goal(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A task added to a goal carries the goal's id (``goalId``) when added and when read
    through client.tasks; a task made through client.tasks has none."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    fields: dict[str, Any] = {
        "name": "Walk",
        "status": "TODO",
        "priority": "LOW",
        "assignee": {"id": _assignee(welkin_emulator)},
    }
    async with connect() as client:
        added = await client.care_plan(patient_id).goals.add_task(goal_id, **fields)
        read = await client.tasks.get(added.id)
        other = await client.tasks.create(**fields)
    assert (str(added.goal_id), str(read.goal_id)) == (goal_id, goal_id)
    assert other.goal_id is UNSET


async def test_add_goal_task_takes_a_model(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.add_task(id, TaskCreate(...)) sends the model as the body."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    body = TaskCreate(
        name="Review",
        status=TaskStatus.TODO,
        priority=TaskPriority.LOW,
        assignee=TaskRef(id=UUID(_assignee(welkin_emulator))),
    )
    async with connect() as client:
        task = await client.care_plan(patient_id).goals.add_task(goal_id, body)
    assert acme_live(welkin_emulator).goal_tasks.of(goal_id) == [str(task.id)]


async def test_goal_tasks_show_changes_made_through_client_tasks(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goals.tasks(id) and goals.get(id) list the goal's tasks as client.tasks left them."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    async with connect() as client:
        goals = client.care_plan(patient_id).goals
        task = await goals.add_task(
            goal_id,
            name="Check in",
            status="TODO",
            priority="LOW",
            assignee={"id": _assignee(welkin_emulator)},
        )
        await client.tasks.update(task.id, status=TaskStatus.COMPLETED)
        tasks = await goals.tasks(goal_id)
        details = await goals.get(goal_id)
    assert [(t.id, t.status) for t in tasks] == [(task.id, TaskStatus.COMPLETED)]
    assert [(t.id, t.status) for t in details.tasks] == [(task.id, TaskStatus.COMPLETED)]


# --- goal refusals -------------------------------------------------------------------------------


async def test_a_role_without_care_plans_may_not_list_goals(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator, whose policy does not name care plans, gets PermissionDenied."""
    patient_id, _ = _goal_owner(welkin_emulator)
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as raised:
            [goal async for goal in client.care_plan(patient_id).goals.list()]
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"


async def test_a_role_without_care_plans_may_not_add_goal_tasks(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst is refused a goal task (PermissionDenied), and no task is made."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    live = acme_live(welkin_emulator)
    before = len(live.tasks)
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied):
            await client.care_plan(patient_id).goals.add_task(
                goal_id,
                name="x",
                status="TODO",
                priority="LOW",
                assignee={"id": _assignee(welkin_emulator)},
            )
    assert (len(live.tasks), live.goal_tasks.of(goal_id)) == (before, [])


async def test_an_unknown_goal_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() of a goal id the patient does not have raises NotFound GOAL_NOT_FOUND."""
    patient_id, _ = _goal_owner(welkin_emulator)
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(patient_id).goals.get(UUID(int=0x60A1))
    assert raised.value.error_code == "GOAL_NOT_FOUND"


async def test_the_goals_of_a_missing_patient_are_not_found(connect: Connect) -> None:
    """add_comment() under a patient id nobody has raises NotFound PATIENT_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(UUID(int=0xCA2E)).goals.add_comment(UUID(int=1), "Hello.")
    assert raised.value.error_code == "PATIENT_NOT_FOUND"


async def test_an_unknown_goal_template_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() from a template the formation lacks raises BadRequest and makes no goal."""
    patient_id = _no_goals(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.care_plan(patient_id).goals.create("pushups")
    assert raised.value.error_code == "GOAL_TEMPLATE_NOT_FOUND"
    assert acme_live(welkin_emulator).goals_of.of(patient_id) == []


async def test_a_goal_status_the_server_does_not_know_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(status=...) of a status no goal has raises BadRequest; the goal is unchanged."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    before = dict(acme_live(welkin_emulator).goals.rows[goal_id])
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.care_plan(patient_id).goals.update(goal_id, status="DONE")
    assert raised.value.error_code == "INVALID_REQUEST_BODY"
    assert acme_live(welkin_emulator).goals.rows[goal_id] == before


async def test_a_goal_status_filter_the_server_does_not_know_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(status=...) of a status no goal has raises BadRequest when iteration starts."""
    patient_id, _ = _goal_owner(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            [goal async for goal in client.care_plan(patient_id).goals.list(status="DONE")]
    assert raised.value.error_code == "INVALID_PARAMETER"


async def test_a_goal_task_for_no_user_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """add_task() assigned to an id no user has raises NotFound USER_NOT_FOUND."""
    patient_id, goal_id = _goal_owner(welkin_emulator)
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(patient_id).goals.add_task(
                goal_id, name="x", status="TODO", priority="LOW", assignee={"id": patient_id}
            )
    assert raised.value.error_code == "USER_NOT_FOUND"


async def test_a_goal_template_that_is_not_text_is_refused_before_sending(
    connect: Connect,
) -> None:
    """create() of a template name that is not a str raises TypeError without a request."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.care_plan("any-patient").goals.create(7)  # type: ignore[arg-type]
        assert client.stats.requests == 0


async def test_a_goal_update_of_no_field_is_refused_before_sending(connect: Connect) -> None:
    """update() without a field raises TypeError without a request."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.care_plan("any-patient").goals.update("any-goal")
        assert client.stats.requests == 0


async def test_a_goal_comment_that_is_not_text_is_refused_before_sending(
    connect: Connect,
) -> None:
    """add_comment() of a text that is not a str raises TypeError without a request."""
    async with connect() as client:
        goals = client.care_plan("any-patient").goals
        with pytest.raises(TypeError):
            await goals.add_comment("any-goal", b"bytes")  # type: ignore[arg-type]
        assert client.stats.requests == 0


async def test_a_goal_task_missing_its_fields_is_refused_before_sending(
    connect: Connect,
) -> None:
    """add_task() without the task's required fields raises TypeError without a request."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.care_plan("any-patient").goals.add_task("any-goal", name="x")  # type: ignore[call-overload]
        assert client.stats.requests == 0
