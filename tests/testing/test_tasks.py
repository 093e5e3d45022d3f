"""Tasks in the emulator: the seed, the task shape, its checks (400 for a malformed body, 404 for
people naming no one), changes, watchers and comments, the list's filters and pages, the role
and field policies, and the TASK export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest

from tests.testing.conftest import Api, ApiFactory, give_policy, live_token
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._policy import Role
from welkin_async.testing._tasks import PATIENT_EVERY, SEED_TASKS
from welkin_async.testing._tenants import Environment

UNKNOWN = "00000000-0000-4000-8000-000000000000"
_KEYS = {
    "id",
    "createdAt",
    "updatedAt",
    "name",
    "description",
    "dueDate",
    "status",
    "priority",
    "patient",
    "assignee",
    "author",
    "watchers",
    "comments",
}


def _live(emulator: WelkinEmulator) -> Environment:
    return emulator.tenant("acme").environments["live"]


def _user(emulator: WelkinEmulator, index: int = 1) -> dict[str, Any]:
    user: dict[str, Any] = emulator.tenant("acme").users[index]
    return user


def _body(emulator: WelkinEmulator, **more: Any) -> dict[str, Any]:
    """The vendor's create body: a watched task about a patient, with a comment."""
    user = _user(emulator)["id"]
    return {
        "name": "Review patient",
        "description": "Review new patient profile",
        "dueDate": "2031-05-20T00:00:00+02:00",
        "status": "TODO",
        "priority": "URGENT",
        "assignee": {"id": user},
        "watchers": [{"id": user}],
        "patient": {"id": _live(emulator).patients.ids()[0]},
        "comments": [{"text": "Lorem ipsum"}],
        **more,
    }


async def _create(api: Api, emulator: WelkinEmulator, **more: Any) -> dict[str, Any]:
    answer = await api.call("POST", "tasks", json_body=_body(emulator, **more))
    assert answer.status == 201, answer.body
    task: dict[str, Any] = answer.body
    return task


# --- the seed ------------------------------------------------------------------------------------


def test_seed_assigns_tasks_to_the_tenants_users(emulator: WelkinEmulator) -> None:
    """Every environment is seeded with SEED_TASKS tasks, each assigned to and written by a user
    of the tenant, every PATIENT_EVERY-th about an existing patient."""
    live = _live(emulator)
    users = {user["id"] for user in emulator.tenant("acme").users}
    rows = [live.tasks.rows[task_id] for task_id in live.tasks.ids()]
    assert len(rows) == SEED_TASKS
    assert all(row["assignee"]["id"] in users and row["author"]["id"] in users for row in rows)
    about = [row["patient"]["id"] for row in rows if row["patient"] is not None]
    assert len(about) == -(-SEED_TASKS // PATIENT_EVERY)
    assert all(patient_id in live.patients for patient_id in about)


async def test_seed_repeats_with_the_seed() -> None:
    """The seed's tasks (ids, people, values) are identical run to run for one seed."""
    rows = []
    for _ in range(2):
        async with WelkinEmulator(seed=11, patients=3, tenants=["acme"]) as running:
            rows.append(_live(running).tasks.rows)
    assert rows[0] == rows[1]


# --- create, read --------------------------------------------------------------------------------


async def test_create_answers_201_with_the_task_its_people_named(
    api: Api, emulator: WelkinEmulator
) -> None:
    """POST tasks stores the task and answers it in the vendor's shape: people as {id, name},
    the API client as author, the due date in UTC."""
    task = await _create(api, emulator)
    user = _user(emulator)
    live = _live(emulator)
    patient = live.patients.rows[live.patients.ids()[0]]
    assert set(task) == _KEYS
    assert task["assignee"] == {"id": user["id"], "name": f"{user['firstName']} {user['lastName']}"}
    assert task["watchers"] == [task["assignee"]]
    assert task["patient"]["name"] == f"{patient['firstName']} {patient['lastName']}"
    assert task["author"]["id"] == emulator.credentials(role="admin").client_id
    assert task["dueDate"] == "2031-05-19T22:00:00.000Z"
    assert [c["text"] for c in task["comments"]] == ["Lorem ipsum"]
    assert live.tasks.rows[task["id"]] == task


async def test_get_answers_the_stored_task(api: Api, emulator: WelkinEmulator) -> None:
    """GET tasks/{id} answers the task as stored."""
    task_id = _live(emulator).tasks.ids()[0]
    answer = await api.call("GET", f"tasks/{task_id}")
    assert (answer.status, answer.body) == (200, _live(emulator).tasks.rows[task_id])


async def test_unknown_task_is_404(api: Api) -> None:
    """Any call on a task id that names no task is 404 TASK_NOT_FOUND."""
    for method, path in (
        ("GET", f"tasks/{UNKNOWN}"),
        ("DELETE", f"tasks/{UNKNOWN}/comments/{UNKNOWN}"),
    ):
        answer = await api.call(method, path)
        assert (answer.status, answer.error["errorCode"]) == (404, "TASK_NOT_FOUND")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"status": "DONE"}, "$.status"),
        ({"priority": "urgent"}, "$.priority"),
        ({"name": ""}, "$.name"),
        ({"dueDate": "2031-05-20"}, "$.dueDate"),
        ({"colour": "red"}, "$"),
    ],
)
async def test_malformed_create_body_is_400_naming_the_field(
    api: Api, emulator: WelkinEmulator, change: dict[str, Any], path: str
) -> None:
    """A value outside an enum, an empty name, a date-time without a time or an unknown field is
    400 INVALID_REQUEST_BODY naming where, and nothing is stored."""
    before = len(_live(emulator).tasks)
    answer = await api.call("POST", "tasks", json_body=_body(emulator, **change))
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY")
    assert answer.error["details"]["path"] == path
    assert len(_live(emulator).tasks) == before


