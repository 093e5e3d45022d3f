"""``client.tasks`` against the emulator: create, get, update, the bulk status change, the list
(its pages and each filter), watchers and comments, the TASK export, and the refusals (403, 404,
400, and the caller's mistakes caught before sending)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, a_patient, acme_live
from tests.hostile._server import hostile_server, json_answer
from welkin_async import WelkinClient
from welkin_async.errors import BadRequest, DecodeError, NotFound, PermissionDenied
from welkin_async.models import (
    Task,
    TaskCommentCreate,
    TaskCreate,
    TaskPerson,
    TaskPriority,
    TaskRef,
    TaskStatus,
)
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._tasks import SEED_TASKS

pytestmark = pytest.mark.welkin_emulator(patients=6, tenants=["acme"])

UNKNOWN = "00000000-0000-4000-8000-000000000000"
DUE = datetime(2031, 5, 20, 9, 30, tzinfo=timezone(timedelta(hours=2)))


def _user(emulator: WelkinEmulator, index: int = 1) -> str:
    user_id: str = emulator.tenant("acme").users[index]["id"]
    return user_id


def _row(emulator: WelkinEmulator, task_id: UUID | str) -> dict[str, Any]:
    row: dict[str, Any] = acme_live(emulator).tasks.rows[str(task_id)]
    return row


def _ids(tasks: list[Task]) -> list[str]:
    return [str(task.id) for task in tasks]


async def _create(client: WelkinClient, emulator: WelkinEmulator) -> Task:
    return await client.tasks.create(
        name="Review patient",
        status="TODO",
        priority=TaskPriority.URGENT,
        assignee={"id": _user(emulator)},
        watchers=[TaskRef(id=UUID(_user(emulator)))],
        patient=TaskRef(id=UUID(a_patient(emulator))),
        due_date=DUE,
        comments=[TaskCommentCreate(text="Lorem ipsum")],
    )


# --- create, get ---------------------------------------------------------------------------------


async def test_create_from_fields_returns_the_stored_task(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() with keyword fields (plain strings, mappings or models) stores the task and
    returns it with its people named, the due date in UTC."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
    row = _row(welkin_emulator, made.id)
    assert made.name == row["name"] == "Review patient"
    assert (made.status, made.priority) == (TaskStatus.TODO, TaskPriority.URGENT)
    assert isinstance(made.assignee, TaskPerson)
    assert str(made.assignee.id) == _user(welkin_emulator)
    assert made.assignee.name == row["assignee"]["name"]
    assert isinstance(made.patient, TaskPerson)
    assert str(made.patient.id) == a_patient(welkin_emulator)
    assert made.due_date == DUE
    assert isinstance(made.comments, list)
    assert [c.text for c in made.comments] == ["Lorem ipsum"]
    assert row["dueDate"] == "2031-05-20T07:30:00.000Z"


async def test_create_from_a_model_or_a_mapping(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() takes a TaskCreate or a mapping of wire names as well."""
    user = _user(welkin_emulator)
    model = TaskCreate(
        name="Call back",
        status=TaskStatus.IN_PROGRESS,
        priority=TaskPriority.LOW,
        assignee=TaskRef(id=UUID(user)),
    )
    wire = {"name": "Call back", "status": "TODO", "priority": "LOW", "assignee": {"id": user}}
    async with connect() as client:
        made = [await client.tasks.create(model), await client.tasks.create(wire)]
    assert [_row(welkin_emulator, task.id)["status"] for task in made] == ["IN_PROGRESS", "TODO"]


