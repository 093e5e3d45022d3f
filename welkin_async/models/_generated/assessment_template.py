# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class AssessmentTemplate(WelkinModel):
    """An assessment form from Designer: the CDT it fills and its questions by answer key."""

    name: str
    title: str | UnsetType | None = attrs.field(default=UNSET)
    cdt_name: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "cdtName"})
    questions: dict[str, str] | UnsetType = attrs.field(default=UNSET)
