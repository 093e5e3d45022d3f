"""``client.tasks``: the environment's tasks, their watchers and comments.

A task is assigned to a user (``assignee``), may be about a patient, and notifies its watchers
(users) of changes. People are named by id in what a caller sends (:class:`TaskRef`, or a
mapping ``{"id": ...}``) and come back as ``{id, name}`` (:class:`TaskPerson`). A PATCH changes
only the fields given; watchers and comments change through their own methods, each answering
the task as it now is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import loads, unstructure
from welkin_async.errors import DecodeError, DecodeProblem
from welkin_async.models import (
    Task,
    TaskCommentCreate,
    TaskCreate,
    TaskCreateFields,
    TaskPriority,
    TaskRef,
    TaskStatus,
    TaskStatusUpdate,
    TaskUpdate,
    TaskUpdateFields,
)
from welkin_async.resources._base import (
    Resource,
    call_options,
    changes,
    new_body,
    query_instant,
    query_list,
    some_change,
    text_arg,
    uuid_arg,
)

_TASKS = "tasks"
_TASK = "tasks/{task_id}"
_WATCHERS = "tasks/{task_id}/watchers"
_WATCHER = "tasks/{task_id}/watchers/{watcher_id}"
_COMMENTS = "tasks/{task_id}/comments"
_COMMENT = "tasks/{task_id}/comments/{comment_id}"


def _day(name: str, day: date) -> str:
    """A calendar day as the ``dueDate`` filter takes it: midnight UTC of that day."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a date, not {type(day).__name__}")
    return f"{day.isoformat()}T00:00:00.000Z"


def _one_task(body: bytes) -> Task:
    """The task of an answer that is a task, or an array holding just the task (as the vendor
    documents ``DELETE tasks/{id}/comments/{commentId}``); any other array is a
    ``DecodeError``."""
    if body.lstrip()[:1] != b"[":
        return loads(body, Task)
    tasks = loads(body, list[Task])
    if len(tasks) != 1:
        got = f"an array of {len(tasks)} tasks"
        raise DecodeError(
            "Task | list[Task]", [DecodeProblem("$", "a task or an array of one", got)]
        )
    return tasks[0]


