"""``client.exports``: bulk export of records changed since a time, following the export cursor."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from welkin_async._pagination import Paginator
from welkin_async._serde import unstructure
from welkin_async.models import AssessmentRecord, CdtRecord, Encounter, Patient, PatientProgram
from welkin_async.resources._base import Resource

if TYPE_CHECKING:
    from welkin_async._client import QueryValue

# The export types whose records are modelled; the others are yielded as dicts.
_MODELS: dict[str, Any] = {
    "PATIENT": Patient,
    "CDT_RECORD": CdtRecord,
    "ENCOUNTER": CdtRecord[Encounter],
    "ASSESSMENT": AssessmentRecord,
    "PATIENT_PROGRAM": PatientProgram,
}


class Exports(Resource):
    """Bulk exports: every record of a type changed at or after a time, oldest change first."""

    __slots__ = ()

    @overload
    def stream(
        self,
        export_type: Literal["PATIENT"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
    ) -> Paginator[Patient]: ...
    @overload
    def stream(
        self,
        export_type: Literal["CDT_RECORD"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
    ) -> Paginator[CdtRecord]: ...
    @overload
    def stream(
        self,
        export_type: Literal["ENCOUNTER"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
    ) -> Paginator[CdtRecord[Encounter]]: ...
    @overload
    def stream(
        self,
        export_type: Literal["ASSESSMENT"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
    ) -> Paginator[AssessmentRecord]: ...
    @overload
    def stream(
        self,
        export_type: Literal["PATIENT_PROGRAM"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
    ) -> Paginator[PatientProgram]: ...
    @overload
    def stream(
        self, export_type: str, *, since: datetime | None = ..., page_size: int | None = ...
    ) -> Paginator[Any]: ...
    def stream(
        self, export_type: str, *, since: datetime | None = None, page_size: int | None = None
    ) -> Paginator[Any]:
        """Records of ``export_type`` (``PATIENT``, ``CDT_RECORD``, ``ENCOUNTER``, ...) changed at
        or after ``since`` (everything without it), page after page until the cursor ends.

        Modelled types come as models, others as dicts. A record changed during the export is
        served again at the end with its new version.
        """
        kind = export_type.upper()
        params: dict[str, QueryValue] = {}
        if since is not None:
            if since.tzinfo is None:
                raise ValueError("since needs a time zone: a naive date-time is ambiguous")
            params["start"] = unstructure(since)
        return self._client.paginate(
            "GET",
            "export/{export_type}",
            path_params={"export_type": kind},
            params=params,
            size=page_size,
            item_type=_MODELS.get(kind),
        )