@pytest.mark.parametrize("field", ["name", "status", "priority", "assignee"])
async def test_create_without_a_required_field_is_400(
    api: Api, emulator: WelkinEmulator, field: str
) -> None:
    """Name, status, priority and assignee are required to create a task."""
    body = _body(emulator)
    del body[field]
    answer = await api.call("POST", "tasks", json_body=body)
    assert answer.status == 400
    assert field in answer.error["details"]["reason"]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"assignee": {"id": UNKNOWN}}, "USER_NOT_FOUND", "assignee"),
        ({"watchers": [{"id": UNKNOWN}]}, "USER_NOT_FOUND", "watchers"),
        ({"patient": {"id": UNKNOWN}}, "PATIENT_NOT_FOUND", "patient"),
    ],
)
async def test_people_naming_no_one_are_404(
    api: Api, emulator: WelkinEmulator, change: dict[str, Any], code: str, field: str
) -> None:
    """An assignee or watcher that is no user, or a patient the environment lacks, is a 404
    naming the field, and nothing is stored."""
    before = len(_live(emulator).tasks)
    answer = await api.call("POST", "tasks", json_body=_body(emulator, **change))
    assert (answer.status, answer.error["errorCode"]) == (404, code)
    assert answer.error["details"] == {"field": field}
    assert len(_live(emulator).tasks) == before


# --- changes -------------------------------------------------------------------------------------


async def test_patch_changes_only_the_given_fields(api: Api, emulator: WelkinEmulator) -> None:
    """PATCH tasks/{id} changes the fields sent (null clears the patient), keeps the others and
    moves updatedAt."""
    task = await _create(api, emulator)
    other = _user(emulator, 2)
    change = {"priority": "LOW", "assignee": {"id": other["id"]}, "patient": None}
    answer = await api.call("PATCH", f"tasks/{task['id']}", json_body=change)
    assert answer.status == 200
    stored = _live(emulator).tasks.rows[task["id"]]
    assert answer.body == stored
    assert (stored["priority"], stored["assignee"]["id"], stored["patient"]) == (
        "LOW",
        other["id"],
        None,
    )
    assert stored["name"] == task["name"]
    assert stored["comments"] == task["comments"]
    assert stored["updatedAt"] > task["updatedAt"]


async def test_patch_may_not_null_a_required_field(api: Api, emulator: WelkinEmulator) -> None:
    """A PATCH that nulls the name or status is 400."""
    task = await _create(api, emulator)
    answer = await api.call("PATCH", f"tasks/{task['id']}", json_body={"status": None})
    assert (answer.status, answer.error["details"]["path"]) == (400, "$.status")


async def test_bulk_status_sets_every_task_named(api: Api, emulator: WelkinEmulator) -> None:
    """PATCH tasks sets the status of each task named and answers them in that order."""
    ids = _live(emulator).tasks.ids()[5:8][::-1]
    answer = await api.call(
        "PATCH", "tasks", json_body={"taskIds": [*ids, ids[0]], "status": "CANCELED"}
    )
    assert answer.status == 200
    assert [task["id"] for task in answer.body] == ids
    assert {_live(emulator).tasks.rows[i]["status"] for i in ids} == {"CANCELED"}


