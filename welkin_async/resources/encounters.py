"""``client.encounters(patient_id)``: a patient's encounters and the assessments linked to them.

Encounters travel in the CDT-record envelope: ``record.json_body`` is the :class:`Encounter`.
So do an encounter's assessments: each is a link (``record.json_body`` is an
:class:`EncounterAssessment`) naming an assessment and, once one is filled in, the assessment
record that answers it (``assessment_record_id``; read it with ``client.assessment_records``).
Once completed, an encounter and its linked assessment records are locked (``Conflict``).
An encounter's disposition is a record of the CDT ``__encounter_disposition__`` (its fields are
the tenant's: ``client.formations.encounter_disposition()``), read and changed by encounter id.
Comments on an encounter (``comments(id)``) are plain :class:`EncounterComment` objects; a
completed encounter still takes them. ``list_full()`` lists encounters the way ``full(id)`` reads
one; every list takes ``statuses=`` (without it, deleted encounters are left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    EncounterComment,
    EncounterCommentWrite,
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
    query_list,
    some_change,
    text_arg,
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
_FULL_LIST = "patients/{patient_id}/full-encounters"
_COMMENTS = "patients/{patient_id}/encounters/{encounter_id}/comments"
_COMMENT = "patients/{patient_id}/encounters/{encounter_id}/comments/{comment_id}"


def list_query(
    statuses: EncounterStatus | str | Iterable[EncounterStatus | str] | None, sort: str | None
) -> dict[str, QueryValue]:
    """The query of an encounter list: ``statuses`` (one or several) comma-joined and ``sort``
    (``"createdAt,desc"``) as given; nothing for either left None. A malformed one is a
    ``TypeError`` or ``ValueError`` naming it (the server refuses a status it does not know)."""
    query: dict[str, QueryValue] = {}
    if statuses is not None:
        query["statuses"] = query_list("statuses", statuses)
    if sort is not None:
        query["sort"] = text_arg("sort", sort)
    return query


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
        self,
        *,
        statuses: EncounterStatus | str | Iterable[EncounterStatus | str] | None = None,
        sort: str | None = None,
        size: int = 100,
        concurrency: int = 1,
        **options: Unpack[RequestOptions],
    ) -> Paginator[EncounterRecord]:
        """The patient's encounters: those in ``statuses`` (one or several) when given, else all
        but deleted ones, in stored order or as ``sort`` (``"createdAt,desc"``: a field, then
        ``asc`` or ``desc``) asks (the options apply to every page).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``), ``BadRequest`` for a status or sort the
        server does not take, ``PermissionDenied`` when the role may not read encounters;
        ``TypeError`` or ``ValueError`` at once for a malformed ``statuses`` or ``sort``.
        """
        return self._client.paginate(
            "GET",
            _LIST,
            path_params=self._patient,
            params=list_query(statuses, sort),
            size=size,
            concurrency=concurrency,
            item_type=EncounterRecord,
            options=options,
        )

    def list_full(
        self,
        *,
        statuses: EncounterStatus | str | Iterable[EncounterStatus | str] | None = None,
        sort: str | None = None,
        only_with_calendar_event: bool = False,
        size: int = 100,
        concurrency: int = 1,
        **options: Unpack[RequestOptions],
    ) -> Paginator[FullEncounter]:
        """The patient's encounters as :meth:`full` reads each one, chosen and ordered as
        :meth:`list` does.

        ``only_with_calendar_event=True`` keeps each encounter, its calendar event and the user
        it is scheduled with; its disposition, assessment links and comments come back None.
        Raises as :meth:`list` does.
        """
        return self._client.paginate(
            "GET",
            _FULL_LIST,
            path_params=self._patient,
            params={
                "onlyWithCalendarEvent": only_with_calendar_event,
                **list_query(statuses, sort),
            },
            size=size,
            concurrency=concurrency,
            item_type=FullEncounter,
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

    def comments(self, encounter_id: str | UUID, /) -> EncounterComments:
        """The comments on one encounter (a view: its methods make the calls)."""
        return EncounterComments(self._client, self._one(encounter_id))


class _EncounterPart(Resource):
    """What hangs off one encounter (``.../encounters/{encounter_id}/...``)."""

    __slots__ = ("_encounter",)

    def __init__(self, client: WelkinClient, encounter: Mapping[str, str | UUID]) -> None:
        super().__init__(client)
        self._encounter = dict(encounter)

    def _under(self, **params: str | UUID) -> dict[str, str | UUID]:
        """Path parameters: the patient's and encounter's, and ``params`` (``link_id=...``)."""
        return {**self._encounter, **params}


class EncounterAssessments(_EncounterPart):
    """The assessment links of one encounter."""

    __slots__ = ()

    def _link(self, link_id: str | UUID) -> dict[str, str | UUID]:
        return self._under(link_id=link_id)

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


def _comment_body(text: str) -> EncounterCommentWrite:
    return EncounterCommentWrite(text=text_arg("text", text))


class EncounterComments(_EncounterPart):
    """The comments on one encounter.

    Each method raises ``NotFound`` for a patient, encounter (``ENCOUNTER_NOT_FOUND``) or
    comment (``ENCOUNTER_COMMENT_NOT_FOUND``) that does not exist, and ``PermissionDenied`` when
    the role lacks the ``encounters`` permission it needs: read for reading, create, update or
    delete for the write of that name.
    """

    __slots__ = ()

    def _comment(self, comment_id: str | UUID) -> dict[str, str | UUID]:
        return self._under(comment_id=comment_id)

    async def list(self, **options: Unpack[RequestOptions]) -> list[EncounterComment]:
        """Every comment on the encounter, oldest first (one answer, not paged).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``, ``ENCOUNTER_NOT_FOUND``) and
        ``PermissionDenied`` when the role may not read encounters.
        """
        return await self._call(
            list[EncounterComment], "GET", _COMMENTS, path_params=self._encounter, options=options
        )

    async def get(
        self, comment_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> EncounterComment:
        """One of the encounter's comments, by its id.

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``, ``ENCOUNTER_NOT_FOUND``,
        ``ENCOUNTER_COMMENT_NOT_FOUND``) and ``PermissionDenied`` when the role may not read
        encounters.
        """
        return await self._call(
            EncounterComment,
            "GET",
            _COMMENT,
            path_params=self._comment(comment_id),
            options=options,
        )

    async def create(self, text: str, /, **options: Unpack[RequestOptions]) -> EncounterComment:
        """Comment on the encounter; returns the comment as stored (its author is the client).

        Raises ``BadRequest`` (``INVALID_REQUEST_BODY``) for a text the server refuses (the
        emulator: empty, all blank or over 65,535 characters), ``Conflict``
        (``ENCOUNTER_LOCKED``) on a deleted encounter; ``TypeError`` for a text that is no
        ``str``, before sending (naming ``text``).
        """
        return await self._call(
            EncounterComment,
            "POST",
            _COMMENTS,
            path_params=self._encounter,
            json=_comment_body(text),
            options=options,
        )

    async def replace(
        self, comment_id: str | UUID, text: str, /, **options: Unpack[RequestOptions]
    ) -> EncounterComment:
        """Replace the comment's text (a PUT); the client becomes its last editor.

        Raises as :meth:`create` does.
        """
        return await self._call(
            EncounterComment,
            "PUT",
            _COMMENT,
            path_params=self._comment(comment_id),
            json=_comment_body(text),
            options=options,
        )

    async def delete(self, comment_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete the comment.

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``, ``ENCOUNTER_NOT_FOUND``,
        ``ENCOUNTER_COMMENT_NOT_FOUND``), ``Conflict`` (``ENCOUNTER_LOCKED``) on a deleted
        encounter and ``PermissionDenied`` when the role may not delete encounters. A DELETE is
        retried after a lost answer, so a retry may raise ``NotFound`` although the first
        attempt deleted the comment.
        """
        await self._call_no_content(
            "DELETE", _COMMENT, path_params=self._comment(comment_id), options=options
        )
