# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class Email(WelkinModel):
    """An email to or from a patient (vendor reference shape; no recording lists one)."""

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
    subject: str | UnsetType | None = attrs.field(default=UNSET)
    body: str | UnsetType | None = attrs.field(default=UNSET)
    status: EmailStatus | UnsetType | None = attrs.field(default=UNSET)
    secure: bool | UnsetType | None = attrs.field(default=UNSET)
    attachments: list[EmailAttachment] | UnsetType | None = attrs.field(default=UNSET)
    """The files sent with the email; null when there are none."""


@attrs.define(kw_only=True, repr=False)
class EmailAttachment(WelkinModel):
    """A file sent with an email: its id, size in bytes, media type, the name it was
    sent under and where the API keeps it."""

    id: UUID
    size: int | UnsetType | None = attrs.field(default=UNSET)
    storage_key: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "storageKey"}
    )
    content_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "contentType"}
    )
    original_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "originalName"}
    )


class EmailStatus(OpenStrEnum):
    """Where an email stands; ``UNRECOGNISED``: no patient has its address."""

    SCHEDULED = "SCHEDULED"
    ACCEPTED = "ACCEPTED"
    DELIVERED = "DELIVERED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    UNRECOGNISED = "UNRECOGNISED"


class MessageDirection(OpenStrEnum):
    """``IN``: from the patient to the care team; ``OUT``: to the patient."""

    IN = "IN"
    OUT = "OUT"
