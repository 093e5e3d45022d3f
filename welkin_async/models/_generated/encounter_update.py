# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import TypedDict
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .encounter import EncounterStatus


@attrs.define(kw_only=True, repr=False)
class EncounterUpdate(WelkinModel):
    """The fields a client may change on an encounter; ``status`` moves it through its lifecycle."""

    title: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    template_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "templateName"}
    )
    """Another encounter template of the formation."""
    notes: str | UnsetType | None = attrs.field(default=UNSET)
    calendar_event_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEventId"}
    )
    """The calendar event that holds the encounter."""
    status: EncounterStatus | UnsetType | None = attrs.field(default=UNSET)


class EncounterUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`EncounterUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    title: str | UnsetType | None
    description: str | UnsetType | None
    template_name: str | UnsetType | None
    """Another encounter template of the formation."""
    notes: str | UnsetType | None
    calendar_event_id: UUID | str | UnsetType | None
    """The calendar event that holds the encounter."""
    status: EncounterStatus | str | UnsetType | None
