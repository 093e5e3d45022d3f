# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EncounterTemplate(WelkinModel):
    """An encounter type from Designer and the assessments it carries."""

    name: str
    title: str | UnsetType | None = attrs.field(default=UNSET)
    assessments: list[str] | UnsetType = attrs.field(default=UNSET)
