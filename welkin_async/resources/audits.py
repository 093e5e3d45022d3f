"""``client.audits``: the tenant's data audit (``admin/audit-data``), security audit
(``admin/audit-security``) and webhook audit.

The data audit lists record changes across the tenant's environments, newest first: who made
them (an API client, a user, the system), to which patient, and the record after the change.
The security audit lists security events, newest first: who acted (the subject), on whom (the
object), what happened (a user's access changed, a token granted or refused, a request refused)
and the object after it. The webhook audit is the delivery log of webhook events;
``webhooks()`` is ``client.webhooks.deliveries()``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any, Unpack
from uuid import UUID

from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import structure
from welkin_async.models import CdtRecord, DataAudit, SecurityAudit, WebhookAudit
from welkin_async.resources._base import Resource, query_instant, text_arg

_DATA = "admin/audit-data"
_SECURITY = "admin/audit-security"
_CDT_ENTITY = "CDT"


def _bounds(date_start: datetime | None, date_end: datetime | None) -> dict[str, str | None]:
    """``dateStart`` and ``dateEnd``: the aware bounds given, in UTC (``None`` as it is)."""
    return {
        "dateStart": None if date_start is None else query_instant("date_start", date_start),
        "dateEnd": None if date_end is None else query_instant("date_end", date_end),
    }


def _given(filters: dict[str, QueryValue | None]) -> dict[str, QueryValue]:
    """The filters the caller gave: those not ``None``."""
    return {name: value for name, value in filters.items() if value is not None}


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
        params = _given(
            {
                "entity": entity,
                "cdtName": cdt_name,
                "patientId": str(patient_id) if patient_id is not None else None,
                "patientFullName": patient_full_name,
                "subjectUsername": subject_username,
                "subjectFullName": subject_full_name,
                "subjectActor": subject_actor,
                "instance": instance,
                "operation": operation,
                **_bounds(date_start, date_end),
                "includeFormation": include_formation,
            }
        )
        return self._client.paginate(
            "GET", _DATA, params=params, size=size, item_type=DataAudit, options=options
        )

    def security(
        self,
        *,
        event_subtype: str | None = None,
        subject_username: str | None = None,
        subject_full_name: str | None = None,
        subject_actor: str | None = None,
        object_username: str | None = None,
        object_full_name: str | None = None,
        object_actor: str | None = None,
        date_start: datetime | None = None,
        date_end: datetime | None = None,
        sort: str | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[SecurityAudit]:
        """Security-audit events, newest first or as ``sort`` (``"createdAt,asc"``: a field,
        then ``asc`` or ``desc``) asks, narrowed by the filters given (all without any).

        ``event_subtype`` (``USER_ACCESS_UPDATED``, ``USER_PERMISSIONS_UPDATED``,
        ``USER_TERRITORIES_UPDATED``, ``TOKEN_ISSUED``...), the subject's (who acted) and the
        object's (whom the action was taken on) ``*_username`` and ``*_full_name``, and
        ``subject_actor``/``object_actor`` (``API_CLIENT``, ``USER``, ``PATIENT``,
        ``CS_TOOL_CLIENT``) match exactly; ``date_start``/``date_end`` (aware date-times) bound
        ``sent_at``. Raises ``BadRequest`` (``INVALID_PARAMETER``) for an actor or a sort the
        server does not take, ``PermissionDenied`` when the role may not read the audit; a
        naive date-time is a ``ValueError``, and a ``sort`` that is not a str a ``TypeError``,
        before anything is sent.
        """
        params = _given(
            {
                "eventSubtype": event_subtype,
                "subjectUsername": subject_username,
                "subjectFullName": subject_full_name,
                "subjectActor": subject_actor,
                "objectUsername": object_username,
                "objectFullName": object_full_name,
                "objectActor": object_actor,
                **_bounds(date_start, date_end),
                "sort": None if sort is None else text_arg("sort", sort),
            }
        )
        return self._client.paginate(
            "GET", _SECURITY, params=params, size=size, item_type=SecurityAudit, options=options
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
