# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class Task(WelkinModel):
    """Work assigned to a user, perhaps about a patient, with its watchers and comments."""

    id: UUID
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    name: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    due_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "dueDate"}
    )
    status: TaskStatus | UnsetType | None = attrs.field(default=UNSET)
    priority: TaskPriority | UnsetType | None = attrs.field(default=UNSET)
    patient: TaskPerson | UnsetType | None = attrs.field(default=UNSET)
    assignee: TaskPerson | UnsetType | None = attrs.field(default=UNSET)
    author: TaskPerson | UnsetType | None = attrs.field(default=UNSET)
    watchers: list[TaskPerson] | UnsetType | None = attrs.field(default=UNSET)
    """The users notified of the task's changes."""
    comments: list[TaskComment] | UnsetType | None = attrs.field(default=UNSET)
    """The task's comments, oldest first."""
    goal_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "goalId"})
    """The care-plan goal the task was added to, if any."""
    watchers_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "watchersType"}
    )
    """Who watches a goal's task (`POINT_OF_CONTACT`; values unpublished)."""


@attrs.define(kw_only=True, repr=False)
class TaskComment(WelkinModel):
    """A comment on a task: its `author`, or by name (`createdByName`) in a goal's view."""

    id: UUID
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    created_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    """Who wrote it, by name (as a goal's view of its tasks serves it)."""
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    """When it last changed (a goal's view)."""
    updated_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedByName"}
    )
    """Who last changed it, by name (a goal's view)."""
    author: TaskPerson | UnsetType | None = attrs.field(default=UNSET)
    text: str | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class TaskPerson(WelkinModel):
    """A user or patient a task names, with the name the server gives them."""

    id: UUID
    name: str | UnsetType | None = attrs.field(default=UNSET)


class TaskPriority(OpenStrEnum):
    """How soon a task needs doing."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    URGENT = "URGENT"


class TaskStatus(OpenStrEnum):
    """Where a task stands."""

    TODO = "TODO"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELED = "CANCELED"
