# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class TaskCommentCreate(WelkinModel):
    """A comment to add to a task (``PATCH tasks/{taskId}/comments``, or in a create body)."""

    text: str
