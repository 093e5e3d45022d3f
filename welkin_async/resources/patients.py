"""``client.patients``: create, read (by id, external id, GUID or MRN), change, delete, list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from welkin_async._pagination import Paginator
from welkin_async.models import Patient, PatientCreate, PatientFilter
from welkin_async.resources._base import Resource, changes, new_body

ExternalIdKind = Literal["EID", "EGUID", "MRN"]
_PATIENT = "patients/{patient_id}"


class Patients(Resource):
    """The tenant environment's patients."""

    __slots__ = ()

    async def create(
        self, patient: PatientCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Patient:
        """Create a patient from a :class:`PatientCreate`, a mapping of wire names, or fields.

        ``client.patients.create(first_name="Ada", external_id="E-1")``
        """
        body = new_body(PatientCreate, patient, fields)
        return await self._call(Patient, "POST", "patients", json=body)

    async def get(self, patient_id: str, /) -> Patient:
        """The patient with this id (:class:`~welkin_async.errors.NotFound` if there is none)."""
        return await self._call(Patient, "GET", _PATIENT, path_params={"patient_id": patient_id})

    async def get_by_external_id(self, value: str, /, *, kind: ExternalIdKind = "EID") -> Patient:
        """The patient with this external id (``EID``), external GUID (``EGUID``) or ``MRN``."""
        return await self._call(
            Patient,
            "GET",
            _PATIENT,
            path_params={"patient_id": value},
            params={"type": kind},
        )

    async def update(self, patient_id: str, /, **fields: Any) -> Patient:
        """Change only the given fields (a PATCH); ``None`` clears a field, ``UNSET`` is skipped.

        ``client.patients.update(pid, phone="555-0100", middle_name=None)``
        """
        body = changes(PatientCreate, fields)
        return await self._call(
            Patient, "PATCH", _PATIENT, path_params={"patient_id": patient_id}, json=body
        )

    async def delete(self, patient_id: str, /) -> None:
        """Delete the patient and everything recorded for them."""
        await self._call_no_content("DELETE", _PATIENT, path_params={"patient_id": patient_id})

    def list(
        self,
        filter: PatientFilter | Mapping[str, Any] | None = None,
        *,
        size: int = 100,
        concurrency: int = 1,
    ) -> Paginator[Patient]:
        """Every patient matching ``filter`` (all of them without one), in creation order.

        ``concurrency=N`` fetches N pages at once after the first; ``async for`` the result.
        """
        return self._client.paginate(
            "POST",
            "by-filter/patients",
            json=filter if filter is not None else {},
            size=size,
            concurrency=concurrency,
            item_type=Patient,
        )
