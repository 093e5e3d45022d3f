# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class PhaseFormation(WelkinModel):
    """One phase of a program and the phases it may move to."""

    name: str
    title: str | UnsetType | None = attrs.field(default=UNSET)
    type: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    auto_finish_program: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "autoFinishProgram"}
    )
    navigate_to: list[PhaseLink] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "navigateTo"}
    )


@attrs.define(kw_only=True, repr=False)
class PhaseLink(WelkinModel):
    """A phase a program may move to."""

    name: str


@attrs.define(kw_only=True, repr=False)
class ProgramFormation(WelkinModel):
    """A program as Designer defines it: its phases and the moves between them."""

    name: str
    phases: list[PhaseFormation]
    title: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    nodes: list[dict[str, Any]] | UnsetType | None = attrs.field(default=UNSET)
    """Designer's graph of the phases (nodes and edges), as drawn."""
