"""``client.assessment_records(patient_id)``: a patient's assessment records and their answers.

A record's ``answers`` are keyed ``<cdtName>__<fieldName>``, one key per question of its
assessment (:func:`question_keys`), beside the system fields the server keeps there
(``created_at``, ``source_id``, ...). An assessment record an encounter links to is locked once
the encounter is completed; changing or deleting it then raises
:class:`~welkin_async.errors.Conflict` (``ASSESSMENT_LOCKED``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import unstructure
from welkin_async.models import (
    AssessmentRecord,
    AssessmentRecordWrite,
    AssessmentRecordWriteFields,
    AssessmentTemplate,
)
from welkin_async.resources._base import PatientResource, call_options, new_body

_LIST = "patients/{patient_id}/assessment-records"
_ONE = "patients/{patient_id}/assessment-records/{record_id}"
_ANSWERS = "patients/{patient_id}/assessment-records/{record_id}/answers"


def question_keys(template: AssessmentTemplate) -> list[str]:
    """The answer keys of an assessment's questions, in form order: ``<cdtName>__<fieldName>``.

    ``template`` is an assessment of the formation (``client.formations.assessments()``); its
    read-only fields (``view_type`` other than ``question``) ask nothing and have no key.
    """
    return [
        f"{field.ref_cdt_name}__{field.ref_cdt_field_name}"
        for section in template.sections or ()
        for field in section.fields or ()
        if field.view_type == "question"
        and isinstance(field.ref_cdt_name, str)
        and isinstance(field.ref_cdt_field_name, str)
    ]


class AssessmentRecords(PatientResource):
    """One patient's assessment records."""

    __slots__ = ()

    def _one(self, record_id: str | UUID) -> dict[str, str | UUID]:
        return self._under(record_id=record_id)

    @overload
    async def create(
        self,
        record: AssessmentRecordWrite | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> AssessmentRecord: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[AssessmentRecordWriteFields],
    ) -> AssessmentRecord: ...
    async def create(
        self,
        record: AssessmentRecordWrite | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> AssessmentRecord:
        """A new record: ``create(assessment_name="phq9", answers={...}, status=...)`` (the
        fields are :class:`~welkin_async.models.AssessmentRecordWriteFields`)."""
        body = new_body(AssessmentRecordWrite, record, fields)
        return await self._call(
            AssessmentRecord,
            "POST",
            _LIST,
            path_params=self._patient,
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def get(
        self, record_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> AssessmentRecord:
        """One record by id."""
        return await self._call(
            AssessmentRecord, "GET", _ONE, path_params=self._one(record_id), options=options
        )

    @overload
    async def update(
        self,
        record_id: str | UUID,
        record: AssessmentRecordWrite | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> AssessmentRecord: ...
    @overload
    async def update(
        self,
        record_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[AssessmentRecordWriteFields],
    ) -> AssessmentRecord: ...
    async def update(
        self,
        record_id: str | UUID,
        record: AssessmentRecordWrite | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> AssessmentRecord:
        """Replace the record's answers and status (a PUT: answers not given are dropped).

        ``assessment_name`` is required and cannot change; use :meth:`answer` to add answers.
        Neither a record nor fields is a ``TypeError``, before anything is sent.
        """
        if record is None and not fields:
            raise TypeError("AssessmentRecords.update() needs a record or fields to write")
        body = new_body(AssessmentRecordWrite, record, fields)
        return await self._call(
            AssessmentRecord,
            "PUT",
            _ONE,
            path_params=self._one(record_id),
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def answer(
        self,
        record_id: str | UUID,
        answers: Mapping[str, Any],
        /,
        **options: Unpack[RequestOptions],
    ) -> AssessmentRecord:
        """Record answers, merged into the ones already given (keys are question names)."""
        return await self._call(
            AssessmentRecord,
            "PUT",
            _ANSWERS,
            path_params=self._one(record_id),
            json={key: unstructure(value) for key, value in answers.items()},
            options=options,
        )

    async def delete(self, record_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete the record (not a locked one)."""
        await self._call_no_content(
            "DELETE", _ONE, path_params=self._one(record_id), options=options
        )

    def list(
        self, *, size: int = 100, concurrency: int = 1, **options: Unpack[RequestOptions]
    ) -> Paginator[AssessmentRecord]:
        """The patient's assessment records (the options apply to every page)."""
        return self._client.paginate(
            "GET",
            _LIST,
            path_params=self._patient,
            size=size,
            concurrency=concurrency,
            item_type=AssessmentRecord,
            options=options,
        )
