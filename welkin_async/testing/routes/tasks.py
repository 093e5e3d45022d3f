"""Tasks: create, read, change and list them; their watchers and comments.

- ``POST tasks`` (201) makes a task from ``{name, status, priority, assignee, ...}``; the
  assignee and watchers must be users of the tenant and the patient one of the environment
  (404 ``USER_NOT_FOUND`` / ``PATIENT_NOT_FOUND``, ``details.field`` naming which); the API
  client is its author.
- ``GET tasks/{id}``; ``PATCH tasks/{id}`` changes only the fields sent (the vendor marks
  name, status, priority and assignee required there too; a PATCH here, like the API's other
  PATCHes, takes any of them). Watchers and comments change only through their own calls.
  An unknown id is 404 ``TASK_NOT_FOUND``.
- ``PATCH tasks`` ``{taskIds, status}`` sets one status on several tasks and answers them, in
  the order named; one unknown id refuses the whole call (404, nothing changed).
- ``GET tasks?assigneeId&patientId&watcherId&authorId&relatedUserId&status&priority&dueDate
  &dueBefore&description&search&page&size``: metaInfo pages in creation order. ``status`` and
  ``priority`` take comma-separated values (any of them); ``dueDate`` keeps tasks due on the UTC
  day of the instant given, ``dueBefore`` those due at or before it; ``description`` matches
  part of the description and ``search`` part of the name or description (ignoring case);
  ``relatedUserId`` keeps tasks the user is assigned to or watches. A malformed value is a 400
  naming the parameter.
- ``PATCH tasks/{id}/watchers`` ``{id}`` adds a watcher (a user already watching is kept once);
  ``DELETE tasks/{id}/watchers/{watcherId}`` removes one (404 ``TASK_WATCHER_NOT_FOUND`` when
  the user is not watching). ``PATCH tasks/{id}/comments`` ``{text}`` adds a comment;
  ``DELETE tasks/{id}/comments/{commentId}`` removes one (404 ``TASK_COMMENT_NOT_FOUND``). Each
  answers the task as it now is (the vendor's example of the comment delete shows a one-task
  array; a single task is served, as for every other call on one task).

Field policies of scope ``tasks`` hide fields from answers and refuse writing them (403): a
role that may not update ``watchers`` or ``comments`` is refused their own calls too. Ids in
paths and bodies are compared in any case (they are stored in lower case).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._errors import not_found
from welkin_async.testing._pagination import meta_info_page, page_request
from welkin_async.testing._query import check_uuid, instant, one_of
from welkin_async.testing._routing import Call, QueryParam, Reply, Route, bytes_reply
from welkin_async.testing._store import Row
from welkin_async.testing._tasks import (
    COMPONENT,
    PRIORITIES,
    STATUSES,
    comment_row,
    create_task,
    due,
    patient_ref,
    task_not_found,
    user_ref,
)
from welkin_async.testing.routes._common import actor, render, render_one, without
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, ref
from welkin_async.testing.routes._shapes import meta_info_page as meta_info_shape

RESOURCE = "tasks"
_PLAIN = ("name", "status", "priority", "description")


def _strip(call: Call) -> Callable[[Row], Row] | None:
    hidden = call.hidden(RESOURCE)
    return (lambda row: without(row, hidden)) if hidden else None


def _reply(call: Call, task_id: str, status: int = 200) -> Reply:
    return bytes_reply(render_one(call.env.tasks, task_id, _strip(call)), status)


def _path_id(call: Call, name: str) -> str:
    """A UUID of the path, compared in lower case (as ids are stored)."""
    return call.params[name].lower()


def _task(call: Call) -> Row:
    row = call.env.tasks.get(_path_id(call, "task_id"))
    if row is None:
        raise task_not_found()
    return row


def _save(call: Call, row: Row, changed: Row, stamp: int | None = None) -> str:
    """Store ``row`` with ``changed`` applied and ``updatedAt`` at ``stamp`` (a new one when
    None); returns its id."""
    stamp = call.stamp() if stamp is None else stamp
    call.env.tasks.put(row["id"], {**row, **changed, "updatedAt": iso_ms(stamp)}, stamp)
    return str(row["id"])


# --- one task ------------------------------------------------------------------------------------


def create(call: Call) -> Reply:
    body = call.json_object()
    call.check_writable(RESOURCE, body)
    row = create_task(
        call.env,
        call.tenant,
        body,
        new_id=call.backend.new_id,
        stamp=call.stamp(),
        who=actor(call),
    )
    return _reply(call, row["id"], 201)


def read(call: Call) -> Reply:
    return _reply(call, _task(call)["id"])


def update(call: Call) -> Reply:
    row = _task(call)
    body = call.json_object()  # the schema checked the fields and their values
    call.check_writable(RESOURCE, body)
    if not body:
        return _reply(call, row["id"])
    changed: Row = {name: body[name] for name in _PLAIN if name in body}
    if "dueDate" in body:
        changed["dueDate"] = due(body["dueDate"])
    if "assignee" in body:
        changed["assignee"] = user_ref(call.tenant, str(body["assignee"]["id"]), "assignee")
    if "patient" in body:
        changed["patient"] = patient_ref(call.env, body["patient"])
    return _reply(call, _save(call, row, changed))


def update_statuses(call: Call) -> Reply:
    body = call.json_object()
    ids = list(dict.fromkeys(str(task_id).lower() for task_id in body["taskIds"]))
    rows = call.env.tasks.rows
    missing = next((task_id for task_id in ids if task_id not in rows), None)
    if missing is not None:
        raise not_found("TASK_NOT_FOUND", COMPONENT, "Task doesn't exist", taskId=missing)
    for task_id in ids:
        _save(call, rows[task_id], {"status": body["status"]})
    strip = _strip(call)
    return bytes_reply(b"[" + b",".join(render(call.env.tasks, ids, strip)) + b"]")


def add_watcher(call: Call) -> Reply:
    row = _task(call)
    call.check_writable(RESOURCE, ["watchers"])
    watcher = user_ref(call.tenant, str(call.json_object()["id"]), "id")
    if any(one["id"] == watcher["id"] for one in row["watchers"]):
        return _reply(call, row["id"])
    return _reply(call, _save(call, row, {"watchers": [*row["watchers"], watcher]}))


def remove_watcher(call: Call) -> Reply:
    row = _task(call)
    call.check_writable(RESOURCE, ["watchers"])
    watcher_id = _path_id(call, "watcher_id")
    absent = ("TASK_WATCHER_NOT_FOUND", "The user is not watching the task")
    return _reply(call, _save(call, row, _dropped(row, "watchers", watcher_id, absent)))


def add_comment(call: Call) -> Reply:
    row = _task(call)
    call.check_writable(RESOURCE, ["comments"])
    text = call.json_object()["text"]
    stamp = call.stamp()
    comment = comment_row(call.backend.new_id(), text, stamp=stamp, who=actor(call))
    return _reply(call, _save(call, row, {"comments": [*row["comments"], comment]}, stamp))


def delete_comment(call: Call) -> Reply:
    row = _task(call)
    call.check_writable(RESOURCE, ["comments"])
    comment_id = _path_id(call, "comment_id")
    absent = ("TASK_COMMENT_NOT_FOUND", "The task has no such comment")
    return _reply(call, _save(call, row, _dropped(row, "comments", comment_id, absent)))


def _dropped(row: Row, key: str, item_id: str, absent: tuple[str, str]) -> Row:
    """The change that removes the entry ``item_id`` from ``row[key]``; a 404 with ``absent``'s
    error code and message when the list holds no such entry."""
    kept = [one for one in row[key] if one["id"] != item_id]
    if len(kept) == len(row[key]):
        raise not_found(absent[0], COMPONENT, absent[1])
    return {key: kept}


# --- the list ------------------------------------------------------------------------------------


def _id(call: Call, name: str) -> str | None:
    """A UUID parameter (None when absent); anything else is a 400 naming it."""
    value = call.query.get(name)
    if value is None:
        return None
    check_uuid(value, name, COMPONENT, f"'{name}' must be a UUID")
    return value.lower()


def _utc_day(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).date().isoformat()


def _person_id(row: Row, key: str) -> str | None:
    person = row[key]
    return None if person is None else str(person["id"])


def _watches(row: Row, who: str) -> bool:
    return any(one["id"] == who for one in row["watchers"])


Test = Callable[[Row], bool]
_PEOPLE: dict[str, Callable[[Row, str], bool]] = {
    "assigneeId": lambda row, who: _person_id(row, "assignee") == who,
    "patientId": lambda row, who: _person_id(row, "patient") == who,
    "authorId": lambda row, who: _person_id(row, "author") == who,
    "watcherId": _watches,
    "relatedUserId": lambda row, who: _person_id(row, "assignee") == who or _watches(row, who),
}


def _about(test: Callable[[Row, str], bool], who: str) -> Test:
    return lambda row: test(row, who)


def _among(key: str, values: frozenset[str]) -> Test:
    return lambda row: row[key] in values


def _due_on(day: str) -> Test:
    return lambda row: row["dueDate"] is not None and row["dueDate"][:10] == day


def _due_by(before: int) -> Test:
    return lambda row: row["dueDate"] is not None and parse_iso_ms(row["dueDate"]) <= before


def _contains(part: str, *keys: str) -> Test:
    wanted = part.lower()
    return lambda row: any(wanted in (row[key] or "").lower() for key in keys)


def _filters(call: Call) -> list[Test]:
    """The row tests the query asks for (all must hold)."""
    tests: list[Test] = []
    for name, test in _PEOPLE.items():
        who = _id(call, name)
        if who is not None:
            tests.append(_about(test, who))
    for name, allowed in (("status", STATUSES), ("priority", PRIORITIES)):
        values = one_of(call.query, name, allowed, COMPONENT)
        if values is not None:
            tests.append(_among(name, values))
    on = instant(call.query, "dueDate", COMPONENT)
    if on is not None:
        tests.append(_due_on(_utc_day(on)))
    before = instant(call.query, "dueBefore", COMPONENT)
    if before is not None:
        tests.append(_due_by(before))
    for name, keys in (("description", ("description",)), ("search", ("name", "description"))):
        part = call.query.get(name)
        if part is not None:
            tests.append(_contains(part, *keys))
    return tests


def search(call: Call) -> Reply:
    tests = _filters(call)
    page = page_request(call.query, call.backend.max_page_size)
    rows = call.env.tasks.rows
    ids = [task_id for task_id in call.env.tasks.ids() if all(t(rows[task_id]) for t in tests)]
    served = render(call.env.tasks, [ids[index] for index in page.slice(len(ids))], _strip(call))
    return bytes_reply(meta_info_page(served, len(ids), page))


# --- the table -----------------------------------------------------------------------------------

_UUID = {"type": "string", "format": "uuid"}
_TEXT = {"type": "string"}
_DATE_TIME = {"type": "string", "format": "date-time"}
_TASK = "/tasks/{task_id}"
_ONE = {200: ref("task.json")}
ROUTES = (
    Route(
        "GET",
        "/tasks",
        search,
        "Search tasks",
        RESOURCE,
        "read",
        responses={200: meta_info_shape(ref("task.json"))},
        query=(
            QueryParam("assigneeId", _UUID, "tasks assigned to this user"),
            QueryParam("patientId", _UUID, "tasks about this patient"),
            QueryParam("watcherId", _UUID, "tasks this user watches"),
            QueryParam("authorId", _UUID, "tasks this user (or API client) wrote"),
            QueryParam("relatedUserId", _UUID, "tasks this user is assigned to or watches"),
            QueryParam("status", _TEXT, "comma-separated: TODO, IN_PROGRESS, COMPLETED, CANCELED"),
            QueryParam("priority", _TEXT, "comma-separated: LOW, MEDIUM, HIGH, URGENT"),
            QueryParam("dueDate", _DATE_TIME, "tasks due on this instant's UTC day"),
            QueryParam("dueBefore", _DATE_TIME, "tasks due at or before this instant"),
            QueryParam("description", _TEXT, "part of the description (any case)"),
            QueryParam("search", _TEXT, "part of the name or description (any case)"),
            *PAGE_PARAMS,
        ),
    ),
    Route(
        "POST",
        "/tasks",
        create,
        "Create a task",
        RESOURCE,
        "create",
        request_body="task_create.json",
        responses={201: ref("task.json")},
    ),
    Route(
        "PATCH",
        "/tasks",
        update_statuses,
        "Set one status on several tasks",
        RESOURCE,
        "update",
        request_body="task_status_update.json",
        responses={200: array(ref("task.json"))},
    ),
    Route("GET", _TASK, read, "One task", RESOURCE, "read", responses=_ONE),
    Route(
        "PATCH",
        _TASK,
        update,
        "Change the given fields of a task",
        RESOURCE,
        "update",
        request_body="task_update.json",
        responses=_ONE,
    ),
    Route(
        "PATCH",
        _TASK + "/watchers",
        add_watcher,
        "Add a watcher to a task",
        RESOURCE,
        "update",
        request_body="task_ref.json",
        responses=_ONE,
    ),
    Route(
        "DELETE",
        _TASK + "/watchers/{watcher_id}",
        remove_watcher,
        "Remove a watcher from a task",
        RESOURCE,
        "update",
        responses=_ONE,
    ),
    Route(
        "PATCH",
        _TASK + "/comments",
        add_comment,
        "Add a comment to a task",
        RESOURCE,
        "update",
        request_body="task_comment_create.json",
        responses=_ONE,
    ),
    Route(
        "DELETE",
        _TASK + "/comments/{comment_id}",
        delete_comment,
        "Delete a task's comment",
        RESOURCE,
        "delete",
        responses=_ONE,
    ),
)
