"""``client.patients``: create, read (by id, external id, GUID or MRN), change, delete, list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async.models import Patient, PatientCreate, PatientCreateFields, PatientFilter
from welkin_async.resources._base import Resource, call_options, changes, new_body, some_change

ExternalIdKind = Literal["EID", "EGUID", "MRN"]
_PATIENT = "patients/{patient_id}"


class Patients(Resource):
    """The tenant environment's patients."""

    __slots__ = ()

    @overload
    async def create(
        self,
        patient: PatientCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> Patient: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[PatientCreateFields],
    ) -> Patient: ...
    async def create(
        self,
        patient: PatientCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> Patient:
        """Create a patient from a :class:`PatientCreate`, a mapping of wire names, or fields.

        ``client.patients.create(first_name="Ada", external_id="E-1")``; the fields are
        :class:`~welkin_async.models.PatientCreateFields` (a type checker flags a misspelt one).
        """
        body = new_body(PatientCreate, patient, fields)
        return await self._call(
            Patient,
            "POST",
            "patients",
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def get(self, patient_id: str | UUID, /, **options: Unpack[RequestOptions]) -> Patient:
        """The patient with this id (:class:`~welkin_async.errors.NotFound` if there is none)."""
        return await self._call(
            Patient, "GET", _PATIENT, path_params={"patient_id": patient_id}, options=options
        )

    async def get_by_external_id(
        self,
        value: str | UUID,
        /,
        *,
        kind: ExternalIdKind = "EID",
        **options: Unpack[RequestOptions],
    ) -> Patient:
        """The patient with this external id (``EID``), external GUID (``EGUID``) or ``MRN``."""
        return await self._call(
            Patient,
            "GET",
            _PATIENT,
            path_params={"patient_id": value},
            params={"type": kind},
            options=options,
        )

    async def update(
        self,
        patient_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[PatientCreateFields],
    ) -> Patient:
        """Change only the given fields (a PATCH); ``None`` clears a field, ``UNSET`` is skipped.

        ``client.patients.update(pid, phone="555-0100", middle_name=None)``; no field to change
        is a ``TypeError``, before anything is sent.
        """
        body = some_change("Patients.update", changes(PatientCreate, fields))
        return await self._call(
            Patient,
            "PATCH",
            _PATIENT,
            path_params={"patient_id": patient_id},
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def delete(self, patient_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete the patient and everything recorded for them."""
        await self._call_no_content(
            "DELETE", _PATIENT, path_params={"patient_id": patient_id}, options=options
        )

    def list(
        self,
        filter: PatientFilter | Mapping[str, Any] | None = None,
        *,
        size: int = 100,
        concurrency: int = 1,
        **options: Unpack[RequestOptions],
    ) -> Paginator[Patient]:
        """Every patient matching ``filter`` (all of them without one), in creation order.

        ``concurrency=N`` fetches N pages at once after the first; ``async for`` the result.
        The options apply to every page.
        """
        return self._client.paginate(
            "POST",
            "by-filter/patients",
            json=filter if filter is not None else {},
            size=size,
            concurrency=concurrency,
            item_type=Patient,
            options=options,
        )
