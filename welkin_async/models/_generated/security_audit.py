# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class SecurityAudit(WelkinModel):
    """One security-audit event, as ``admin/audit-security`` lists it: who (the subject) did
    what (``eventSubtype``) to whom (the object), when, and the object after the change."""

    event_id: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "eventId"})
    """The event's id."""
    event_subtype: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventSubtype"}
    )
    """What happened: USER_ACCESS_UPDATED, USER_PERMISSIONS_UPDATED,
    USER_TERRITORIES_UPDATED, TOKEN_ISSUED, TOKEN_REFUSED, ACCESS_TOKEN_REJECTED,
    ACCESS_DENIED..."""
    subject_username: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectUsername"}
    )
    """Who acted: their username (an API client's name)."""
    subject_user_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectUserId"}
    )
    subject_actor: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectActor"}
    )
    """What kind of actor acted: API_CLIENT, USER, PATIENT, CS_TOOL_CLIENT."""
    subject_full_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectFullName"}
    )
    object_username: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "objectUsername"}
    )
    """Whom the action was taken on: their username."""
    object_user_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "objectUserId"}
    )
    object_actor: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "objectActor"}
    )
    """What kind of actor the action was taken on: API_CLIENT, USER, PATIENT,
    CS_TOOL_CLIENT."""
    object_full_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "objectFullName"}
    )
    sent_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sentAt"}
    )
    record: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    """The object after the action, as served: a user's application access, permissions or
    territories after a change; for a token or a refusal, what was granted or refused (never a
    token or a secret)."""
