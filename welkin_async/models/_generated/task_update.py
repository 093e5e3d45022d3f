# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .task import TaskPriority, TaskStatus
from .task_ref import TaskRef


@attrs.define(kw_only=True, repr=False)
class TaskUpdate(WelkinModel):
    """A change to a task (``PATCH tasks/{taskId}``): only the fields sent change; null clears
    an optional one. Watchers and comments change through their own calls."""

    name: str | UnsetType = attrs.field(default=UNSET)
    status: TaskStatus | UnsetType = attrs.field(default=UNSET)
    priority: TaskPriority | UnsetType = attrs.field(default=UNSET)
    assignee: TaskRef | UnsetType = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    due_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "dueDate"}
    )
    patient: TaskRef | UnsetType | None = attrs.field(default=UNSET)


class TaskUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`TaskUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    name: str | UnsetType
    status: TaskStatus | str | UnsetType
    priority: TaskPriority | str | UnsetType
    assignee: TaskRef | Mapping[str, Any] | UnsetType
    description: str | UnsetType | None
    due_date: datetime | UnsetType | None
    patient: TaskRef | Mapping[str, Any] | UnsetType | None
