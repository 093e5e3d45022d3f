# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EmailSend(WelkinModel):
    """The body that sends (or schedules) an email to a patient; with attachments the same
    fields travel as multipart/form-data beside the files."""

    subject: str
    body: str
    receiver: UUID | UnsetType = attrs.field(default=UNSET)
    """The patient the email goes to: the one the path names (the default)."""
    send_now: bool | UnsetType = attrs.field(default=UNSET, metadata={"wire_name": "sendNow"})
    """Send at once; otherwise the email waits, SCHEDULED, for ``scheduledAt``."""
    scheduled_at: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "scheduledAt"}
    )
    """When a scheduled email is to go out."""
    secure: bool | UnsetType = attrs.field(default=UNSET)
    """Send through the secure (encrypted) email service."""
