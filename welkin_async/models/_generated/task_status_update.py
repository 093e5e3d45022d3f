# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from uuid import UUID

import attrs

from welkin_async.models._base import WelkinModel

from .task import TaskStatus


@attrs.define(kw_only=True, repr=False)
class TaskStatusUpdate(WelkinModel):
    """One status for several tasks at once (``PATCH tasks``)."""

    task_ids: list[UUID] = attrs.field(metadata={"wire_name": "taskIds"})
    status: TaskStatus
