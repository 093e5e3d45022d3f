# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class GoalCommentCreate(WelkinModel):
    """The body that adds a comment to a care-plan goal (``POST .../goals/{goalId}/comments``)."""

    text: str
