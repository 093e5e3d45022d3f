"""``client.encounters(patient_id)``: a patient's encounters and the assessments made in them.

Encounters travel in the CDT-record envelope: ``record.json_body`` is the :class:`Encounter`.
Once completed, an encounter and its assessments are locked (``Conflict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from welkin_async._pagination import Paginator
from welkin_async.models import (
    AssessmentRecord,
    AssessmentRecordWrite,
    CdtRecord,
    Encounter,
    EncounterCreate,
    EncounterStatus,
    EncounterUpdate,
    FullEncounter,
)
from welkin_async.resources._base import PatientResource, Resource, changes, new_body

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

EncounterRecord = CdtRecord[Encounter]
"""An encounter as served: the record envelope, with the encounter's fields in ``json_body``."""

_LIST = "patients/{patient_id}/encounters"
_ONE = "patients/{patient_id}/encounters/{encounter_id}"
_FULL = "patients/{patient_id}/full-encounters/{encounter_id}"
_ASSESSMENTS = "patients/{patient_id}/encounters/{encounter_id}/assessments"
_ASSESSMENT = "patients/{patient_id}/encounters/{encounter_id}/assessments/{record_id}"


class Encounters(PatientResource):
    """One patient's encounters."""

    __slots__ = ()

    def _one(self, encounter_id: str) -> dict[str, str]:
        return self._under(encounter_id=encounter_id)

    async def create(
        self, encounter: EncounterCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> EncounterRecord:
        """Open an encounter from a template: ``create(template_name="intake", title=...)``.

        The template's assessments are created with it, as drafts.
        """
        body = new_body(EncounterCreate, encounter, fields)
        return await self._call(
            EncounterRecord, "POST", _LIST, path_params=self._patient, json=body
        )

    async def get(self, encounter_id: str, /) -> EncounterRecord:
        """One encounter by id."""
        return await self._call(EncounterRecord, "GET", _ONE, path_params=self._one(encounter_id))

    async def full(self, encounter_id: str, /) -> FullEncounter:
        """The encounter with its disposition, calendar event, assessment links and comments."""
        return await self._call(FullEncounter, "GET", _FULL, path_params=self._one(encounter_id))

    async def update(self, encounter_id: str, /, **fields: Any) -> EncounterRecord:
        """Change only the given fields (``title``, ``description``, ``notes``, ``status``)."""
        return await self._call(
            EncounterRecord,
            "PATCH",
            _ONE,
            path_params=self._one(encounter_id),
            json=changes(EncounterUpdate, fields),
        )

    async def complete(self, encounter_id: str, /) -> EncounterRecord:
        """Complete the encounter; its assessments are locked from then on."""
        return await self.update(encounter_id, status=EncounterStatus.COMPLETED)

    async def delete(self, encounter_id: str, /) -> None:
        """Mark the encounter deleted (an open one only); lists leave it out from then on."""
        await self._call_no_content("DELETE", _ONE, path_params=self._one(encounter_id))

    def list(self, *, size: int = 100, concurrency: int = 1) -> Paginator[EncounterRecord]:
        """The patient's encounters, except deleted ones."""
        return self._client.paginate(
            "GET",
            _LIST,
            path_params=self._patient,
            size=size,
            concurrency=concurrency,
            item_type=EncounterRecord,
        )

    def assessments(self, encounter_id: str, /) -> EncounterAssessments:
        """The assessment records made within one encounter."""
        return EncounterAssessments(self._client, self._one(encounter_id))


class EncounterAssessments(Resource):
    """The assessment records of one encounter."""

    __slots__ = ("_encounter",)

    def __init__(self, client: WelkinClient, encounter: Mapping[str, str]) -> None:
        super().__init__(client)
        self._encounter = dict(encounter)

    async def list(self) -> list[AssessmentRecord]:
        """Every assessment record of the encounter (one answer, not paged)."""
        return await self._call(
            list[AssessmentRecord], "GET", _ASSESSMENTS, path_params=self._encounter
        )

    async def get(self, record_id: str, /) -> AssessmentRecord:
        """One of the encounter's assessment records."""
        return await self._call(
            AssessmentRecord,
            "GET",
            _ASSESSMENT,
            path_params={**self._encounter, "record_id": record_id},
        )

    async def create(
        self, record: AssessmentRecordWrite | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> AssessmentRecord:
        """Add an assessment to the (open) encounter: ``create(assessment_name="phq9")``."""
        body = new_body(AssessmentRecordWrite, record, fields)
        return await self._call(
            AssessmentRecord, "POST", _ASSESSMENTS, path_params=self._encounter, json=body
        )

    async def replace(
        self,
        record_id: str,
        record: AssessmentRecordWrite | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> AssessmentRecord:
        """Replace one record's answers and status (a PUT: answers not given are dropped)."""
        body = new_body(AssessmentRecordWrite, record, fields)
        return await self._call(
            AssessmentRecord,
            "PUT",
            _ASSESSMENT,
            path_params={**self._encounter, "record_id": record_id},
            json=body,
        )
