"""``client.care_plan(patient_id)``: a patient's care plan, its overview, and its goals.

Every patient has one care plan; its overview is a text that is written (``POST
.../care-plan/overview``, as recorded: it also replaces an existing overview, keeping when it was
first written) and replaced (``PUT``). Errors: a patient that does not exist is
:class:`~welkin_async.errors.NotFound` (``PATIENT_NOT_FOUND``); a role without access to care
plans is :class:`~welkin_async.errors.PermissionDenied` (``ACCESS_FOR_API_CLIENT_RESTRICTED``).

The plan's goals (``client.care_plan(patient_id).goals``, :class:`Goals`) are made from the goal
templates of the tenant's formation (``client.formations.goal_templates()``); each has comments
and tasks. A goal's tasks are tasks like any other (:class:`~welkin_async.models.Task`), about
the goal's patient: ``client.tasks`` reads and changes them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async.models import CarePlan as CarePlanModel
from welkin_async.models import (
    CarePlanOverview,
    CarePlanOverviewWrite,
    Goal,
    GoalComment,
    GoalCommentCreate,
    GoalCreate,
    GoalDetails,
    GoalStatus,
    GoalUpdate,
    GoalUpdateFields,
    Task,
    TaskCreate,
    TaskCreateFields,
)
from welkin_async.resources._base import (
    PatientResource,
    call_options,
    changes,
    new_body,
    some_change,
    text_arg,
)

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

_PLAN = "patients/{patient_id}/care-plan"
_OVERVIEW = "patients/{patient_id}/care-plan/overview"
_GOALS = "patients/{patient_id}/care-plan/goals"
_GOAL = "patients/{patient_id}/care-plan/goals/{goal_id}"
_GOAL_COMMENTS = "patients/{patient_id}/care-plan/goals/{goal_id}/comments"
_GOAL_TASKS = "patients/{patient_id}/care-plan/goals/{goal_id}/tasks"


class CarePlan(PatientResource):
    """One patient's care plan."""

    __slots__ = ("goals",)

    def __init__(self, client: WelkinClient, patient_id: str | UUID) -> None:
        super().__init__(client, patient_id)
        self.goals = Goals(client, patient_id)
        """The care plan's goals: list, get, create, update; their comments and tasks."""

    async def get(self, **options: Unpack[RequestOptions]) -> CarePlanModel:
        """The care plan, with its overview (``patient_overview`` is None until one is written).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``) for a patient that does not exist and
        ``PermissionDenied`` for a role without access to care plans.
        """
        return await self._call(
            CarePlanModel, "GET", _PLAN, path_params=self._patient, options=options
        )

    async def create_overview(
        self, text: str, /, **options: Unpack[RequestOptions]
    ) -> CarePlanOverview:
        """Write the care plan's overview; an existing one is replaced (it keeps its
        ``created_at``). Returns the overview as stored.

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``), ``PermissionDenied``, and ``BadRequest``
        for a text the server refuses (the emulator: over 65,535 characters).
        """
        return await self._write("POST", text, options)

    async def replace_overview(
        self, text: str, /, **options: Unpack[RequestOptions]
    ) -> CarePlanOverview:
        """Replace the care plan's overview. Returns the overview as stored.

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``; the emulator also answers
        ``CARE_PLAN_OVERVIEW_NOT_FOUND`` when there is no overview yet: use
        :meth:`create_overview`), ``PermissionDenied`` and ``BadRequest`` as
        :meth:`create_overview` does.
        """
        return await self._write("PUT", text, options)

    async def _write(self, method: str, text: str, options: RequestOptions) -> CarePlanOverview:
        return await self._call(
            CarePlanOverview,
            method,
            _OVERVIEW,
            path_params=self._patient,
            json=CarePlanOverviewWrite(overview=text_arg("text", text)),
            options=options,
        )


