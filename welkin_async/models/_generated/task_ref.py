# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from uuid import UUID

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class TaskRef(WelkinModel):
    """A user (assignee, watcher) or patient a task body names, by id."""

    id: UUID
