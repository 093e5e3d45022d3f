"""What every resource shares: its client, typed calls, per-call options, and turning keyword
fields into bodies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import attrs

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._serde import loads, unstructure
from welkin_async._unset import UNSET
from welkin_async.models._base import WelkinModel, wire_name

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

T = TypeVar("T")
M = TypeVar("M", bound=WelkinModel)


class Resource:
    """A view of one part of the API through a client; cheap to make, holds no state of its own."""

    __slots__ = ("_client",)

    def __init__(self, client: WelkinClient) -> None:
        self._client = client

    async def _call(
        self,
        into: type[T],
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
    ) -> T:
        """Send one call and structure its answer as ``into`` (or raise ``DecodeError``).

        ``options``: the caller's ``extra_headers``, ``extra_query`` and ``timeout``.
        """
        response = await self._client._send(
            method, path, path_params=path_params, params=params, json=json, options=options
        )
        return loads(response.body, into)

    async def _call_no_content(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object],
        options: RequestOptions | None = None,
    ) -> None:
        """Send one call whose answer carries nothing worth reading (a DELETE's 204)."""
        await self._client._send(method, path, path_params=path_params, options=options)


class PatientResource(Resource):
    """A resource that hangs under one patient (``patients/{patient_id}/...``)."""

    __slots__ = ("_patient",)

    def __init__(self, client: WelkinClient, patient_id: str | UUID) -> None:
        super().__init__(client)
        self._patient: dict[str, str | UUID] = {"patient_id": patient_id}

    def _under(self, **params: str | UUID) -> dict[str, str | UUID]:
        """Path parameters: the patient's, and ``params`` (``record_id=...``)."""
        return {**self._patient, **params}


def call_options(
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, QueryValue] | None,
    timeout: float | Timeouts | None,
) -> RequestOptions:
    """The options of a method that takes keyword fields as one :class:`RequestOptions`.

    Such a method spells the options out as keywords, since a signature has one ``**`` and its
    fields hold it (PEP 692); the others take ``**options: Unpack[RequestOptions]``. Options
    left ``None`` are not given, as if the keyword were absent.
    """
    options: RequestOptions = {}
    if extra_headers is not None:
        options["extra_headers"] = extra_headers
    if extra_query is not None:
        options["extra_query"] = extra_query
    if timeout is not None:
        options["timeout"] = timeout
    return options


