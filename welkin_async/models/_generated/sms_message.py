# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel

from .email import MessageDirection


@attrs.define(kw_only=True, repr=False)
class SmsMessage(WelkinModel):
    """A text message to or from a patient (vendor reference shape; none recorded)."""

    id: UUID
    send_now: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sendNow"}
    )
    scheduled_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "scheduledAt"}
    )
    sent_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sentAt"}
    )
    received_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "receivedAt"}
    )
    date: datetime | UnsetType | None = attrs.field(default=UNSET)
    care_team: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "careTeam"}
    )
    patient_info: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientInfo"}
    )
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    sender: UUID | UnsetType | None = attrs.field(default=UNSET)
    from_: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "from"})
    receiver: UUID | UnsetType | None = attrs.field(default=UNSET)
    to: str | UnsetType | None = attrs.field(default=UNSET)
    direction: MessageDirection | UnsetType | None = attrs.field(default=UNSET)
    external_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalId"}
    )
    starred: bool | UnsetType | None = attrs.field(default=UNSET)
    sender_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "senderName"}
    )
    receiver_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "receiverName"}
    )
    message: str | UnsetType | None = attrs.field(default=UNSET)
    parts: int | UnsetType | None = attrs.field(default=UNSET)
    status: SmsStatus | UnsetType | None = attrs.field(default=UNSET)


class SmsStatus(OpenStrEnum):
    """Where a text message stands; ``UNRECOGNISED``: no patient has its number."""

    SCHEDULED = "SCHEDULED"
    ACCEPTED = "ACCEPTED"
    SENT = "SENT"
    RECEIVED = "RECEIVED"
    DELIVERED = "DELIVERED"
    UNDELIVERED = "UNDELIVERED"
    FAILED = "FAILED"
    UNRECOGNISED = "UNRECOGNISED"