class Goals(PatientResource):
    """The goals of one patient's care plan, with their comments and tasks.

    Every method raises ``NotFound`` (``PATIENT_NOT_FOUND``) for a patient that does not exist
    and ``PermissionDenied`` for a role without access to care plans; those naming a goal raise
    ``NotFound`` (``GOAL_NOT_FOUND``) for a goal the patient does not have.
    """

    __slots__ = ()

    def _goal(self, goal_id: str | UUID) -> dict[str, str | UUID]:
        return self._under(goal_id=goal_id)

    async def get(self, goal_id: str | UUID, /, **options: Unpack[RequestOptions]) -> GoalDetails:
        """One goal with its tasks and comments (``details``, ``tasks``, ``comments``).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``, ``GOAL_NOT_FOUND``) and ``PermissionDenied``
        for a role without access to care plans.
        """
        return await self._call(
            GoalDetails, "GET", _GOAL, path_params=self._goal(goal_id), options=options
        )

    async def create(self, template_name: str, /, **options: Unpack[RequestOptions]) -> Goal:
        """Add a goal made from the formation's goal template ``template_name``: it takes the
        template's name, type and priority, and starts ``ACTIVE``.

        Raises ``BadRequest`` (the emulator: ``GOAL_TEMPLATE_NOT_FOUND``) for a template the
        formation does not have; ``TypeError`` before sending for a name that is not a str.
        """
        body = GoalCreate(goal_template_name=text_arg("template_name", template_name))
        return await self._call(
            Goal, "POST", _GOALS, path_params=self._patient, json=body, options=options
        )

    async def update(
        self,
        goal_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[GoalUpdateFields],
    ) -> Goal:
        """Change only the given fields (a PATCH): ``update(goal_id, status="COMPLETED")``;
        ``name``, ``priority`` and ``status`` may change. Returns the goal as stored.

        Raises ``BadRequest`` for a value the server refuses (a status or priority it does not
        know, an empty name); ``TypeError`` before sending for no field or an unknown one.
        """
        return await self._call(
            Goal,
            "PATCH",
            _GOAL,
            path_params=self._goal(goal_id),
            json=some_change("Goals.update", changes(GoalUpdate, fields)),
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def comments(
        self, goal_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> list[GoalComment]:
        """The goal's comments, oldest first (one answer, not paged).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``, ``GOAL_NOT_FOUND``) and ``PermissionDenied``
        for a role without access to care plans.
        """
        return await self._call(
            list[GoalComment],
            "GET",
            _GOAL_COMMENTS,
            path_params=self._goal(goal_id),
            options=options,
        )

    async def add_comment(
        self, goal_id: str | UUID, text: str, /, **options: Unpack[RequestOptions]
    ) -> GoalComment:
        """Add a comment to the goal; returns it as stored.

        Raises ``BadRequest`` for a text the server refuses (the emulator: empty, or over 65,535
        characters); ``TypeError`` before sending for a text that is not a str.
        """
        return await self._call(
            GoalComment,
            "POST",
            _GOAL_COMMENTS,
            path_params=self._goal(goal_id),
            json=GoalCommentCreate(text=text_arg("text", text)),
            options=options,
        )

    async def tasks(self, goal_id: str | UUID, /, **options: Unpack[RequestOptions]) -> list[Task]:
        """The tasks added to the goal, oldest first, as they stand now (one answer, not
        paged).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``, ``GOAL_NOT_FOUND``) and ``PermissionDenied``
        for a role without access to care plans.
        """
        return await self._call(
            list[Task], "GET", _GOAL_TASKS, path_params=self._goal(goal_id), options=options
        )

    @overload
    async def add_task(
        self,
        goal_id: str | UUID,
        task: TaskCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> Task: ...
    @overload
    async def add_task(
        self,
        goal_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[TaskCreateFields],
    ) -> Task: ...
    async def add_task(
        self,
        goal_id: str | UUID,
        task: TaskCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> Task:
        """Add a task to the goal, given as for ``client.tasks.create``: ``add_task(goal_id,
        name="Check in", status="TODO", priority="HIGH", assignee={"id": user_id})`` (the
        fields are :class:`~welkin_async.models.TaskCreateFields`). The task is about the
        goal's patient; returns it as stored.

        Raises ``BadRequest`` for a body the server refuses (a missing field, a value outside
        its enum; the emulator: ``GOAL_TASK_PATIENT_MISMATCH`` for a task about another
        patient) and ``NotFound`` (``USER_NOT_FOUND``) for an assignee or watcher who is no
        user; ``TypeError`` before sending for a missing required field or an unknown one.
        """
        return await self._call(
            Task,
            "POST",
            _GOAL_TASKS,
            path_params=self._goal(goal_id),
            json=new_body(TaskCreate, task, fields),
            options=call_options(extra_headers, extra_query, timeout),
        )

    # Last in the class: in a later method's annotations, ``list`` would name this method.
    def list(
        self,
        *,
        status: GoalStatus | str | None = None,
        size: int = 100,
        concurrency: int = 1,
        **options: Unpack[RequestOptions],
    ) -> Paginator[Goal]:
        """The plan's goals, oldest first: all of them, or those of one ``status`` (``ACTIVE``,
        ``COMPLETED``, ``REMOVED``). The options apply to every page.

        Raises ``BadRequest`` (``INVALID_PARAMETER``) for a status the server does not know,
        when iteration starts.
        """
        params: dict[str, QueryValue] = {}
        if status is not None:
            params["status"] = GoalStatus(status).value
        return self._client.paginate(
            "GET",
            _GOALS,
            path_params=self._patient,
            params=params,
            size=size,
            concurrency=concurrency,
            item_type=Goal,
            options=options,
        )