class Tasks(Resource):
    """The environment's tasks."""

    __slots__ = ()

    @overload
    async def create(
        self,
        task: TaskCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> Task: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[TaskCreateFields],
    ) -> Task: ...
    async def create(
        self,
        task: TaskCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> Task:
        """Create a task: ``create(name="Review labs", status="TODO", priority="HIGH",
        assignee=TaskRef(id=user_id))``.

        Takes a :class:`TaskCreate`, a mapping of wire names, or keyword fields
        (:class:`~welkin_async.models.TaskCreateFields`: ``description``, ``due_date``,
        ``patient``, ``watchers``, ``comments``). The API client becomes its author. Returns the
        stored task, its people named.

        Raises ``BadRequest`` (``INVALID_REQUEST_BODY``) for a value outside an enum or an
        unknown field, ``NotFound`` (``USER_NOT_FOUND``, ``PATIENT_NOT_FOUND``) when the
        assignee, a watcher or the patient names no one, ``PermissionDenied`` when the API
        client's role may not create tasks; a missing required field is a ``TypeError`` and a
        naive ``due_date`` a ``ValueError`` before anything is sent.
        """
        body = new_body(TaskCreate, task, fields)
        return await self._call(
            Task,
            "POST",
            _TASKS,
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def get(self, task_id: str | UUID, /, **options: Unpack[RequestOptions]) -> Task:
        """One task by id.

        Raises ``NotFound`` (``TASK_NOT_FOUND``) and ``PermissionDenied`` when the API client's
        role may not read tasks.
        """
        return await self._call(
            Task, "GET", _TASK, path_params={"task_id": task_id}, options=options
        )

    async def update(
        self,
        task_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[TaskUpdateFields],
    ) -> Task:
        """Change only the given fields (a PATCH): ``update(task_id, status="IN_PROGRESS")``.

        Fields are :class:`~welkin_async.models.TaskUpdateFields` (``name``, ``status``,
        ``priority``, ``assignee``, ``description``, ``due_date``, ``patient``); ``None``
        clears ``description``, ``due_date`` or ``patient``. Returns the task as stored.

        Raises ``NotFound`` (``TASK_NOT_FOUND``; ``USER_NOT_FOUND`` or ``PATIENT_NOT_FOUND`` for
        an assignee or patient naming no one), ``BadRequest`` for a value the task cannot take,
        ``PermissionDenied`` when the API client's role may not update tasks, ``TypeError``
        for an unknown field or no field at all, ``ValueError`` for a naive ``due_date``.
        """
        body = some_change("Tasks.update", changes(TaskUpdate, fields))
        return await self._call(
            Task,
            "PATCH",
            _TASK,
            path_params={"task_id": task_id},
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def update_status(
        self,
        task_ids: Iterable[str | UUID],
        status: TaskStatus | str,
        /,
        **options: Unpack[RequestOptions],
    ) -> list[Task]:
        """Set one status on several tasks at once (``PATCH tasks``); returns them as stored.

        A status the SDK does not know is sent as given (a newer server may take it). Raises
        ``NotFound`` (``TASK_NOT_FOUND``, nothing changed) when any id names no task,
        ``BadRequest`` (``INVALID_REQUEST_BODY``) for a status the server does not know,
        ``PermissionDenied`` when the API client's role may not update tasks; before sending,
        ``TypeError`` for ids that are not an iterable of ids or a status that is not a str,
        ``ValueError`` for no id or a malformed one.
        """
        if isinstance(task_ids, str | UUID | bytes) or not isinstance(task_ids, Iterable):
            raise TypeError(f"task_ids must be an iterable of ids, not {type(task_ids).__name__}")
        ids = [uuid_arg("task_ids", one) for one in task_ids]
        if not ids:
            raise ValueError("task_ids must name at least one task")
        body = unstructure(
            TaskStatusUpdate(task_ids=ids, status=TaskStatus(text_arg("status", status)))
        )
        return await self._call(list[Task], "PATCH", _TASKS, json=body, options=options)

    def list(
        self,
        *,
        assignee_id: str | UUID | None = None,
        patient_id: str | UUID | None = None,
        watcher_id: str | UUID | None = None,
        author_id: str | UUID | None = None,
        related_user_id: str | UUID | None = None,
        status: TaskStatus | str | Iterable[TaskStatus | str] | None = None,
        priority: TaskPriority | str | Iterable[TaskPriority | str] | None = None,
        due_on: date | None = None,
        due_before: datetime | None = None,
        description: str | None = None,
        search: str | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[Task]:
        """The tasks matching every filter given, page after page (filters left ``None`` are
        not sent).

        ``assignee_id``, ``patient_id``, ``watcher_id``, ``author_id``: tasks assigned to, about,
        watched or written by that user or patient; ``related_user_id``: assigned to or watched
        by the user. ``status`` and ``priority`` take one value or several (any of them).
        ``due_on`` keeps tasks due on that day (UTC), ``due_before`` those due at or before that
        instant (aware). ``description`` matches part of the description, ``search`` part of
        the name or the description.

        Raises ``BadRequest`` for a value the server cannot read and ``PermissionDenied`` when
        the API client's role may not read tasks (both when iteration starts); ``TypeError`` or
        ``ValueError`` at once for a malformed id, enum value, day or naive date-time.
        """
        params: dict[str, QueryValue] = {}
        people = (
            ("assigneeId", "assignee_id", assignee_id),
            ("patientId", "patient_id", patient_id),
            ("watcherId", "watcher_id", watcher_id),
            ("authorId", "author_id", author_id),
            ("relatedUserId", "related_user_id", related_user_id),
        )
        for wire, name, value in people:
            if value is not None:
                params[wire] = str(uuid_arg(name, value))
        if status is not None:
            params["status"] = query_list("status", status)
        if priority is not None:
            params["priority"] = query_list("priority", priority)
        if due_on is not None:
            params["dueDate"] = _day("due_on", due_on)
        if due_before is not None:
            params["dueBefore"] = query_instant("due_before", due_before)
        if description is not None:
            params["description"] = description
        if search is not None:
            params["search"] = search
        return self._client.paginate(
            "GET", _TASKS, params=params, size=size, item_type=Task, options=options
        )

    async def add_watcher(
        self, task_id: str | UUID, user_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> Task:
        """Make a user a watcher of the task (one already watching stays once); returns the task.

        Raises ``NotFound`` (``TASK_NOT_FOUND``, ``USER_NOT_FOUND``) and ``PermissionDenied``
        when the API client's role may not update tasks.
        """
        body = unstructure(TaskRef(id=uuid_arg("user_id", user_id)))
        return await self._call(
            Task,
            "PATCH",
            _WATCHERS,
            path_params={"task_id": task_id},
            json=body,
            options=options,
        )

    async def remove_watcher(
        self, task_id: str | UUID, user_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> Task:
        """Stop a user watching the task; returns the task.

        Raises ``NotFound`` (``TASK_NOT_FOUND``; ``TASK_WATCHER_NOT_FOUND`` when the user is not
        watching it) and ``PermissionDenied`` when the API client's role may not update tasks;
        ``TypeError`` or ``ValueError`` before sending for a ``user_id`` that is no UUID. A
        DELETE is retried after a lost answer, so a retry may raise ``NotFound`` although the
        first attempt removed the watcher.
        """
        return await self._call(
            Task,
            "DELETE",
            _WATCHER,
            path_params={"task_id": task_id, "watcher_id": uuid_arg("user_id", user_id)},
            options=options,
        )

    async def add_comment(
        self, task_id: str | UUID, text: str, /, **options: Unpack[RequestOptions]
    ) -> Task:
        """Add a comment (the API client is its author); returns the task with it, last.

        Raises ``NotFound`` (``TASK_NOT_FOUND``), ``BadRequest`` for an empty text and
        ``PermissionDenied`` when the API client's role may not update tasks.
        """
        return await self._call(
            Task,
            "PATCH",
            _COMMENTS,
            path_params={"task_id": task_id},
            json=unstructure(TaskCommentCreate(text=text_arg("text", text))),
            options=options,
        )

    async def delete_comment(
        self, task_id: str | UUID, comment_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> Task:
        """Delete one of the task's comments; returns the task without it.

        The vendor documents the answer as an array holding the task; a single task is taken
        too. Raises ``NotFound`` (``TASK_NOT_FOUND``, ``TASK_COMMENT_NOT_FOUND``),
        ``PermissionDenied`` when the API client's role may not delete task comments, and
        ``DecodeError`` for an answer that is neither a task nor an array of exactly one. A
        DELETE is retried after a lost answer, so a retry may raise ``NotFound`` although the
        first attempt deleted the comment.
        """
        response = await self._client._send(
            "DELETE",
            _COMMENT,
            path_params={"task_id": task_id, "comment_id": comment_id},
            options=options,
        )
        return _one_task(response.body)
