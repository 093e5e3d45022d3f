# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class WebhookEvent(WelkinModel):
    """A webhook delivery's payload: a ping naming the record to pull."""

    tenant_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "tenantName"}
    )
    instance_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceName"}
    )
    source_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sourceName"}
    )
    source_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sourceId"}
    )
    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    event_entity: WebhookEventEntity | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventEntity"}
    )
    event_subtype: WebhookEventSubtype | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventSubtype"}
    )
    url: str | UnsetType | None = attrs.field(default=UNSET)


class WebhookEventEntity(OpenStrEnum):
    """What kind of record an event is about."""

    PATIENT = "PATIENT"
    ENCOUNTER = "ENCOUNTER"
    ASSESSMENT = "ASSESSMENT"
    PROGRAM = "PROGRAM"
    CDT = "CDT"
    CALENDAR = "CALENDAR"
    USER_APP_ACCESS = "USER_APP_ACCESS"


class WebhookEventSubtype(OpenStrEnum):
    """What happened; a subtype this list lacks is kept as received."""

    PATIENT_CREATED = "PATIENT_CREATED"
    PATIENT_UPDATED = "PATIENT_UPDATED"
    ENCOUNTER_CREATED = "ENCOUNTER_CREATED"
    ENCOUNTER_UPDATED = "ENCOUNTER_UPDATED"
    ENCOUNTER_COMPLETED = "ENCOUNTER_COMPLETED"
    ASSESSMENT_CREATED = "ASSESSMENT_CREATED"
    ASSESSMENT_COMPLETED = "ASSESSMENT_COMPLETED"
    PROGRAM_ASSIGNED = "PROGRAM_ASSIGNED"
    PROGRAM_PHASE_CHANGED = "PROGRAM_PHASE_CHANGED"
    CDT_CREATED = "CDT_CREATED"
    CDT_UPDATED = "CDT_UPDATED"
    CDT_DELETED = "CDT_DELETED"
    CALENDAR_EVENT_CREATED = "CALENDAR_EVENT_CREATED"
    CALENDAR_EVENT_UPDATED = "CALENDAR_EVENT_UPDATED"
    USER_ACCESS_UPDATED = "USER_ACCESS_UPDATED"
