# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import TypedDict

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .goal import GoalPriority, GoalStatus


@attrs.define(kw_only=True, repr=False)
class GoalUpdate(WelkinModel):
    """The fields a client may change on a care-plan goal (a PATCH): name, priority, status."""

    name: str | UnsetType = attrs.field(default=UNSET)
    priority: GoalPriority | UnsetType = attrs.field(default=UNSET)
    status: GoalStatus | UnsetType = attrs.field(default=UNSET)


class GoalUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`GoalUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    name: str | UnsetType
    priority: GoalPriority | str | UnsetType
    status: GoalStatus | str | UnsetType
