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
from typing import TYPE_CHECKING, Any, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async.models import (
    CdtRecord,
    Encounter,
    EncounterAssessment,
    EncounterAssessmentCreate,
    EncounterAssessmentCreateFields,
    EncounterAssessmentUpdate,
    EncounterAssessmentUpdateFields,
    EncounterCreate,
    EncounterCreateFields,
    EncounterStatus,
    EncounterUpdate,
    EncounterUpdateFields,
    FullEncounter,
)
from welkin_async.resources._base import (
    PatientResource,
    Resource,
    aware,
    call_options,
    changes,
    new_body,
    some_change,
)

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

    def _one(self, encounter_id: str | UUID) -> dict[str, str | UUID]:
        return self._under(encounter_id=encounter_id)

    @overload
    async def create(
        self,
        encounter: EncounterCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> EncounterRecord: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[EncounterCreateFields],
    ) -> EncounterRecord: ...
    async def create(
        self,
        encounter: EncounterCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> EncounterRecord:
        """Open an encounter from a template: ``create(template_name="intake", title=...)`` (the
        fields are :class:`~welkin_async.models.EncounterCreateFields`).

        Each assessment of the template is linked to it, unanswered (``assessments(id)``).
        """
        body = new_body(EncounterCreate, encounter, fields)
        return await self._call(
            EncounterRecord,
            "POST",
            _LIST,
            path_params=self._patient,
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def get(
        self, encounter_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> EncounterRecord:
        """One encounter by id."""
        return await self._call(
            EncounterRecord, "GET", _ONE, path_params=self._one(encounter_id), options=options
        )

    async def full(
        self, encounter_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> FullEncounter:
        """The encounter with its disposition, calendar event, the user it is scheduled with,
        its assessment links (:data:`EncounterAssessmentRecord`) and comments."""
        return await self._call(
            FullEncounter, "GET", _FULL, path_params=self._one(encounter_id), options=options
        )

    async def update(
        self,
        encounter_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[EncounterUpdateFields],
    ) -> EncounterRecord:
        """Change only the given fields (``title``, ``description``, ``notes``, ``status``, ...:
        :class:`~welkin_async.models.EncounterUpdateFields`); no field is a ``TypeError``."""
        return await self._call(
            EncounterRecord,
            "PATCH",
            _ONE,
            path_params=self._one(encounter_id),
            json=some_change("Encounters.update", changes(EncounterUpdate, fields)),
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def complete(
        self, encounter_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> EncounterRecord:
        """Complete the encounter; it and the assessment records its links point to are locked
        from then on."""
        return await self.update(encounter_id, status=EncounterStatus.COMPLETED, **options)

    async def delete(self, encounter_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Mark the encounter deleted (an open one only); lists leave it out from then on."""
        await self._call_no_content(
            "DELETE", _ONE, path_params=self._one(encounter_id), options=options
        )

    def list(
        self, *, size: int = 100, concurrency: int = 1, **options: Unpack[RequestOptions]
    ) -> Paginator[EncounterRecord]:
        """The patient's encounters, except deleted ones (the options apply to every page)."""
        return self._client.paginate(
            "GET",
            _LIST,
            path_params=self._patient,
            size=size,
            concurrency=concurrency,
            item_type=EncounterRecord,
            options=options,
        )

    async def disposition(
        self, encounter_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> DispositionRecord:
        """The encounter's disposition (every disposition field, null until set).

        Raises ``NotFound`` (``ENCOUNTER_NOT_FOUND``) for an encounter the patient does not
        have, ``PermissionDenied`` when the role may not read encounters.
        """
        return await self._call(
            DispositionRecord,
            "GET",
            _DISPOSITION,
            path_params=self._one(encounter_id),
            options=options,
        )

    async def update_disposition(
        self,
        encounter_id: str | UUID,
        values: Mapping[str, Any],
        /,
        **options: Unpack[RequestOptions],
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
            options=options,
        )

    def assessments(self, encounter_id: str | UUID, /) -> EncounterAssessments:
        """The assessments linked to one encounter (a view: its methods make the calls)."""
        return EncounterAssessments(self._client, self._one(encounter_id))


class EncounterAssessments(Resource):
    """The assessment links of one encounter."""

    __slots__ = ("_encounter",)

    def __init__(self, client: WelkinClient, encounter: Mapping[str, str | UUID]) -> None:
        super().__init__(client)
        self._encounter = dict(encounter)

    def _link(self, link_id: str | UUID) -> dict[str, str | UUID]:
        return {**self._encounter, "link_id": link_id}

    async def list(self, **options: Unpack[RequestOptions]) -> list[EncounterAssessmentRecord]:
        """Every assessment link of the encounter (one answer, not paged)."""
        return await self._call(
            list[EncounterAssessmentRecord],
            "GET",
            _ASSESSMENTS,
            path_params=self._encounter,
            options=options,
        )

    async def get(
        self, link_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> EncounterAssessmentRecord:
        """One of the encounter's assessment links, by the link's id."""
        return await self._call(
            EncounterAssessmentRecord,
            "GET",
            _ASSESSMENT,
            path_params=self._link(link_id),
            options=options,
        )

    @overload
    async def create(
        self,
        link: EncounterAssessmentCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> EncounterAssessmentRecord: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[EncounterAssessmentCreateFields],
    ) -> EncounterAssessmentRecord: ...
    async def create(
        self,
        link: EncounterAssessmentCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
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
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def update(
        self,
        link_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[EncounterAssessmentUpdateFields],
    ) -> EncounterAssessmentRecord:
        """Change the link (a PATCH): ``update(link_id, assessment_record_id=record.id)``; no
        field is a ``TypeError``."""
        body = some_change(
            "EncounterAssessments.update", changes(EncounterAssessmentUpdate, fields)
        )
        return await self._call(
            EncounterAssessmentRecord,
            "PATCH",
            _ASSESSMENT,
            path_params=self._link(link_id),
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def delete(self, link_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Remove the link from the (open) encounter."""
        await self._call_no_content(
            "DELETE", _ASSESSMENT, path_params=self._link(link_id), options=options
        )
