# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


class ChatClientType(OpenStrEnum):
    """Whether a chat participant is the patient or a user (``titleName`` is a user's name)."""

    PATIENT = "PATIENT"
    USER = "USER"


@attrs.define(kw_only=True, repr=False)
class ChatMessage(WelkinModel):
    """One message of a patient's chat with the care team."""

    sender: ChatParticipant | UnsetType = attrs.field(default=UNSET)
    receiver: ChatParticipant | UnsetType = attrs.field(default=UNSET)
    message: str | UnsetType | None = attrs.field(default=UNSET)
    external_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalId"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )


@attrs.define(kw_only=True, repr=False)
class ChatParticipant(WelkinModel):
    """Who sent or received a chat message: the patient or a user of the care team."""

    client_type: ChatClientType | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "clientType"}
    )
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    title_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "titleName"}
    )
    patient_full_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientFullName"}
    )
