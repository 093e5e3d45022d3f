# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class SmsSend(WelkinModel):
    """The body that sends (or schedules) a text message to a patient."""

    message: str
    receiver: UUID | UnsetType = attrs.field(default=UNSET)
    """The patient the message goes to: the one the path names (the default)."""
    send_now: bool | UnsetType = attrs.field(default=UNSET, metadata={"wire_name": "sendNow"})
    """Send at once; otherwise the message waits, SCHEDULED, for ``scheduledAt``."""
    scheduled_at: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "scheduledAt"}
    )
    """When a scheduled message is to go out."""