async def test_get_returns_the_stored_task(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() returns the task with its watchers and comments as stored."""
    task_id = acme_live(welkin_emulator).tasks.ids()[0]
    async with connect() as client:
        task = await client.tasks.get(task_id)
    row = _row(welkin_emulator, task_id)
    assert str(task.id) == task_id
    assert isinstance(task.watchers, list)
    assert [str(w.id) for w in task.watchers] == [w["id"] for w in row["watchers"]]
    assert isinstance(task.updated_at, datetime)
    assert task.updated_at.tzinfo is not None


# --- changes -------------------------------------------------------------------------------------


async def test_update_changes_only_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update() sends only the given fields; None clears the patient and the due date."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        changed = await client.tasks.update(
            made.id, status="IN_PROGRESS", patient=None, due_date=None
        )
    row = _row(welkin_emulator, made.id)
    assert (row["status"], row["patient"], row["dueDate"]) == ("IN_PROGRESS", None, None)
    assert changed.status is TaskStatus.IN_PROGRESS
    assert changed.patient is None
    assert changed.name == made.name
    assert row["priority"] == "URGENT"


async def test_update_status_sets_every_task_named(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update_status() sets one status on several tasks and returns them."""
    ids = acme_live(welkin_emulator).tasks.ids()[10:14]
    async with connect() as client:
        tasks = await client.tasks.update_status(ids, TaskStatus.CANCELED)
    assert _ids(tasks) == ids
    assert {task.status for task in tasks} == {TaskStatus.CANCELED}
    assert {_row(welkin_emulator, i)["status"] for i in ids} == {"CANCELED"}


async def test_watchers_are_added_and_removed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """add_watcher() and remove_watcher() change the task's watchers and return the task."""
    other = _user(welkin_emulator, 3)
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        added = await client.tasks.add_watcher(made.id, other)
        assert other in {w["id"] for w in _row(welkin_emulator, made.id)["watchers"]}
        removed = await client.tasks.remove_watcher(made.id, UUID(other))
    assert isinstance(added.watchers, list)
    assert isinstance(removed.watchers, list)
    assert [str(w.id) for w in added.watchers] == [_user(welkin_emulator), other]
    assert [str(w.id) for w in removed.watchers] == [_user(welkin_emulator)]
    assert [w["id"] for w in _row(welkin_emulator, made.id)["watchers"]] == [_user(welkin_emulator)]


async def test_comments_are_added_and_deleted(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """add_comment() appends a comment; delete_comment() removes one by id."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        added = await client.tasks.add_comment(made.id, "Called, no answer")
        assert isinstance(added.comments, list)
        first = added.comments[0].id
        deleted = await client.tasks.delete_comment(made.id, first)
    assert [c.text for c in added.comments] == ["Lorem ipsum", "Called, no answer"]
    assert isinstance(deleted.comments, list)
    assert [c.text for c in deleted.comments] == ["Called, no answer"]
    assert [c["text"] for c in _row(welkin_emulator, made.id)["comments"]] == ["Called, no answer"]


# --- the list ------------------------------------------------------------------------------------


async def test_list_pages_through_every_task(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list() follows the metaInfo pages to the end: every task once, in the server's order."""
    async with connect() as client:
        pages = [page async for page in client.tasks.list(size=50).pages()]
    assert len(pages) == -(-SEED_TASKS // 50)
    assert [str(t.id) for page in pages for t in page.items] == acme_live(
        welkin_emulator
    ).tasks.ids()


def _kept(emulator: WelkinEmulator, test: Any) -> list[str]:
    live = acme_live(emulator)
    return [task_id for task_id in live.tasks.ids() if test(live.tasks.rows[task_id])]


def _watched(row: dict[str, Any], user: str) -> bool:
    return user in {w["id"] for w in row["watchers"]}


async def test_each_filter_is_sent_and_applied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Each list() filter keeps exactly the tasks the emulator's state says it should."""
    user = _user(welkin_emulator)
    patient = next(
        row["patient"]["id"]
        for row in acme_live(welkin_emulator).tasks.rows.values()
        if row["patient"]
    )
    due = acme_live(welkin_emulator).tasks.rows[acme_live(welkin_emulator).tasks.ids()[0]][
        "dueDate"
    ]
    day, instant = date.fromisoformat(due[:10]), datetime.fromisoformat(due)
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"assignee_id": user}, lambda r: r["assignee"]["id"] == user),
        ({"author_id": UUID(user)}, lambda r: r["author"]["id"] == user),
        ({"watcher_id": user}, lambda r: _watched(r, user)),
        ({"patient_id": patient}, lambda r: r["patient"] and r["patient"]["id"] == patient),
        (
            {"related_user_id": user},
            lambda r: r["assignee"]["id"] == user or _watched(r, user),
        ),
        ({"status": [TaskStatus.TODO, "CANCELED"]}, lambda r: r["status"] in {"TODO", "CANCELED"}),
        ({"priority": "HIGH"}, lambda r: r["priority"] == "HIGH"),
        ({"due_on": day}, lambda r: r["dueDate"][:10] == due[:10]),
        ({"due_before": instant}, lambda r: r["dueDate"] <= due),
        ({"description": "overnight"}, lambda r: "overnight" in (r["description"] or "")),
        ({"search": "Follow"}, lambda r: "follow" in f"{r['name']} {r['description']}".lower()),
    ]
    async with connect() as client:
        for filters, test in cases:
            expected = _kept(welkin_emulator, test)
            assert 0 < len(expected) < SEED_TASKS, filters
            assert _ids([t async for t in client.tasks.list(**filters)]) == expected, filters