def some_change(method: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
    """``body``, if it changes anything: an update without a field (or with ``UNSET`` ones only)
    is a ``TypeError`` naming ``method``, never a request that changes nothing."""
    if not body:
        raise TypeError(f"{method}() needs at least one field to change (UNSET ones are not sent)")
    return body


def _fields_by_name(model: type[WelkinModel]) -> dict[str, attrs.Attribute[Any]]:
    return {a.name: a for a in attrs.fields(model) if a.name != "wire_extra"}


def _check_names(model: type[WelkinModel], names: Mapping[str, Any]) -> dict[str, Any]:
    known = _fields_by_name(model)
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise TypeError(
            f"{model.__name__} has no field {', '.join(map(repr, unknown))}; "
            f"its fields are: {', '.join(known)}"
        )
    return known


def aware(name: str, moment: object) -> datetime:
    """``moment`` if it is an aware ``datetime``; naming ``name`` only, anything else is a
    ``TypeError`` and a naive one (no tzinfo, or one that gives no offset) a ``ValueError``:
    the API needs an offset, and guessing one would move the instant."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.utcoffset() is None:
        raise ValueError(f"{name} needs a time zone: a naive date-time is ambiguous")
    return moment


def utc(name: str, moment: object) -> datetime:
    """``moment`` (an aware ``datetime``, as :func:`aware` checks it) in UTC, to the
    millisecond, as the live API writes instants; one with no UTC form (near ``datetime.min``
    or ``.max``) is a ``ValueError`` naming ``name``, not an ``OverflowError``."""
    try:
        moment_utc = aware(name, moment).astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{name} is out of range: it has no UTC date-time") from None
    return moment_utc.replace(microsecond=moment_utc.microsecond // 1000 * 1000)


def query_instant(name: str, moment: object) -> str:
    """A date-time query value (``2022-04-01T16:38:20.641Z``): ``moment`` as :func:`utc` makes
    it, refused as it refuses it."""
    text: str = unstructure(utc(name, moment))
    return text


def query_list(name: str, given: object, *, single: bool = True) -> str:
    """One value or several as a query takes a list: comma-joined (``status=TODO,DONE``).

    A ``str`` (an enum member too) or a ``UUID`` is one value (refused when not ``single``: an
    argument that takes ids only as a list); any other iterable gives several. Values the SDK
    does not know are sent as given: a newer server may take them. Naming ``name`` only,
    anything else is a ``TypeError``, and no value, an empty one or one with a comma a
    ``ValueError``.
    """
    one = isinstance(given, str | UUID)
    if (one and not single) or not isinstance(given, Iterable):
        raise TypeError(f"{name} must be an iterable of values, not {type(given).__name__}")
    values = [given] if one else list(given)
    for value in values:
        if not isinstance(value, str | UUID):  # str() of None, bytes or a list is no value
            raise TypeError(f"{name} holds a {type(value).__name__}; a value is a str or a UUID")
    texts = [str(value) for value in values]
    if not texts:
        raise ValueError(f"{name} must name at least one value")
    if any(not text or "," in text for text in texts):
        raise ValueError(f"{name} holds an empty value or one with a comma")
    return ",".join(texts)


def text_arg(name: str, value: object) -> str:
    """``value`` if it is a ``str``; anything else is a ``TypeError`` naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def uuid_arg(name: str, value: object) -> UUID:
    """An id the API takes as a UUID: a ``UUID``, or a ``str`` that spells one; anything else is
    a ``TypeError``, and a malformed one a ``ValueError``, naming ``name`` only."""
    if isinstance(value, UUID):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or a UUID, not {type(value).__name__}")
    try:
        return UUID(value)
    except ValueError:
        raise ValueError(f"{name} must be a UUID") from None


def _written(attribute: attrs.Attribute[Any], value: Any) -> Any:
    """``value`` as ``attribute`` sends it: through the field's converter, then unstructured.

    The converter is what lets a caller give a ``date`` for a field served as a date-time; a
    naive ``datetime`` is refused (``ValueError``): the API needs an offset, and guessing one
    would move the instant.
    """
    converter = attribute.converter
    if callable(converter):
        value = converter(value)
    if isinstance(value, datetime):
        aware(wire_name(attribute), value)
    return unstructure(value)


def changes(model: type[WelkinModel], fields: Mapping[str, Any]) -> dict[str, Any]:
    """A PATCH body: only the given fields, by wire name; ``UNSET`` is left out, ``None`` is null.

    ``fields`` are named by ``model``'s attributes (``first_name``); values are unstructured the
    way the model would write them (dates as ISO strings, enums as their values).
    """
    known = _check_names(model, fields)
    return {
        wire_name(known[name]): _written(known[name], value)
        for name, value in fields.items()
        if value is not UNSET
    }


def new_body(model: type[M], body: M | Mapping[str, Any] | None, fields: Mapping[str, Any]) -> Any:
    """A create body from a model instance, a mapping of wire names, or keyword fields."""
    if body is not None and fields:
        raise TypeError("pass either a body or keyword fields, not both")
    if body is None:
        known = _check_names(model, fields)
        model(**fields)  # a missing required field is a TypeError here
        # Each field as written by its runtime value, so the forms the ``...Fields`` typed dicts
        # take (an enum's plain string, a nested record's mapping of wire names) are sent too.
        return {
            wire_name(attribute): _written(attribute, fields[name])
            for name, attribute in known.items()
            if name in fields and fields[name] is not UNSET
        }
    if isinstance(body, model):
        return unstructure(body)
    if isinstance(body, Mapping):
        by_wire = {wire_name(a): a for a in _fields_by_name(model).values()}
        return {
            key: _written(by_wire[key], value) if key in by_wire else unstructure(value)
            for key, value in body.items()
        }
    raise TypeError(
        f"expected {model.__name__} or a mapping of wire names, got {type(body).__name__}"
    )
