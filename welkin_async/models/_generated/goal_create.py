# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class GoalCreate(WelkinModel):
    """The body that adds a goal to a care plan (``POST .../care-plan/goals``): the goal template
    of the formation it is made from."""

    goal_template_name: str = attrs.field(metadata={"wire_name": "goalTemplateName"})