@pytest.mark.parametrize(
    ("filters", "error"),
    [
        ({"assignee_id": "someone"}, ValueError),
        ({"watcher_id": 42}, TypeError),
        ({"status": []}, ValueError),
        ({"priority": ["HIGH", ""]}, ValueError),
        ({"due_on": datetime(2025, 1, 7, tzinfo=UTC)}, TypeError),
        ({"due_before": datetime(2025, 1, 10)}, ValueError),
        ({"status": "TODO,DONE"}, ValueError),
        ({"status": [TaskStatus.TODO, None]}, TypeError),
    ],
)
async def test_malformed_filters_are_refused_before_sending(
    connect: Connect, filters: dict[str, Any], error: type[Exception]
) -> None:
    """A filter that is no id, no value, a date-time for a day or a naive date-time is refused
    at once."""
    async with connect() as client:
        with pytest.raises(error):
            client.tasks.list(**filters)


async def test_unknown_status_filter_is_bad_request(connect: Connect) -> None:
    """A status the server does not know is sent as given and refused with BadRequest."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            [t async for t in client.tasks.list(status="DONE")]
    assert caught.value.details == {"parameter": "status"}


# --- the export ----------------------------------------------------------------------------------


async def test_task_export_yields_every_task_as_task(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """exports.stream("TASK") yields every stored task once, as Task, the latest change last."""
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        tasks = [task async for task in client.exports.stream("TASK", page_size=64)]
    assert all(isinstance(task, Task) for task in tasks)
    assert sorted(_ids(tasks)) == sorted(acme_live(welkin_emulator).tasks.ids())
    assert tasks[-1].id == made.id


# --- refusals ------------------------------------------------------------------------------------


async def test_role_without_tasks_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A role without the tasks permission is refused reads and writes."""
    task_id = acme_live(welkin_emulator).tasks.ids()[0]
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied):
            await client.tasks.get(task_id)
        with pytest.raises(PermissionDenied):
            await client.tasks.add_comment(task_id, "hello")


_MISSING: list[tuple[Any, str]] = [
    (lambda tasks, task_id: tasks.get(UNKNOWN), "TASK_NOT_FOUND"),
    (lambda tasks, task_id: tasks.update(UNKNOWN, name="x"), "TASK_NOT_FOUND"),
    (lambda tasks, task_id: tasks.update_status([task_id, UNKNOWN], "TODO"), "TASK_NOT_FOUND"),
    (lambda tasks, task_id: tasks.add_watcher(UNKNOWN, task_id), "TASK_NOT_FOUND"),
    (lambda tasks, task_id: tasks.remove_watcher(task_id, UNKNOWN), "TASK_WATCHER_NOT_FOUND"),
    (lambda tasks, task_id: tasks.add_comment(UNKNOWN, "hi"), "TASK_NOT_FOUND"),
    (lambda tasks, task_id: tasks.delete_comment(task_id, UNKNOWN), "TASK_COMMENT_NOT_FOUND"),
]


@pytest.mark.parametrize(("call", "code"), _MISSING)
async def test_unknown_ids_are_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect, call: Any, code: str
) -> None:
    """An unknown task, a user who does not watch, or an unknown comment is NotFound with the
    error code that says which, and the task is left as it was."""
    task_id = acme_live(welkin_emulator).tasks.ids()[0]
    before = dict(_row(welkin_emulator, task_id))
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await call(client.tasks, task_id)
    assert caught.value.error_code == code
    assert _row(welkin_emulator, task_id) == before


async def test_assignee_who_is_no_user_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A task assigned to someone who is no user is NotFound (USER_NOT_FOUND); none is stored."""
    before = len(acme_live(welkin_emulator).tasks)
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.tasks.create(
                name="x", status="TODO", priority="LOW", assignee={"id": UNKNOWN}
            )
    assert caught.value.error_code == "USER_NOT_FOUND"
    assert len(acme_live(welkin_emulator).tasks) == before


async def test_value_outside_an_enum_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A status or priority the API does not know is BadRequest naming the field."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.tasks.create(
                name="x", status="DONE", priority="LOW", assignee={"id": _user(welkin_emulator)}
            )
        with pytest.raises(BadRequest):
            await client.tasks.add_comment(acme_live(welkin_emulator).tasks.ids()[0], "")
    assert caught.value.details["path"] == "$.status"


async def test_caller_mistakes_are_refused_before_sending(connect: Connect) -> None:
    """A missing required field, an update without fields, a naive due date or no task ids is
    a TypeError or ValueError, and nothing is sent."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.tasks.create(name="x", status="TODO", priority="LOW")  # type: ignore[call-overload]
        with pytest.raises(TypeError):
            await client.tasks.update(UNKNOWN)
        with pytest.raises(ValueError, match="needs a time zone"):
            await client.tasks.update(UNKNOWN, due_date=datetime(2031, 1, 1))
        with pytest.raises(ValueError, match="at least one task"):
            await client.tasks.update_status([], "TODO")
        with pytest.raises(TypeError):
            await client.tasks.update_status(UNKNOWN, "TODO")
        with pytest.raises(TypeError):
            await client.tasks.add_comment(UNKNOWN, None)  # type: ignore[arg-type]
        assert client.stats.requests == 0


