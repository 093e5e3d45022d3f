# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class CarePlanOverviewWrite(WelkinModel):
    """The body that writes a care plan's overview (``POST`` or ``PUT .../care-plan/overview``)."""

    overview: str
