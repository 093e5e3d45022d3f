# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class WebhookAudit(WelkinModel):
    """One webhook delivery attempt, as ``admin/audit-webhook`` lists it."""

    id: str
    sent_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sentAt"}
    )
    event_entity: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventEntity"}
    )
    event_subtype: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventSubtype"}
    )
    instance: str | UnsetType | None = attrs.field(default=UNSET)
    patient_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    status: str | UnsetType | None = attrs.field(default=UNSET)
    status_code: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "statusCode"}
    )
    response: str | UnsetType | None = attrs.field(default=UNSET)
    record: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