# --- the answers and checks the second reading asked for -----------------------------------------

_TASK_ID = "5a5a5a5a-0000-4000-8000-000000000001"
_COMMENT_ID = "5a5a5a5a-0000-4000-8000-000000000002"
_DELETE_COMMENT = f"tasks/{_TASK_ID}/comments/{_COMMENT_ID}"
_ANSWERED_TASK = {"id": _TASK_ID, "name": "Call back", "comments": []}


async def test_delete_comment_takes_the_documented_one_task_array() -> None:
    """delete_comment() decodes the vendor's answer, an array holding the task, as that task."""
    async with hostile_server() as server:
        server.answer("DELETE", _DELETE_COMMENT, lambda: json_answer([_ANSWERED_TASK]))
        async with server.client() as client:
            task = await client.tasks.delete_comment(_TASK_ID, _COMMENT_ID)
    assert (str(task.id), task.name, task.comments) == (_TASK_ID, "Call back", [])
    assert len(server.requests("DELETE", _DELETE_COMMENT)) == 1


@pytest.mark.parametrize("answer", [[], [_ANSWERED_TASK, _ANSWERED_TASK]], ids=["empty", "two"])
async def test_delete_comment_refuses_an_array_of_other_than_one_task(answer: Any) -> None:
    """An array answer to delete_comment() holding no task, or more than one, is DecodeError."""
    async with hostile_server() as server:
        server.answer("DELETE", _DELETE_COMMENT, lambda: json_answer(answer))
        async with server.client() as client:
            with pytest.raises(DecodeError) as raised:
                await client.tasks.delete_comment(_TASK_ID, _COMMENT_ID)
    assert raised.value.path == "$"
    assert f"an array of {len(answer)} tasks" in str(raised.value)


async def test_remove_watcher_sends_the_user_id_as_a_uuid(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """remove_watcher() reads user_id as a UUID, as add_watcher() does: an upper-case spelling
    removes the watcher."""
    user = _user(welkin_emulator)
    async with connect() as client:
        made = await _create(client, welkin_emulator)
        removed = await client.tasks.remove_watcher(made.id, user.upper())
    assert removed.watchers == []
    assert _row(welkin_emulator, made.id)["watchers"] == []


@pytest.mark.parametrize(("user_id", "error"), [("not-a-uuid", ValueError), (42, TypeError)])
async def test_remove_watcher_refuses_a_user_id_that_is_no_uuid(
    connect: Connect, user_id: Any, error: type[Exception]
) -> None:
    """remove_watcher() with a user_id that is no UUID raises naming it, and sends nothing."""
    async with connect() as client:
        with pytest.raises(error, match="user_id"):
            await client.tasks.remove_watcher(UNKNOWN, user_id)
        assert client.stats.requests == 0


async def test_a_due_before_with_no_utc_form_is_a_value_error(connect: Connect) -> None:
    """A due_before too early to have a UTC form is a ValueError naming due_before, not an
    OverflowError."""
    early = datetime.min.replace(tzinfo=timezone(timedelta(hours=5)))
    async with connect() as client:
        with pytest.raises(ValueError, match="due_before"):
            client.tasks.list(due_before=early)
        assert client.stats.requests == 0


_NO_TASKS = {
    "data": [],
    "metaInfo": {
        "page": 0,
        "pageSize": 100,
        "totalElements": 0,
        "numberOfElements": 0,
        "firstPage": True,
        "lastPage": True,
        "totalPages": 0,
    },
}


async def test_due_before_is_sent_in_utc_to_the_millisecond() -> None:
    """due_before goes out as the UTC instant, to the millisecond (``...Z``)."""
    moment = datetime(2031, 5, 20, 11, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    async with hostile_server() as server:
        server.answer("GET", "tasks", lambda: json_answer(_NO_TASKS))
        async with server.client() as client:
            listed = [task async for task in client.tasks.list(due_before=moment)]
    assert listed == []
    assert [seen.query["dueBefore"] for seen in server.requests("GET", "tasks")] == [
        "2031-05-20T09:30:00.123Z"
    ]


async def test_update_status_with_a_status_the_server_does_not_know_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update_status() sends a status the SDK does not know as given; the server refuses it
    (BadRequest) and no task changes."""
    task_id = acme_live(welkin_emulator).tasks.ids()[0]
    before = _row(welkin_emulator, task_id)["status"]
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.tasks.update_status([task_id], "FOO")
        with pytest.raises(TypeError, match="status"):
            await client.tasks.update_status([task_id], 3)  # type: ignore[arg-type]
    assert _row(welkin_emulator, task_id)["status"] == before
