"""``client.cdts(patient_id, cdt)``: one patient's records of one Custom Data Type.

``cdt`` is the CDT's name, and records come back as ``CdtRecord`` with a dict ``json_body``; or a
class generated for the tenant (``welkin-async codegen``), and ``json_body`` is that class, with
the CDT's wire name taken from the class.

Records are read back in an envelope (``{id, patientId, cdtId, version, cdtName, jsonBody}``), but
the live API takes a new record's and a single record's changed values flat, by field name:
``{"cdtName": "cdt-self-care", "cdtf-alone-time": "Yes"}`` on create, ``{"cdtf-alone-time": "No"}``
on update. Only the bulk update wraps each row's values in ``jsonBody``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import unstructure
from welkin_async._unset import UNSET
from welkin_async.models import CdtBulkResult, CdtRecord, WelkinModel
from welkin_async.resources._base import PatientResource, aware, call_options, changes, some_change

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

B = TypeVar("B")
_LIST = "patients/{patient_id}/cdts/{cdt_name}"
_RECORD = "patients/{patient_id}/cdts/{cdt_name}/{record_id}"
_CDT_NAME = "cdtName"  # the create body's key naming the CDT, beside the field values


def cdt_name_of(cdt: str | type[Any]) -> str:
    """The wire name of a CDT given by name or by its generated class."""
    if isinstance(cdt, str):
        if not cdt:
            raise ValueError("a CDT name must not be empty")
        return cdt
    name = getattr(cdt, "__cdt_name__", None)
    if not isinstance(name, str) or not issubclass(cdt, WelkinModel):
        raise TypeError(
            f"{getattr(cdt, '__name__', cdt)!r} is not a CDT class made by welkin-async codegen"
        )
    return name


class CdtRecords(PatientResource, Generic[B]):
    """Records of one CDT for one patient; ``B`` is the type of each record's ``json_body``."""

    __slots__ = ("_body_type", "_name", "_params", "_record_type")

    def __init__(self, client: WelkinClient, patient_id: str | UUID, cdt: str | type[B]) -> None:
        super().__init__(client, patient_id)
        self._body_type: type[B] | None = None if isinstance(cdt, str) else cdt
        self._name = cdt_name_of(cdt)
        self._params = self._under(cdt_name=self._name)
        body = self._body_type if self._body_type is not None else dict[str, Any]
        self._record_type: type[CdtRecord[B]] = CdtRecord[body]  # type: ignore[valid-type]

    @property
    def cdt_name(self) -> str:
        """The CDT's wire name."""
        return self._name

    async def _ready(self) -> None:
        if self._body_type is not None:
            await self._client._check_models()

    def list(
        self,
        *,
        fields: Iterable[str] | None = None,
        date_start: datetime | None = None,
        date_end: datetime | None = None,
        size: int = 100,
        concurrency: int = 1,
        **options: Unpack[RequestOptions],
    ) -> Paginator[CdtRecord[B]]:
        """The patient's records of this CDT; ``fields`` (wire names) narrows each body.

        ``date_start``/``date_end`` (aware date-times) bound the records' creation time. The
        options apply to every page.
        """
        params: dict[str, QueryValue] = {}
        if fields is not None:
            wanted = list(fields)
            if not wanted:  # the server would read an empty list as "every field"
                raise ValueError("fields must name at least one field (or be None for all)")
            params["fields"] = ",".join(wanted)
        for key, moment in (("dateStart", date_start), ("dateEnd", date_end)):
            if moment is not None:
                params[key] = unstructure(aware(key, moment))
        paginator = self._client.paginate(
            "GET",
            _LIST,
            path_params=self._params,
            params=params,
            size=size,
            concurrency=concurrency,
            item_type=self._record_type,
            options=options,
        )
        return paginator.before_first_page(self._ready)

    async def get(
        self, record_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> CdtRecord[B]:
        """One record by id."""
        await self._ready()
        return await self._call(
            self._record_type,
            "GET",
            _RECORD,
            path_params={**self._params, "record_id": record_id},
            options=options,
        )

    async def create(
        self, body: B | Mapping[str, Any], /, **options: Unpack[RequestOptions]
    ) -> CdtRecord[B]:
        """A new record from the CDT class's instance, or from a mapping of wire names.

        The values are sent flat beside the CDT's name, as the live API takes them.
        """
        await self._ready()
        return await self._call(
            self._record_type,
            "POST",
            _LIST,
            path_params=self._params,
            json={_CDT_NAME: self.cdt_name, **self._body(body)},
            options=options,
        )

    async def update(
        self,
        record_id: str | UUID,
        values: Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> CdtRecord[B]:
        """Change only the given fields of one record (a PATCH); ``None`` clears a field.

        Name fields by attribute (``cdtf_alone_time=...``) with a CDT class, or pass a mapping
        of wire names (``{"cdtf-alone-time": ...}``), which also works for CDTs given by name.
        The fields are the tenant's, so a type checker cannot check their names here: a name
        the CDT class does not have is a ``TypeError`` when called, as is no field to change.
        """
        body = some_change("CdtRecords.update", self._changes(values, fields))
        await self._ready()
        return await self._call(
            self._record_type,
            "PATCH",
            _RECORD,
            path_params={**self._params, "record_id": record_id},
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def bulk_update(
        self,
        rows: Mapping[str, Any] | Mapping[UUID, Any] | Iterable[tuple[str | UUID, Any]],
        /,
        **options: Unpack[RequestOptions],
    ) -> CdtBulkResult:
        """Change several records in one call: ``{record_id: changes}`` or ``(id, changes)`` pairs.

        Record ids are strings or UUIDs. Each row's changes are a mapping of wire names or an
        instance of the CDT class (its set fields are sent). Rows are validated together, so a
        bad value fails the whole call; a record that does not exist is reported in its row's
        ``result.status`` (``NOT_FOUND``).
        """
        await self._ready()
        pairs: Iterable[tuple[str | UUID, Any]] = (
            rows.items() if isinstance(rows, Mapping) else rows
        )
        body = {
            "rows": [
                {"id": record_id, "jsonBody": self._changes(change, {})}
                for record_id, change in pairs
            ]
        }
        return await self._call(
            CdtBulkResult, "PATCH", _LIST, path_params=self._params, json=body, options=options
        )

    async def delete(self, record_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete one record."""
        await self._ready()
        await self._call_no_content(
            "DELETE",
            _RECORD,
            path_params={**self._params, "record_id": record_id},
            options=options,
        )

    def _body(self, body: object) -> dict[str, Any]:
        if self._body_type is not None and isinstance(body, self._body_type):
            values: dict[str, Any] = unstructure(body)
            return values
        if isinstance(body, Mapping):
            if _CDT_NAME in body:  # it would clash with the CDT's own name beside the values
                raise ValueError(
                    f"{_CDT_NAME!r} is not a field of {self.cdt_name}: give field values only"
                )
            return {key: unstructure(value) for key, value in body.items()}
        expected = self._body_type.__name__ if self._body_type is not None else "a mapping"
        raise TypeError(
            f"a {self.cdt_name} record body must be {expected} or a mapping of wire names, "
            f"not {type(body).__name__}"
        )

    def _changes(self, values: object, fields: Mapping[str, Any]) -> dict[str, Any]:
        if values is not None and fields:
            raise TypeError("pass either a mapping of changes or keyword fields, not both")
        if values is None:
            if self._body_type is None:
                # Without a class there is no attribute -> wire name table; identifiers only.
                return {name: unstructure(v) for name, v in fields.items() if v is not UNSET}
            return changes(self._body_type, fields)  # type: ignore[arg-type]
        return self._body(values)