async def test_bulk_status_with_an_unknown_id_changes_nothing(
    api: Api, emulator: WelkinEmulator
) -> None:
    """One unknown id in a bulk status change is 404 TASK_NOT_FOUND, and no task changes."""
    known = _live(emulator).tasks.ids()[0]
    before = dict(_live(emulator).tasks.rows[known])
    answer = await api.call(
        "PATCH", "tasks", json_body={"taskIds": [known, UNKNOWN], "status": "COMPLETED"}
    )
    assert (answer.status, answer.error["errorCode"]) == (404, "TASK_NOT_FOUND")
    assert answer.error["details"] == {"taskId": UNKNOWN}
    assert _live(emulator).tasks.rows[known] == before


async def test_watchers_are_added_once_and_removed(api: Api, emulator: WelkinEmulator) -> None:
    """A watcher is added once (again: no change) and removed; removing a user who does not
    watch is 404 TASK_WATCHER_NOT_FOUND; adding one who is no user is 404 USER_NOT_FOUND."""
    task = await _create(api, emulator)
    path = f"tasks/{task['id']}/watchers"
    other = _user(emulator, 3)["id"]
    for _ in range(2):
        added = await api.call("PATCH", path, json_body={"id": other})
        assert [w["id"] for w in added.body["watchers"]] == [_user(emulator)["id"], other]
    removed = await api.call("DELETE", f"{path}/{other}")
    assert [w["id"] for w in removed.body["watchers"]] == [_user(emulator)["id"]]
    assert _live(emulator).tasks.rows[task["id"]] == removed.body
    again = await api.call("DELETE", f"{path}/{other}")
    assert (again.status, again.error["errorCode"]) == (404, "TASK_WATCHER_NOT_FOUND")
    nobody = await api.call("PATCH", path, json_body={"id": UNKNOWN})
    assert (nobody.status, nobody.error["errorCode"]) == (404, "USER_NOT_FOUND")


async def test_comments_are_added_last_and_deleted(api: Api, emulator: WelkinEmulator) -> None:
    """A comment is added last (by the API client) and deleted by id; an unknown comment is
    404 TASK_COMMENT_NOT_FOUND and an empty text 400."""
    task = await _create(api, emulator)
    path = f"tasks/{task['id']}/comments"
    added = (await api.call("PATCH", path, json_body={"text": "Second"})).body
    assert [c["text"] for c in added["comments"]] == ["Lorem ipsum", "Second"]
    assert added["comments"][-1]["author"] == task["author"]
    first = added["comments"][0]["id"]
    deleted = await api.call("DELETE", f"{path}/{first}")
    assert [c["text"] for c in deleted.body["comments"]] == ["Second"]
    assert _live(emulator).tasks.rows[task["id"]] == deleted.body
    gone = await api.call("DELETE", f"{path}/{first}")
    assert (gone.status, gone.error["errorCode"]) == (404, "TASK_COMMENT_NOT_FOUND")
    empty = await api.call("PATCH", path, json_body={"text": ""})
    assert empty.status == 400


async def test_ids_are_matched_in_any_case(api: Api, emulator: WelkinEmulator) -> None:
    """Upper-case ids in paths and bodies name the same task, watcher and comment as the stored
    lower-case ones."""
    task = await _create(api, emulator)
    path = f"tasks/{task['id'].upper()}"
    watcher = _user(emulator)["id"].upper()
    comment = task["comments"][0]["id"].upper()
    assert (await api.call("GET", path)).body["id"] == task["id"]
    unwatched = await api.call("DELETE", f"{path}/watchers/{watcher}")
    assert (unwatched.status, unwatched.body["watchers"]) == (200, [])
    uncommented = await api.call("DELETE", f"{path}/comments/{comment}")
    assert (uncommented.status, uncommented.body["comments"]) == (200, [])
    body = {"taskIds": [task["id"].upper()], "status": "COMPLETED"}
    bulk = await api.call("PATCH", "tasks", json_body=body)
    assert (bulk.status, [t["id"] for t in bulk.body]) == (200, [task["id"]])
    assert _live(emulator).tasks.rows[task["id"]]["status"] == "COMPLETED"


