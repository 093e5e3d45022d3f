"""``client.audits``: the tenant's data audit (``admin/audit-data``) and webhook audit.

The data audit lists record changes across the tenant's environments, newest first: who made
them (an API client, a user, the system), to which patient, and the record after the change.
The webhook audit is the delivery log of webhook events; ``webhooks()`` is
``client.webhooks.deliveries()``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any, Unpack
from uuid import UUID

from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import structure, unstructure
from welkin_async.models import CdtRecord, DataAudit, WebhookAudit
from welkin_async.resources._base import Resource, aware

_DATA = "admin/audit-data"
_CDT_ENTITY = "CDT"


def _moment(name: str, value: datetime) -> str:
    text: str = unstructure(aware(name, value))
    return text


class Audits(Resource):
    """The tenant's audit trails."""

    __slots__ = ()

    def data(
        self,
        *,
        entity: str | None = None,
        cdt_name: str | None = None,
        patient_id: str | UUID | None = None,
        patient_full_name: str | None = None,
        subject_username: str | None = None,
        subject_full_name: str | None = None,
        subject_actor: str | None = None,
        instance: str | None = None,
        operation: str | None = None,
        date_start: datetime | None = None,
        date_end: datetime | None = None,
        include_formation: bool | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[DataAudit]:
        """Data-audit events, newest first, narrowed by the filters given (all without any).

        ``entity`` (``CDT``, ``PATIENT``...), ``cdt_name``, ``patient_id``,
        ``patient_full_name``, ``subject_username``, ``subject_full_name``, ``subject_actor``
        (``API_CLIENT``, ``USER``, ``PATIENT``, ``CS_TOOL_CLIENT``, ``SYSTEM``), ``instance``
        (an environment's name) and ``operation`` (``CREATE``, ``UPDATE``, ``DELETE``) match
        exactly; ``date_start``/``date_end`` (aware date-times) bound ``sent_at``;
        ``include_formation=True`` adds each CDT event's definition (``cdt``). Raises
        ``BadRequest`` for a value the server refuses (an unknown operation or actor),
        ``PermissionDenied`` when the role may not read the audit; a naive date-time is a
        ``ValueError`` before anything is sent.
        """
        given: dict[str, str | bool | None] = {
            "entity": entity,
            "cdtName": cdt_name,
            "patientId": str(patient_id) if patient_id is not None else None,
            "patientFullName": patient_full_name,
            "subjectUsername": subject_username,
            "subjectFullName": subject_full_name,
            "subjectActor": subject_actor,
            "instance": instance,
            "operation": operation,
            "dateStart": _moment("date_start", date_start) if date_start is not None else None,
            "dateEnd": _moment("date_end", date_end) if date_end is not None else None,
            "includeFormation": include_formation,
        }
        params: dict[str, QueryValue] = {k: v for k, v in given.items() if v is not None}
        return self._client.paginate(
            "GET", _DATA, params=params, size=size, item_type=DataAudit, options=options
        )

    def webhooks(
        self,
        *,
        since: datetime | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> AsyncGenerator[WebhookAudit, None]:
        """Webhook delivery attempts, newest first, back to ``since``: the same as
        ``client.webhooks.deliveries()`` (see there)."""
        return self._client.webhooks.deliveries(since=since, size=size, **options)

    @staticmethod
    def cdt_record(entry: DataAudit, /) -> CdtRecord[dict[str, Any]] | None:
        """The CDT record a CDT event carries, structured; ``None`` for other entities and for
        a deleted record (the audit keeps no values of it).

        Raises ``DecodeError`` when a CDT event's record is not a CDT-record envelope.
        """
        record = entry.record
        if entry.event_entity != _CDT_ENTITY or not isinstance(record, dict):
            return None
        if record.get("jsonBody") is None:
            return None
        return structure(record, CdtRecord[dict[str, Any]])
