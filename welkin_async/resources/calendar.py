"""``client.calendar``: calendar events, users' work hours and their schedules.

Events (``client.calendar.events``) are scheduled with a host (a user) who must also be one of
their participants; each participant names a user (``psm``) or a patient by id, and the server
fills in their names and contact fields. Listing leaves ``CANCELLED`` events out unless
``include_cancelled=True``.

Every date-time is sent as the live API's recordings show it, in UTC with milliseconds
(``2022-04-01T16:38:20.641Z``); a naive ``datetime`` is refused (``ValueError``), since guessing
its zone would move the instant. The API names users ``psm`` (``psmId``, ``psmIds``); the SDK
calls them users (``user_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Unpack, overload
from uuid import UUID

import attrs

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import structure
from welkin_async.models import (
    CalendarEvent,
    CalendarEventCreate,
    CalendarEventCreateFields,
    CalendarEventUpdate,
    CalendarEventUpdateFields,
    EventMode,
    EventParticipantCreate,
    EventStatus,
    EventType,
    ParticipantRole,
    UserSchedule,
    UserWorkHours,
)
from welkin_async.models._base import wire_name
from welkin_async.resources._base import (
    Resource,
    call_options,
    changes,
    new_body,
    query_instant,
    query_list,
    some_change,
    utc,
)

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

_FIELDS = [a for a in attrs.fields(CalendarEventCreate) if a.name != "wire_extra"]

_EVENTS = "calendar/events"
_EVENT = "calendar/events/{event_id}"
_WORK_HOURS = "calendar/work-hours"
_SCHEDULES = "calendar/psm-schedules"


# Keyword fields whose values a caller may give as plain strings.
_ENUMS: dict[str, type[Enum]] = {
    "event_type": EventType,
    "event_status": EventStatus,
    "event_mode": EventMode,
}


def _participant(given: EventParticipantCreate | Mapping[str, Any]) -> EventParticipantCreate:
    """A participant as the write models hold it, from a model or a mapping of wire names;
    a plain-string role (``"psm"``) becomes a :class:`ParticipantRole`."""
    if isinstance(given, EventParticipantCreate):
        role = given.participant_role
        if isinstance(role, ParticipantRole):
            return given
        return attrs.evolve(given, participant_role=ParticipantRole(role))
    if isinstance(given, Mapping):
        wire = {key: str(v) if isinstance(v, UUID) else v for key, v in given.items()}
        return structure(wire, EventParticipantCreate)
    raise TypeError(
        f"a participant is an EventParticipantCreate or a mapping, not {type(given).__name__}"
    )


def _typed_value(name: str, value: Any, enums: Mapping[str, type[Enum]]) -> Any:
    if isinstance(value, datetime):
        return utc(name, value)
    if name in enums and isinstance(value, str) and not isinstance(value, Enum):
        return enums[name](value)
    if name == "participants" and isinstance(value, Iterable) and not isinstance(value, str):
        return [_participant(one) for one in value]
    return value


def _typed(values: Mapping[str, Any], *, wire: bool = False) -> dict[str, Any]:
    """Fields (by attribute name, or by wire name when ``wire``) as the write models hold them:
    date-times in UTC (naive ones refused), plain strings of enum fields as members,
    participants as :class:`EventParticipantCreate`."""
    enums = {wire_name(a): _ENUMS[a.name] for a in _FIELDS if a.name in _ENUMS} if wire else _ENUMS
    return {name: _typed_value(name, value, enums) for name, value in values.items()}


def _model_typed(model: CalendarEventCreate) -> CalendarEventCreate:
    """A create model with its fields as :func:`_typed` makes them."""
    given = {a.name: getattr(model, a.name) for a in _FIELDS}
    return attrs.evolve(model, **_typed(given))


class CalendarEvents(Resource):
    """The environment's calendar events."""

    __slots__ = ()

    @overload
    async def create(
        self,
        event: CalendarEventCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> CalendarEvent: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[CalendarEventCreateFields],
    ) -> CalendarEvent: ...
    async def create(
        self,
        event: CalendarEventCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> CalendarEvent:
        """Schedule an event: ``create(start_date_time=..., end_date_time=..., host_id=user_id,
        participants=[EventParticipantCreate(participant_id=user_id, participant_role="psm")])``.

        Takes a :class:`CalendarEventCreate`, a mapping of wire names, or keyword fields
        (:class:`~welkin_async.models.CalendarEventCreateFields`); the host must be among the
        participants. Returns the stored event, its participants filled
        in from the users and patients they name.

        Raises ``BadRequest`` (``INVALID_REQUEST_BODY`` for a missing or malformed field; a
        participant or host that names no one, a host who is not a participant, an end before
        the start), ``PermissionDenied`` (``ACCESS_FOR_API_CLIENT_RESTRICTED``) when the API
        client's role may not create calendar events, ``ValueError`` for a naive date-time.
        """
        if isinstance(event, CalendarEventCreate):
            event = _model_typed(event)
        elif isinstance(event, Mapping):
            event = _typed(event, wire=True)
        body = new_body(CalendarEventCreate, event, _typed(fields))
        return await self._call(
            CalendarEvent,
            "POST",
            _EVENTS,
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def get(
        self, event_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> CalendarEvent:
        """One event by id.

        Raises ``NotFound`` (``CALENDAR_EVENT_NOT_FOUND``) when there is no such event, and
        ``PermissionDenied`` when the API client's role may not read the calendar.
        """
        return await self._call(
            CalendarEvent, "GET", _EVENT, path_params={"event_id": event_id}, options=options
        )

    async def update(
        self,
        event_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[CalendarEventUpdateFields],
    ) -> CalendarEvent:
        """Change only the given fields (a PATCH): ``update(event_id, event_status="CANCELLED")``.

        Fields are :class:`~welkin_async.models.CalendarEventUpdateFields` (``event_title``,
        ``start_date_time``, ``participants`` (the whole new list), ...); ``None`` clears a
        field that may be null. Returns the event as stored.

        Raises ``NotFound`` (``CALENDAR_EVENT_NOT_FOUND``), ``BadRequest`` for a value the
        event cannot take (as :meth:`create`), ``PermissionDenied`` when the API client's role
        may not update calendar events, ``TypeError`` for an unknown field or no field at all,
        ``ValueError`` for a naive date-time.
        """
        body = some_change("CalendarEvents.update", changes(CalendarEventUpdate, _typed(fields)))
        return await self._call(
            CalendarEvent,
            "PATCH",
            _EVENT,
            path_params={"event_id": event_id},
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def delete(self, event_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete an event (only one that has not started yet, the vendor documents).

        Raises ``NotFound`` (``CALENDAR_EVENT_NOT_FOUND``), ``Conflict`` for an event that has
        already started, and ``PermissionDenied`` when the API client's role may not delete
        calendar events.
        """
        await self._call_no_content(
            "DELETE", _EVENT, path_params={"event_id": event_id}, options=options
        )

    def list(
        self,
        *,
        from_: datetime | None = None,
        to: datetime | None = None,
        include_cancelled: bool | None = None,
        participant_ids: Iterable[str | UUID] | None = None,
        event_type: EventType | str | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[CalendarEvent]:
        """The events overlapping ``from_``..``to`` (aware date-times), earliest first.

        ``include_cancelled=True`` includes ``CANCELLED`` events (the server leaves them out by
        default); ``participant_ids`` keeps the events any of those users or patients take part
        in; ``event_type`` keeps one type. Parameters left ``None`` are not sent.

        Raises ``BadRequest`` for a value the server cannot read, ``PermissionDenied`` when the
        API client's role may not read the calendar (both when iteration starts), and
        ``ValueError`` at once for a naive date-time.
        """
        params: dict[str, QueryValue] = {}
        if from_ is not None:
            params["from"] = query_instant("from_", from_)
        if to is not None:
            params["to"] = query_instant("to", to)
        if include_cancelled is not None:
            params["includeCancelled"] = include_cancelled
        if participant_ids is not None:
            params["participantIds"] = query_list("participant_ids", participant_ids, single=False)
        if event_type is not None:
            params["eventType"] = str(EventType(event_type).value)
        return self._client.paginate(
            "GET", _EVENTS, params=params, size=size, item_type=CalendarEvent, options=options
        )


class Calendar(Resource):
    """The environment's calendar: its events, and users' work hours and schedules."""

    __slots__ = ("events",)

    def __init__(self, client: WelkinClient) -> None:
        super().__init__(client)
        self.events = CalendarEvents(client)
        """The calendar's events: create, get, update, delete, list."""

    async def work_hours(
        self,
        *,
        from_: datetime,
        to: datetime,
        user_ids: Iterable[str | UUID],
        **options: Unpack[RequestOptions],
    ) -> list[UserWorkHours]:
        """The work-hour rules of each of ``user_ids`` in effect between ``from_`` and ``to``
        (aware date-times): one :class:`UserWorkHours` per user who has some (one answer, not
        paged; a user with none in the span is left out).

        Raises ``BadRequest`` for a value the server cannot read, ``PermissionDenied`` when the
        API client's role may not read the calendar, ``ValueError`` for a naive date-time or no
        user id.
        """
        params: dict[str, QueryValue] = {
            "from": query_instant("from_", from_),
            "to": query_instant("to", to),
            "psmIds": query_list("user_ids", user_ids, single=False),
        }
        return await self._call(
            list[UserWorkHours], "GET", _WORK_HOURS, params=params, options=options
        )

    async def schedules(
        self,
        *,
        user_ids: Iterable[str | UUID],
        from_: datetime,
        to: datetime,
        include_cancelled: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[UserSchedule]:
        """Each of ``user_ids``' schedule between ``from_`` and ``to`` (aware date-times): their
        work-hour rules and the events they host or take part in, one :class:`UserSchedule` per
        user (one answer: the live API serves a bare list, though it takes ``page=0``).

        ``include_cancelled=True`` includes ``CANCELLED`` events.

        Raises ``BadRequest`` for a value the server cannot read, ``PermissionDenied`` when the
        API client's role may not read the calendar, ``ValueError`` for a naive date-time or no
        user id.
        """
        params: dict[str, QueryValue] = {
            "psmIds": query_list("user_ids", user_ids, single=False),
            "from": query_instant("from_", from_),
            "to": query_instant("to", to),
        }
        if include_cancelled is not None:
            params["includeCancelled"] = include_cancelled
        params["page"] = 0
        return await self._call(
            list[UserSchedule], "GET", _SCHEDULES, params=params, options=options
        )
