# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import TypedDict
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class SmsUpdate(WelkinModel):
    """The fields a client may change on a text message (a PUT sends only those given):
    ``starred`` always, ``sender`` on an inbound message (the patient it is assigned to), the rest
    while the message is SCHEDULED."""

    message: str | UnsetType = attrs.field(default=UNSET)
    receiver: UUID | UnsetType = attrs.field(default=UNSET)
    send_now: bool | UnsetType = attrs.field(default=UNSET, metadata={"wire_name": "sendNow"})
    scheduled_at: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "scheduledAt"}
    )
    starred: bool | UnsetType = attrs.field(default=UNSET)
    """Marks the message as important."""
    sender: UUID | UnsetType = attrs.field(default=UNSET)
    """Assigns an inbound message to the patient of this id."""


class SmsUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`SmsUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    message: str | UnsetType
    receiver: UUID | str | UnsetType
    send_now: bool | UnsetType
    scheduled_at: datetime | UnsetType
    starred: bool | UnsetType
    """Marks the message as important."""
    sender: UUID | str | UnsetType
    """Assigns an inbound message to the patient of this id."""
