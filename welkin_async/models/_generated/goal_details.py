# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel

from .goal import Goal
from .goal_comment import GoalComment
from .task import Task


@attrs.define(kw_only=True, repr=False)
class GoalDetails(WelkinModel):
    """A care-plan goal with its tasks and comments (``GET .../care-plan/goals/{goalId}``)."""

    details: Goal
    tasks: list[Task]
    comments: list[GoalComment]
