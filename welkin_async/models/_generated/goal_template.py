# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class GoalTaskSubject(WelkinModel):
    """Who a goal's task is assigned to: a role (``roleName``) or the point of contact."""

    type: str | UnsetType | None = attrs.field(default=UNSET)
    role_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "roleName"}
    )


@attrs.define(kw_only=True, repr=False)
class GoalTaskTemplate(WelkinModel):
    """A task template a goal brings, and who the task goes to."""

    name: str
    subject_config: GoalTaskSubject | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectConfig"}
    )


@attrs.define(kw_only=True, repr=False)
class GoalTemplate(WelkinModel):
    """A goal template of the formation (``formations/{version}/goal-templates``): a care-plan goal
    and the tasks that come with it."""

    name: str
    goal_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "goalName"}
    )
    type: str | UnsetType | None = attrs.field(default=UNSET)
    priority: str | UnsetType | None = attrs.field(default=UNSET)
    """LOW, MEDIUM or HIGH."""
    task_templates: list[GoalTaskTemplate] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "taskTemplates"}
    )
