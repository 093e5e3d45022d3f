# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Required, TypedDict

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .task import TaskPriority, TaskStatus
from .task_comment_create import TaskCommentCreate
from .task_ref import TaskRef


@attrs.define(kw_only=True, repr=False)
class TaskCreate(WelkinModel):
    """The body that creates a task (``POST tasks``): its assignee, watchers and patient
    must exist."""

    name: str
    """The task's short name."""
    status: TaskStatus
    priority: TaskPriority
    assignee: TaskRef
    """The user responsible for the task."""
    description: str | UnsetType | None = attrs.field(default=UNSET)
    due_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "dueDate"}
    )
    """When the task is due."""
    patient: TaskRef | UnsetType | None = attrs.field(default=UNSET)
    """The patient the task is about."""
    watchers: list[TaskRef] | UnsetType = attrs.field(default=UNSET)
    """Users to notify of the task's changes."""
    comments: list[TaskCommentCreate] | UnsetType = attrs.field(default=UNSET)
    """Comments to add with the task."""


class TaskCreateFields(TypedDict, total=False):
    """The keyword fields of a :class:`TaskCreate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    name: Required[str]
    """The task's short name."""
    status: Required[TaskStatus | str]
    priority: Required[TaskPriority | str]
    assignee: Required[TaskRef | Mapping[str, Any]]
    """The user responsible for the task."""
    description: str | UnsetType | None
    due_date: datetime | UnsetType | None
    """When the task is due."""
    patient: TaskRef | Mapping[str, Any] | UnsetType | None
    """The patient the task is about."""
    watchers: Sequence[TaskRef | Mapping[str, Any]] | UnsetType
    """Users to notify of the task's changes."""
    comments: Sequence[TaskCommentCreate | Mapping[str, Any]] | UnsetType
    """Comments to add with the task."""