async def test_deleting_a_patient_keeps_their_tasks_without_them(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A deleted patient's tasks stay, with patient null and a new write stamp, so the TASK
    export serves the change and the patient filter finds none."""
    live = _live(emulator)
    patient_id = live.patients.ids()[0]
    about = [
        t for t in live.tasks.ids() if (live.tasks.rows[t]["patient"] or {}).get("id") == patient_id
    ]
    assert about
    before = {task_id: live.tasks.rows[task_id]["updatedAt"] for task_id in about}
    start = max(row["updatedAt"] for row in live.tasks.rows.values())
    assert (await api.call("DELETE", f"patients/{patient_id}")).status == 204
    for task_id in about:
        row = live.tasks.rows[task_id]
        assert row["patient"] is None
        assert row["updatedAt"] > before[task_id]
    found = await api.call("GET", "tasks", params={"patientId": patient_id})
    assert found.body["data"] == []
    exported = await api.call("GET", "export/TASK", params={"start": start, "pageSize": "100"})
    assert {task["id"] for task in exported.body["data"]} >= set(about)
    assert all(task["patient"] is None for task in exported.body["data"] if task["id"] in about)


# --- the list ------------------------------------------------------------------------------------


async def test_list_pages_through_every_task_in_creation_order(
    api: Api, emulator: WelkinEmulator
) -> None:
    """GET tasks serves metaInfo pages of every task, oldest first."""
    seen: list[str] = []
    for page in range(3):
        answer = await api.call("GET", "tasks", params={"page": str(page), "size": "100"})
        seen += [task["id"] for task in answer.body["data"]]
        meta = answer.body["metaInfo"]
        assert (meta["page"], meta["totalElements"], meta["totalPages"]) == (
            page,
            SEED_TASKS,
            3,
        )
        assert meta["lastPage"] is (page == 2)
    assert seen == _live(emulator).tasks.ids()


def _expected(emulator: WelkinEmulator, test: Any) -> list[str]:
    live = _live(emulator)
    return [task_id for task_id in live.tasks.ids() if test(live.tasks.rows[task_id])]


async def _listed(api: Api, params: dict[str, str]) -> list[str]:
    answer = await api.call("GET", "tasks", params={**params, "size": "1000"})
    assert answer.status == 200, answer.body
    return [task["id"] for task in answer.body["data"]]


async def test_each_filter_keeps_the_tasks_it_names(api: Api, emulator: WelkinEmulator) -> None:
    """Each documented filter keeps exactly the tasks it describes (and some, not all)."""
    user = _user(emulator)["id"]
    patient = next(
        row["patient"]["id"] for row in _live(emulator).tasks.rows.values() if row["patient"]
    )
    cases: list[tuple[dict[str, str], Any]] = [
        ({"assigneeId": user}, lambda r: r["assignee"]["id"] == user),
        ({"authorId": user}, lambda r: r["author"]["id"] == user),
        ({"watcherId": user}, lambda r: user in {w["id"] for w in r["watchers"]}),
        ({"patientId": patient}, lambda r: r["patient"] and r["patient"]["id"] == patient),
        (
            {"relatedUserId": user},
            lambda r: r["assignee"]["id"] == user or user in {w["id"] for w in r["watchers"]},
        ),
        ({"status": "TODO,CANCELED"}, lambda r: r["status"] in {"TODO", "CANCELED"}),
        ({"priority": "URGENT"}, lambda r: r["priority"] == "URGENT"),
        ({"dueDate": "2025-01-07T12:00:00Z"}, lambda r: r["dueDate"][:10] == "2025-01-07"),
        (
            {"dueBefore": "2025-01-10T00:00:00Z"},
            lambda r: r["dueDate"] <= "2025-01-10T00:00:00.000Z",
        ),
        ({"description": "OVERNIGHT"}, lambda r: "overnight" in (r["description"] or "")),
        ({"search": "follow"}, lambda r: "follow" in f"{r['name']} {r['description']}".lower()),
    ]
    for params, test in cases:
        expected = _expected(emulator, test)
        assert 0 < len(expected) < SEED_TASKS, params
        assert await _listed(api, params) == expected, params


async def test_filters_combine(api: Api, emulator: WelkinEmulator) -> None:
    """Several filters keep the tasks that meet all of them."""
    user = _user(emulator)["id"]
    expected = _expected(
        emulator, lambda r: r["assignee"]["id"] == user and r["priority"] in {"LOW", "HIGH"}
    )
    assert expected
    assert await _listed(api, {"assigneeId": user, "priority": "LOW,HIGH"}) == expected


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("assigneeId", "someone"),
        ("status", "DONE"),
        ("priority", ""),
        ("dueDate", "tomorrow"),
        ("dueBefore", "2025-01-10"),
        ("size", "0"),
    ],
)
async def test_unreadable_filter_is_400_naming_it(api: Api, parameter: str, value: str) -> None:
    """A filter value the list cannot read is a 400 naming the parameter."""
    answer = await api.call("GET", "tasks", params={parameter: value})
    assert answer.status == 400
    assert answer.error["details"]["parameter"] == parameter


# --- policies ------------------------------------------------------------------------------------


async def test_role_without_tasks_is_refused(api_for: Any, emulator: WelkinEmulator) -> None:
    """A role that lists no tasks permission is refused every task call with a 403."""
    analyst = await api_for(role="analyst")
    task_id = _live(emulator).tasks.ids()[0]
    for method, path, body in (
        ("GET", "tasks", None),
        ("GET", f"tasks/{task_id}", None),
        ("POST", "tasks", _body(emulator)),
        ("PATCH", f"tasks/{task_id}", {"status": "TODO"}),
    ):
        answer = await analyst.call(method, path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (
            403,
            "ACCESS_FOR_API_CLIENT_RESTRICTED",
        )


async def test_watcher_and_comment_calls_obey_the_field_policy(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """A role that may read but not update watchers and comments is refused adding or removing
    them through their own calls (403 naming the field), and the task stays as it was."""
    task_id = _live(emulator).tasks.ids()[0]
    row = _live(emulator).tasks.rows[task_id]
    give_policy(
        emulator,
        "analyst",
        {"resources": {"tasks": "crud"}, "fields": {"tasks": {"watchers": "r", "comments": "r"}}},
    )
    analyst = await api_for(role="analyst")
    user = _user(emulator, 3)["id"]
    path = f"tasks/{task_id}"
    for method, where, body, field in (
        ("PATCH", f"{path}/watchers", {"id": user}, "watchers"),
        ("DELETE", f"{path}/watchers/{user}", None, "watchers"),
        ("PATCH", f"{path}/comments", {"text": "x"}, "comments"),
        ("DELETE", f"{path}/comments/{UNKNOWN}", None, "comments"),
    ):
        answer = await analyst.call(method, where, json_body=body)
        assert (answer.status, answer.error["details"].get("field")) == (403, field), where
    assert _live(emulator).tasks.rows[task_id] is row


@pytest.fixture
async def narrowed() -> AsyncIterator[tuple[WelkinEmulator, Api]]:
    """An emulator whose analyst may use tasks but not read their comments nor write their
    description, and that analyst's Api."""
    emulator = WelkinEmulator(seed=7, patients=3, tenants=["acme"])
    tenant = emulator.tenant("acme")
    role = Role.from_json(
        "analyst",
        {
            "resources": {"tasks": "crud", "exports": "r"},
            "fields": {"tasks": {"comments": "", "description": "r"}},
        },
    )
    client = tenant.client_for_role("analyst")
    tenant.api_clients[client.name] = attrs.evolve(client, role=role)
    async with emulator, aiohttp.ClientSession() as session:
        token = await live_token(session, emulator, "acme", "analyst")
        yield emulator, Api(session, emulator.url, "acme", "live", token)


async def test_field_policy_hides_and_guards_task_fields(
    narrowed: tuple[WelkinEmulator, Api],
) -> None:
    """A field the role may not read is left out of tasks (listed, read or exported); writing
    one it may not update is a 403 naming it."""
    emulator, api = narrowed
    task_id = _live(emulator).tasks.ids()[0]
    listed = (await api.call("GET", "tasks")).body["data"]
    read = (await api.call("GET", f"tasks/{task_id}")).body
    exported = (await api.call("GET", "export/TASK")).body["data"]
    for task in (*listed, read, *exported):
        assert "comments" not in task
        assert "description" in task
    refused = await api.call("PATCH", f"tasks/{task_id}", json_body={"description": "x"})
    assert (refused.status, refused.error["details"]["field"]) == (403, "description")


# --- the export ----------------------------------------------------------------------------------


async def test_task_export_serves_tasks_by_their_last_change(
    api: Api, emulator: WelkinEmulator
) -> None:
    """export/TASK serves every stored task oldest change first; a task changed later comes
    last, once."""
    first = _live(emulator).tasks.ids()[0]
    await api.call("PATCH", f"tasks/{first}", json_body={"status": "COMPLETED"})
    seen: list[dict[str, Any]] = []
    start: str | None = None
    while True:
        params = {"pageSize": "100", **({"start": start} if start else {})}
        page = (await api.call("GET", "export/TASK", params=params)).body
        seen += page["data"]
        start = page["cursor"]["end"]
        if not page["cursor"]["hasNext"]:
            break
    assert sorted(task["id"] for task in seen) == sorted(_live(emulator).tasks.ids())
    assert seen[-1] == _live(emulator).tasks.rows[first]
