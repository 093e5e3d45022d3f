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
class EmailUpdate(WelkinModel):
    """The fields a client may change on an email (a PUT sends only those given): ``starred``
    always, ``sender`` on an inbound email (the patient it is assigned to), the rest while the
    email is SCHEDULED."""

    subject: str | UnsetType = attrs.field(default=UNSET)
    body: str | UnsetType = attrs.field(default=UNSET)
    receiver: UUID | UnsetType = attrs.field(default=UNSET)
    send_now: bool | UnsetType = attrs.field(default=UNSET, metadata={"wire_name": "sendNow"})
    scheduled_at: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "scheduledAt"}
    )
    secure: bool | UnsetType = attrs.field(default=UNSET)
    starred: bool | UnsetType = attrs.field(default=UNSET)
    """Marks the email as important."""
    sender: UUID | UnsetType = attrs.field(default=UNSET)
    """Assigns an inbound email to the patient of this id."""


class EmailUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`EmailUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    subject: str | UnsetType
    body: str | UnsetType
    receiver: UUID | str | UnsetType
    send_now: bool | UnsetType
    scheduled_at: datetime | UnsetType
    secure: bool | UnsetType
    starred: bool | UnsetType
    """Marks the email as important."""
    sender: UUID | str | UnsetType
    """Assigns an inbound email to the patient of this id."""
