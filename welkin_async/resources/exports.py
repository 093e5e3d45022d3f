"""``client.exports``: bulk export of records changed since a time, resumable from a checkpoint.

``GET export/{TYPE}?start=<ISO>&pageSize=N`` serves records whose latest change is at or after
``start``, oldest change first, with a cursor (``cursor.end``, ``hasNext``) to the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Unpack, overload

from welkin_async._checkpoint import CheckpointStore
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import check_extra_query
from welkin_async._responses import decode_json
from welkin_async._serde import structure, unstructure
from welkin_async._transport import RawResponse
from welkin_async.models import (
    AssessmentRecord,
    CalendarEvent,
    CdtRecord,
    Email,
    Encounter,
    Patient,
    PatientProgram,
    SmsMessage,
    Task,
)
from welkin_async.resources._base import Resource, aware
from welkin_async.resources._export_stream import ExportStream, Shape

# The export types whose records are modelled; the others are yielded as dicts.
_MODELS: dict[str, Any] = {
    "PATIENT": Patient,
    "CDT_RECORD": CdtRecord,
    "ENCOUNTER": CdtRecord[Encounter],
    "ASSESSMENT": AssessmentRecord,
    "PATIENT_PROGRAM": PatientProgram,
    "CALENDAR_EVENT": CalendarEvent,
    "TASK": Task,
    "SMS": SmsMessage,
    "EMAIL": Email,
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
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[Patient]: ...
    @overload
    def stream(
        self,
        export_type: Literal["CDT_RECORD"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[CdtRecord[Any]]: ...
    @overload
    def stream(
        self,
        export_type: Literal["ENCOUNTER"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[CdtRecord[Encounter]]: ...
    @overload
    def stream(
        self,
        export_type: Literal["ASSESSMENT"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[AssessmentRecord]: ...
    @overload
    def stream(
        self,
        export_type: Literal["PATIENT_PROGRAM"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[PatientProgram]: ...
    @overload
    def stream(
        self,
        export_type: Literal["CALENDAR_EVENT"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[CalendarEvent]: ...
    @overload
    def stream(
        self,
        export_type: Literal["TASK"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[Task]: ...
    @overload
    def stream(
        self,
        export_type: Literal["SMS"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[SmsMessage]: ...
    @overload
    def stream(
        self,
        export_type: Literal["EMAIL"],
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: Literal[True] = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[Email]: ...
    @overload
    def stream(
        self,
        export_type: str,
        *,
        since: datetime | None = ...,
        page_size: int | None = ...,
        checkpoint: CheckpointStore | None = ...,
        typed: bool = ...,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[Any]: ...
    def stream(
        self,
        export_type: str,
        *,
        since: datetime | None = None,
        page_size: int | None = None,
        checkpoint: CheckpointStore | None = None,
        typed: bool = True,
        **options: Unpack[RequestOptions],
    ) -> ExportStream[Any]:
        """Records of ``export_type`` (``PATIENT``, ``CDT_RECORD``, ``ENCOUNTER``, ...) changed at
        or after ``since`` (everything without it), page after page until the cursor ends.

        - Modelled types come as models, the others as dicts; ``typed=False`` gives the wire
          dicts of every type. With the client's ``models=``, a CDT record comes as
          ``CdtRecord[<its generated class>]`` (checked against the server's versions once).
        - A record served again without a newer ``updatedAt``/``version`` is dropped; one changed
          during the export comes again with its new version.
        - With ``checkpoint`` (a :class:`~welkin_async.Checkpoint` file, or any
          :class:`~welkin_async.CheckpointStore`), the export resumes where it was and saves its
          position after each page the consumer has fully taken.
        - The options (``extra_headers``, ``extra_query``, ``timeout``) apply to every page.
        """
        kind = export_type.upper()
        if since is not None:
            aware("since", since)
        if page_size is not None and page_size < 1:
            raise ValueError("page_size must be at least 1")
        # Checked now, as paginate() checks them, not per page.
        check_extra_query(self._client._options(options).query, "cursor", "export/{export_type}")
        since_text = unstructure(since) if since is not None else None
        fixed: dict[str, QueryValue] = {} if page_size is None else {"pageSize": page_size}

        async def fetch(start: str | None) -> RawResponse:
            params = fixed if start is None else {**fixed, "start": start}
            return await self._client._send(  # its bytes: the stream reads them
                "GET",
                "export/{export_type}",
                path_params={"export_type": kind},
                params=params,
                options=options,
            )

        models = self._client.models if typed and kind == "CDT_RECORD" else None
        return ExportStream(
            kind,
            fetch,
            self._shape(kind, typed),
            since=since_text,
            checkpoint=checkpoint,
            before=self._client._check_models if models is not None else None,
            template="export/{export_type}",
            decode=lambda response: decode_json(response, "GET", "export/{export_type}"),
            model_of=self._model_of(kind, typed),
        )

    def _shape(self, kind: str, typed: bool) -> Shape | None:
        model_of = self._model_of(kind, typed)
        if model_of is None:
            return None
        return lambda record: structure(record, model_of(record.get("cdtName")))

    def _model_of(self, kind: str, typed: bool) -> Callable[[Any], Any] | None:
        """The class a record of ``kind`` is shaped as, by its ``cdtName``; ``None``: dicts."""
        if not typed or kind not in _MODELS:
            return None
        models = self._client.models
        if kind != "CDT_RECORD" or models is None:
            return lambda _: _MODELS[kind]
        # Each CDT record as the generated class of its CDT; CDTs the module lacks keep dicts.
        by_name = {name: CdtRecord[cls] for name, cls in models.classes.items()}  # type: ignore[valid-type]
        return lambda name: by_name.get(str(name), CdtRecord)
