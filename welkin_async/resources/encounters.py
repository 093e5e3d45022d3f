"""``client.encounters(patient_id)``: a patient's encounters and the assessments linked to them.

Encounters travel in the CDT-record envelope: ``record.json_body`` is the :class:`Encounter`.
So do an encounter's assessments: each is a link (``record.json_body`` is an
:class:`EncounterAssessment`) naming an assessment and, once one is filled in, the assessment
record that answers it (``assessment_record_id``; read it with ``client.assessment_records``).
Once completed, an encounter and its linked assessment records are locked (``Conflict``).
An encounter's disposition is a record of the CDT ``__encounter_disposition__`` (its fields are
the tenant's: ``client.formations.encounter_disposition()``), read and changed by encounter id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from welkin_async._pagination import Paginator
from welkin_async.models import (
    CdtRecord,
    Encounter,
    EncounterAssessment,
    EncounterAssessmentCreate,
    EncounterAssessmentUpdate,
    EncounterCreate,
    EncounterStatus,
    EncounterUpdate,
    FullEncounter,
)
from welkin_async.resources._base import PatientResource, Resource, aware, changes, new_body

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

EncounterRecord = CdtRecord[Encounter]
"""An encounter as served: the record envelope, with the encounter's fields in ``json_body``."""
DispositionRecord = CdtRecord[dict[str, Any]]
"""An encounter's disposition as served: the record envelope, its field values in ``json_body``
by wire name (``cdtName`` ``__encounter_disposition__``)."""
EncounterAssessmentRecord = CdtRecord[EncounterAssessment]
"""An encounter's assessment link as served: the record envelope around an
:class:`EncounterAssessment` (``cdtName`` ``__encounter_assessment__``)."""

_LIST = "patients/{patient_id}/encounters"
_ONE = "patients/{patient_id}/encounters/{encounter_id}"
_FULL = "patients/{patient_id}/full-encounters/{encounter_id}"
_ASSESSMENTS = "patients/{patient_id}/encounters/{encounter_id}/assessments"
_ASSESSMENT = "patients/{patient_id}/encounters/{encounter_id}/assessments/{link_id}"
_DISPOSITION = "patients/{patient_id}/encounters/{encounter_id}/disposition"


def _disposition_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Disposition values as sent: a mapping of field names; a naive date-time is refused
    (naming its field), since guessing its zone would move the instant."""
    if not isinstance(values, Mapping):
        raise TypeError(
            f"disposition values are a mapping of field names, not {type(values).__name__}"
        )
    for field, value in values.items():
        if not isinstance(field, str):
            raise TypeError(f"a disposition field name is a str, not {type(field).__name__}")
        if isinstance(value, datetime):
            aware(repr(field), value)
    return dict(values)


class Encounters(PatientResource):
    """One patient's encounters."""

    __slots__ = ()

    def _one(self, encounter_id: str) -> dict[str, str]:
        return self._under(encounter_id=encounter_id)

    async def create(
        self, encounter: EncounterCreate | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> EncounterRecord:
        """Open an encounter from a template: ``create(template_name="intake", title=...)``.

        Each assessment of the template is linked to it, unanswered (``assessments(id)``).
        """
        body = new_body(EncounterCreate, encounter, fields)
        return await self._call(
            EncounterRecord, "POST", _LIST, path_params=self._patient, json=body
        )

    async def get(self, encounter_id: str, /) -> EncounterRecord:
        """One encounter by id."""
        return await self._call(EncounterRecord, "GET", _ONE, path_params=self._one(encounter_id))

    async def full(self, encounter_id: str, /) -> FullEncounter:
        """The encounter with its disposition, calendar event, the user it is scheduled with,
        its assessment links (:data:`EncounterAssessmentRecord`) and comments."""
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
        """Complete the encounter; it and the assessment records its links point to are locked
        from then on."""
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

    async def disposition(self, encounter_id: str, /) -> DispositionRecord:
        """The encounter's disposition (every disposition field, null until set).

        Raises ``NotFound`` (``ENCOUNTER_NOT_FOUND``) for an encounter the patient does not
        have, ``PermissionDenied`` when the role may not read encounters.
        """
        return await self._call(
            DispositionRecord, "GET", _DISPOSITION, path_params=self._one(encounter_id)
        )

    async def update_disposition(
        self, encounter_id: str, values: Mapping[str, Any], /
    ) -> DispositionRecord:
        """Set disposition fields, sent flat by field name (a PATCH): only those change.

        ``update_disposition(eid, {"uicedf-review": "great health"})``; ``None`` clears a
        field. Raises ``BadRequest`` (``CDT_FIELD_VALIDATION_FAILED``, naming the field) for a
        field the tenant's disposition does not define or a value it refuses, ``NotFound``
        (``ENCOUNTER_NOT_FOUND``), ``PermissionDenied`` when the role may not update encounters;
        before sending, ``TypeError`` for values that are not a mapping of field names and
        ``ValueError`` for a naive date-time.
        """
        return await self._call(
            DispositionRecord,
            "PATCH",
            _DISPOSITION,
            path_params=self._one(encounter_id),
            json=_disposition_values(values),
        )

    def assessments(self, encounter_id: str, /) -> EncounterAssessments:
        """The assessments linked to one encounter."""
        return EncounterAssessments(self._client, self._one(encounter_id))


class EncounterAssessments(Resource):
    """The assessment links of one encounter."""

    __slots__ = ("_encounter",)

    def __init__(self, client: WelkinClient, encounter: Mapping[str, str]) -> None:
        super().__init__(client)
        self._encounter = dict(encounter)

    def _link(self, link_id: str) -> dict[str, str]:
        return {**self._encounter, "link_id": link_id}

    async def list(self) -> list[EncounterAssessmentRecord]:
        """Every assessment link of the encounter (one answer, not paged)."""
        return await self._call(
            list[EncounterAssessmentRecord], "GET", _ASSESSMENTS, path_params=self._encounter
        )

    async def get(self, link_id: str, /) -> EncounterAssessmentRecord:
        """One of the encounter's assessment links, by the link's id."""
        return await self._call(
            EncounterAssessmentRecord, "GET", _ASSESSMENT, path_params=self._link(link_id)
        )

    async def create(
        self,
        link: EncounterAssessmentCreate | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> EncounterAssessmentRecord:
        """Link an assessment to the (open) encounter: ``create(assessment_name="phq9")``, and
        optionally the record that answers it (``assessment_record_id=...``)."""
        body = new_body(EncounterAssessmentCreate, link, fields)
        return await self._call(
            EncounterAssessmentRecord,
            "POST",
            _ASSESSMENTS,
            path_params=self._encounter,
            json=body,
        )

    async def update(self, link_id: str, /, **fields: Any) -> EncounterAssessmentRecord:
        """Change the link (a PATCH): ``update(link_id, assessment_record_id=record.id)``."""
        return await self._call(
            EncounterAssessmentRecord,
            "PATCH",
            _ASSESSMENT,
            path_params=self._link(link_id),
            json=changes(EncounterAssessmentUpdate, fields),
        )

    async def delete(self, link_id: str, /) -> None:
        """Remove the link from the (open) encounter."""
        await self._call_no_content("DELETE", _ASSESSMENT, path_params=self._link(link_id))
