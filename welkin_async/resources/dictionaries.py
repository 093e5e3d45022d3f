"""``client.dictionaries(name)``: the records (values) of one dictionary.

A dictionary's fields are defined in the formation (``client.formations.dictionaries()``); each
record gives a value (a string) for some of them, by field name, and the server adds
``full_value``, the values as one text. Every tenant has ``cpt`` and ``icd-10``, which it may
populate, and ``timezone``, an internal dictionary that is read only. The list is one answer,
not paged.

Deleting a record keeps it, marked ``deleted`` (the list leaves it out unless
``show_deleted=True``; it is still read by id); :meth:`Dictionaries.replace_all` removes every
record outright and writes new ones. Errors: a dictionary the current formation lacks is
:class:`~welkin_async.errors.NotFound` (``DICTIONARY_NOT_FOUND``; a draft dictionary has no
records until it is published), a record it lacks, or a deleted one written again, ``NotFound``
(``DICTIONARY_RECORD_NOT_FOUND``); writing an internal dictionary, or a value for a field the
dictionary lacks, is :class:`~welkin_async.errors.BadRequest`; a role without access to
dictionaries is :class:`~welkin_async.errors.PermissionDenied`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Unpack
from uuid import UUID

from welkin_async._options import QueryValue, RequestOptions
from welkin_async.models import (
    DictionaryRecord,
    DictionaryRecords,
    DictionaryRecordsWrite,
    DictionaryRecordWrite,
)
from welkin_async.resources._base import Resource, query_instant

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

_RECORDS = "dictionaries/{dictionary_name}"
_RECORD = "dictionaries/{dictionary_name}/{record_id}"
Values = Mapping[str, str]


def _write(values: Values) -> DictionaryRecordWrite:
    """One record's values, checked: a mapping of field names to strings."""
    if not isinstance(values, Mapping):
        raise TypeError(f"a record's values are a mapping, not {type(values).__name__}")
    for field, value in values.items():
        if not isinstance(field, str) or not isinstance(value, str):
            raise TypeError("a record's values map field names (str) to values (str)")
    if not values:
        raise ValueError("a record needs a value for at least one field")
    return DictionaryRecordWrite(values=dict(values))


def _records(records: Iterable[Values]) -> DictionaryRecordsWrite:
    if isinstance(records, Mapping):
        raise TypeError("records is an iterable of values mappings: wrap one record in a list")
    return DictionaryRecordsWrite(records=[_write(values) for values in records])


class Dictionaries(Resource):
    """The records of one dictionary, in the client's environment."""

    __slots__ = ("_params",)

    def __init__(self, client: WelkinClient, name: str) -> None:
        super().__init__(client)
        if not isinstance(name, str) or not name:
            raise ValueError("a dictionary name is a non-empty string")
        self._params: dict[str, str | UUID] = {"dictionary_name": name}

    @property
    def name(self) -> str:
        """The dictionary's name."""
        return str(self._params["dictionary_name"])

    def _record(self, record_id: str | UUID) -> dict[str, str | UUID]:
        return {**self._params, "record_id": record_id}

    async def list(
        self,
        *,
        updated_from: datetime | None = None,
        updated_before: datetime | None = None,
        show_deleted: bool = False,
        **options: Unpack[RequestOptions],
    ) -> DictionaryRecords:
        """The dictionary's records, with when one last changed (``last_updated_at``).

        ``updated_from``/``updated_before`` (aware date-times) keep the records updated at or
        after / before those instants (``dateStart``/``dateEnd``, sent in UTC to the
        millisecond); deleted records are left out unless ``show_deleted=True``.

        Raises ``NotFound`` (``DICTIONARY_NOT_FOUND``) for a dictionary the current formation
        lacks, ``PermissionDenied`` for a role without access to dictionaries; before sending,
        ``TypeError`` for a bound that is not a ``datetime`` and ``ValueError`` for a naive one
        (naming it).
        """
        params: dict[str, QueryValue] = {}
        if updated_from is not None:
            params["dateStart"] = query_instant("updated_from", updated_from)
        if updated_before is not None:
            params["dateEnd"] = query_instant("updated_before", updated_before)
        if show_deleted:
            params["showDeleted"] = "true"
        return await self._call(
            DictionaryRecords,
            "GET",
            _RECORDS,
            path_params=self._params,
            params=params,
            options=options,
        )

    async def get(
        self, record_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> DictionaryRecord:
        """One record by id (a deleted one too, ``deleted`` true).

        Raises ``NotFound`` (``DICTIONARY_NOT_FOUND``, ``DICTIONARY_RECORD_NOT_FOUND``) and
        ``PermissionDenied`` for a role without access to dictionaries.
        """
        return await self._call(
            DictionaryRecord, "GET", _RECORD, path_params=self._record(record_id), options=options
        )

    async def create(
        self, records: Iterable[Values], /, **options: Unpack[RequestOptions]
    ) -> DictionaryRecords:
        """Add records, each given as its values by field name
        (``create([{"value": "99213"}])``); returns the new records.

        Raises ``NotFound`` (``DICTIONARY_NOT_FOUND``), ``BadRequest`` for no record, an
        internal dictionary (``DICTIONARY_READ_ONLY``) or a field it lacks
        (``INVALID_DICTIONARY_VALUES``), ``PermissionDenied`` for a role that may not write
        dictionaries; before sending, ``TypeError`` for records that are not mappings of str to
        str and ``ValueError`` for a record without a value.
        """
        return await self._call(
            DictionaryRecords,
            "POST",
            _RECORDS,
            path_params=self._params,
            json=_records(records),
            options=options,
        )

    async def replace_all(
        self, records: Iterable[Values], /, **options: Unpack[RequestOptions]
    ) -> DictionaryRecords:
        """Remove every record of the dictionary (outright, not marked deleted) and write these
        instead; an empty iterable empties the dictionary. Returns the new records.

        Raises as :meth:`create` does (but takes no record).
        """
        return await self._call(
            DictionaryRecords,
            "PUT",
            _RECORDS,
            path_params=self._params,
            json=_records(records),
            options=options,
        )

    async def replace(
        self, record_id: str | UUID, values: Values, /, **options: Unpack[RequestOptions]
    ) -> DictionaryRecord:
        """Replace one record's values; returns it as stored.

        Raises ``NotFound`` (``DICTIONARY_NOT_FOUND``; ``DICTIONARY_RECORD_NOT_FOUND`` for a
        record the dictionary lacks or a deleted one), ``BadRequest`` and ``PermissionDenied``,
        ``TypeError`` and ``ValueError`` as :meth:`create` does.
        """
        return await self._call(
            DictionaryRecord,
            "PUT",
            _RECORD,
            path_params=self._record(record_id),
            json=_write(values),
            options=options,
        )

    async def delete(
        self, record_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> DictionaryRecord:
        """Delete one record: it is kept, marked ``deleted``, and returned so.

        Raises ``NotFound`` (``DICTIONARY_NOT_FOUND``, ``DICTIONARY_RECORD_NOT_FOUND``: a
        record already deleted too), ``BadRequest`` for an internal dictionary,
        ``PermissionDenied`` for a role that may not delete dictionary records. A DELETE is
        retried after a lost answer, so a retry may raise ``NotFound`` although the first
        attempt deleted the record.
        """
        return await self._call(
            DictionaryRecord,
            "DELETE",
            _RECORD,
            path_params=self._record(record_id),
            options=options,
        )
