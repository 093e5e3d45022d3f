"""``client.webhooks``: pull the record an event points to, and read the delivery audit."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime
from typing import Any, Unpack

from welkin_async._options import RequestOptions
from welkin_async._unset import UNSET
from welkin_async.errors import WebhookSourceError
from welkin_async.models import (
    AssessmentRecord,
    CdtRecord,
    Patient,
    PatientProgram,
    WebhookAudit,
    WebhookEvent,
    WebhookEventEntity,
)
from welkin_async.resources._base import Resource, aware

WebhookSource = Patient | CdtRecord[Any] | AssessmentRecord | PatientProgram
"""What :meth:`Webhooks.fetch_source` returns (an encounter is a ``CdtRecord[Encounter]``)."""

_ENTITY = WebhookEventEntity
_FETCHABLE = frozenset(
    {_ENTITY.PATIENT, _ENTITY.CDT, _ENTITY.ENCOUNTER, _ENTITY.ASSESSMENT, _ENTITY.PROGRAM}
)


def _needed(event: WebhookEvent, attribute: str, wire: str) -> str:
    value = getattr(event, attribute)
    if value is None or value is UNSET or value == "":
        raise WebhookSourceError(
            f"a {event.event_entity} event without {wire} does not say which record to fetch"
        )
    return str(value)


class Webhooks(Resource):
    """Ping then pull: an event names a record, these calls fetch it; and the delivery audit."""

    __slots__ = ()

    async def fetch_source(
        self, event: WebhookEvent, /, **options: Unpack[RequestOptions]
    ) -> WebhookSource:
        """The record ``event`` is about, as it is now: a patient, CDT record, encounter,
        assessment record or patient program (one call, which the options apply to).

        A CDT record comes typed when the client has ``models=`` with a class for its CDT.
        Events about other entities (calendar, user access) raise ``WebhookSourceError``.
        """
        client, entity = self._client, event.event_entity
        if entity not in _FETCHABLE:
            named = (
                f"a {entity} event" if isinstance(entity, str) else "an event without eventEntity"
            )
            raise WebhookSourceError(f"fetch_source cannot fetch the source of {named}")
        patient_id = _needed(event, "patient_id", "patientId")
        if entity == _ENTITY.PATIENT:
            return await client.patients.get(patient_id, **options)
        if entity == _ENTITY.CDT:
            name = _needed(event, "source_name", "sourceName")
            cls = client.models.classes.get(name) if client.models is not None else None
            records = client.cdts(patient_id, cls if cls is not None else name)
            return await records.get(_needed(event, "source_id", "sourceId"), **options)
        if entity == _ENTITY.ENCOUNTER:
            encounters = client.encounters(patient_id)
            return await encounters.get(_needed(event, "source_id", "sourceId"), **options)
        if entity == _ENTITY.ASSESSMENT:
            assessments = client.assessment_records(patient_id)
            return await assessments.get(_needed(event, "source_id", "sourceId"), **options)
        programs = client.programs(patient_id)
        return await programs.current(_needed(event, "source_name", "sourceName"), **options)

    async def deliveries(
        self,
        *,
        since: datetime | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> AsyncGenerator[WebhookAudit, None]:
        """Delivery attempts, newest first, back to ``since`` (all of them without it).

        ``admin/audit-webhook`` lists attempts newest first, so reading stops at the first one
        sent before ``since``. Filter on ``status == "FAILED"`` to find the deliveries a
        receiver missed, then pull their records again. The options apply to every page.
        """
        if since is not None:
            aware("since", since)
        audit = self._client.paginate(
            "GET", "admin/audit-webhook", size=size, item_type=WebhookAudit, options=options
        )
        async with aclosing(audit.pages()) as pages:  # stopping early closes the pages now
            async for page in pages:
                for attempt in page.items:
                    sent = attempt.sent_at
                    if since is not None and isinstance(sent, datetime) and sent < since:
                        return
                    yield attempt
