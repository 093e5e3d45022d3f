"""``client.users``: the tenant's users (an admin API: it is shared by every environment), their
access (permissions, territories, application access), and the encounters a user holds in the
client's environment.

A user is found by id (``get``, which sends ``?type=ID``) or by username (``get_by_username``,
which sends no ``type``: the live API reads the path as a username then). A change
(``update``) names the user by id or by username, as the live ``PATCH`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async.models import (
    ApplicationAccess,
    EncounterStatus,
    FullEncounter,
    InstanceAccessWrite,
    User,
    UserCreate,
    UserCreateFields,
    UserPermissions,
    UserPermissionWrite,
    UserTerritories,
    UserTerritoryWrite,
    UserUpdate,
    UserUpdateFields,
)
from welkin_async.resources._base import (
    M,
    Resource,
    call_options,
    changes,
    new_body,
    some_change,
)
from welkin_async.resources.encounters import EncounterRecord, list_query

_USERS = "admin/users"
_USER = "admin/users/{user_id}"
_PERMISSIONS = "admin/user-permissions/{user_id}"
_TERRITORIES = "admin/user-territories/{user_id}"
_APPLICATION_ACCESS = "admin/application-accesses/{user_id}"
_ENCOUNTERS = "users/{user_id}/encounters"
_FULL_ENCOUNTERS = "users/{user_id}/full-encounters"


def _entries(model: type[M], name: str, given: Iterable[M | Mapping[str, Any]]) -> list[Any]:
    """The ``name`` entries of a replacement, as sent: each a ``model`` or a mapping of wire
    names; a lone mapping or string instead of an iterable of them is a ``TypeError``."""
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        raise TypeError(
            f"{name} must be an iterable of {model.__name__} or mappings, "
            f"not {type(given).__name__}"
        )
    return [new_body(model, entry, {}) for entry in given]


class Users(Resource):
    """The tenant's users."""

    __slots__ = ()

    def list(self, *, size: int = 100, **options: Unpack[RequestOptions]) -> Paginator[User]:
        """Every user of the tenant (the options apply to every page)."""
        return self._client.paginate("GET", _USERS, size=size, item_type=User, options=options)

    async def get(self, user_id: str | UUID, /, **options: Unpack[RequestOptions]) -> User:
        """One user by id.

        Raises ``NotFound`` (``USER_NOT_FOUND``) when no user has the id, ``PermissionDenied``
        when the client's role may not read users.
        """
        return await self._call(
            User,
            "GET",
            _USER,
            path_params={"user_id": user_id},
            params={"type": "ID"},
            options=options,
        )

    async def get_by_username(self, username: str, /, **options: Unpack[RequestOptions]) -> User:
        """One user by username (the request names no lookup ``type``).

        Raises ``NotFound`` (``USER_NOT_FOUND``) when no user has the username (``"me"``, for
        an API client, is no user), ``PermissionDenied`` when the role may not read users.
        """
        return await self._call(
            User, "GET", _USER, path_params={"user_id": username}, options=options
        )

    @overload
    async def create(
        self,
        user: UserCreate | Mapping[str, Any],
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
    ) -> User: ...
    @overload
    async def create(
        self,
        /,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, QueryValue] | None = ...,
        timeout: float | Timeouts | None = ...,
        **fields: Unpack[UserCreateFields],
    ) -> User: ...
    async def create(
        self,
        user: UserCreate | Mapping[str, Any] | None = None,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Any,
    ) -> User:
        """Create a user from a :class:`UserCreate`, a mapping of wire names, or fields
        (:class:`~welkin_async.models.UserCreateFields`).

        ``client.users.create(username="jdoe", email="j.doe@example.org", first_name="J")``. The
        new user is ``PROVISIONED`` and not yet enabled, with no roles. Raises ``BadRequest``
        for an invalid value (``INVALID_EMAIL``), ``Conflict`` (``USER_ALREADY_EXISTS``) for a
        username already taken, ``PermissionDenied`` when the role may not create users; a
        missing username or email is a ``TypeError`` before anything is sent.
        """
        body = new_body(UserCreate, user, fields)
        return await self._call(
            User,
            "POST",
            _USERS,
            json=body,
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def update(
        self,
        id_or_username: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[UserUpdateFields],
    ) -> User:
        """Change only the given fields of the user with this id or username (a PATCH).

        ``client.users.update("jdoe", phone="+15550100", last_name=None)``: ``None`` clears a
        field, ``UNSET`` is skipped; an unknown field name, or no field to change, is a
        ``TypeError``. Raises ``NotFound`` (``USER_NOT_FOUND``), ``BadRequest`` for an invalid
        value, ``Conflict`` (``USER_ALREADY_EXISTS``) for a username already taken,
        ``PermissionDenied``.
        """
        return await self._call(
            User,
            "PATCH",
            _USER,
            path_params={"user_id": id_or_username},
            json=some_change("Users.update", changes(UserUpdate, fields)),
            options=call_options(extra_headers, extra_query, timeout),
        )

    async def delete(self, user_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete the user with this id.

        Raises ``NotFound`` (``USER_NOT_FOUND``), ``PermissionDenied`` when the role may not
        delete users.
        """
        await self._client._send(
            "DELETE",
            _USER,
            path_params={"user_id": user_id},
            params={"type": "ID"},
            options=options,
        )

    async def permissions(
        self, user_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> UserPermissions:
        """The user's security roles and policies, in every environment.

        Raises ``NotFound`` (``USER_NOT_FOUND``), ``PermissionDenied`` when the role may not
        read users.
        """
        return await self._call(
            UserPermissions, "GET", _PERMISSIONS, path_params={"user_id": user_id}, options=options
        )

    async def replace_permissions(
        self,
        user_id: str | UUID,
        permissions: Iterable[UserPermissionWrite | Mapping[str, Any]],
        /,
        **options: Unpack[RequestOptions],
    ) -> UserPermissions:
        """Replace all of the user's roles and policies with ``permissions`` (a PUT); the answer
        is what the user then has.

        ``UserPermissionWrite(permission_name="nurse", instance_name="live",
        type=PermissionType.SECURITY_ROLE, primary_role=True)``: a role may be primary (one per
        environment; with none marked, the environment's first role is), a policy may have an
        ``effective_date`` (aware) when it stops applying; an environment left out keeps none.
        Raises ``BadRequest`` for a role, policy or environment the tenant does not have
        (``UNKNOWN_SECURITY_ROLE``, ``UNKNOWN_SECURITY_POLICY``, ``UNKNOWN_INSTANCE``), two
        primary roles in one environment (``MULTIPLE_PRIMARY_ROLES``), an entry named twice
        (``DUPLICATE_ENTRY``), ``NotFound`` (``USER_NOT_FOUND``), ``PermissionDenied`` when the
        role may not update users; an entry that is no model or mapping is a ``TypeError``.
        """
        body = {"permissions": _entries(UserPermissionWrite, "permissions", permissions)}
        return await self._call(
            UserPermissions,
            "PUT",
            _PERMISSIONS,
            path_params={"user_id": user_id},
            json=body,
            options=options,
        )

    async def territories(
        self, user_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> UserTerritories:
        """The user's regions, each with the territories of it the user covers.

        Raises ``NotFound`` (``USER_NOT_FOUND``), ``PermissionDenied`` when the role may not
        read users.
        """
        return await self._call(
            UserTerritories, "GET", _TERRITORIES, path_params={"user_id": user_id}, options=options
        )

    async def replace_territories(
        self,
        user_id: str | UUID,
        territories: Iterable[UserTerritoryWrite | Mapping[str, Any]],
        /,
        **options: Unpack[RequestOptions],
    ) -> UserTerritories:
        """Replace all of the user's regions with ``territories`` (a PUT); the answer is what
        the user then has.

        ``UserTerritoryWrite(name="west-coast", territories=["Oregon"], instance_name="live")``.
        Raises ``BadRequest`` for a region, territory or environment the tenant does not have
        (``UNKNOWN_REGION``, ``UNKNOWN_TERRITORY``, ``UNKNOWN_INSTANCE``), a region named twice
        in one environment (``DUPLICATE_ENTRY``), ``NotFound`` (``USER_NOT_FOUND``),
        ``PermissionDenied`` when the role may not update users; an entry that is no model or
        mapping is a ``TypeError``.
        """
        body = {"territories": _entries(UserTerritoryWrite, "territories", territories)}
        return await self._call(
            UserTerritories,
            "PUT",
            _TERRITORIES,
            path_params={"user_id": user_id},
            json=body,
            options=options,
        )

    async def application_access(
        self, user_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> ApplicationAccess:
        """Which applications the user may use: the admin portal, the security audit, and per
        environment its care portal, Designer and data audit.

        Raises ``NotFound`` (``USER_NOT_FOUND``), ``PermissionDenied`` when the role may not
        read users.
        """
        return await self._call(
            ApplicationAccess,
            "GET",
            _APPLICATION_ACCESS,
            path_params={"user_id": user_id},
            options=options,
        )

    async def replace_application_access(
        self,
        user_id: str | UUID,
        /,
        *,
        admin_access_enabled: bool,
        audit_security_access_enabled: bool,
        instance_accesses: Iterable[InstanceAccessWrite | Mapping[str, Any]],
        **options: Unpack[RequestOptions],
    ) -> ApplicationAccess:
        """Replace the user's application access (a PUT); the answer is what the user then has.

        ``instance_accesses`` are the environments the user may use, each an
        ``InstanceAccessWrite(instance_name="live", workshop_access_enabled=True,
        audit_data_access_enabled=False)``; an environment left out is closed to them. Raises
        ``BadRequest`` for an environment the tenant does not have (``UNKNOWN_INSTANCE``) or
        named twice (``DUPLICATE_ENTRY``), ``NotFound`` (``USER_NOT_FOUND``),
        ``PermissionDenied`` when the role may not update users; an entry that is no model or
        mapping is a ``TypeError``.
        """
        body = {
            "adminAccessEnabled": admin_access_enabled,
            "auditSecurityAccessEnabled": audit_security_access_enabled,
            "instanceAccesses": _entries(
                InstanceAccessWrite, "instance_accesses", instance_accesses
            ),
        }
        return await self._call(
            ApplicationAccess,
            "PUT",
            _APPLICATION_ACCESS,
            path_params={"user_id": user_id},
            json=body,
            options=options,
        )

    def encounters(
        self,
        user_id: str | UUID,
        /,
        *,
        with_care_team: bool = False,
        statuses: EncounterStatus | str | Iterable[EncounterStatus | str] | None = None,
        sort: str | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[EncounterRecord]:
        """The encounters of one user in the client's environment, in the record envelope.

        These are the encounters the user owns (is scheduled with); ``with_care_team=True``
        adds the encounters of the patients whose care team the user is on; ``statuses``
        keeps those in the given statuses (one or several; without it, all but deleted ones);
        ``sort`` (``"createdAt,desc"``: a field, then ``asc`` or ``desc``) orders them. An
        item's ``json_body`` carries ``patient_info`` (the patient's id and name) instead of
        the record's system fields. Raises ``NotFound`` (``USER_NOT_FOUND``) for an unknown
        user, ``BadRequest`` for a status or sort the server does not take,
        ``PermissionDenied`` when the role may not read encounters; ``TypeError`` or
        ``ValueError`` at once for a malformed ``statuses`` or ``sort``.
        """
        return self._client.paginate(
            "GET",
            _ENCOUNTERS,
            path_params={"user_id": user_id},
            params={"withCareTeam": with_care_team, **list_query(statuses, sort)},
            size=size,
            item_type=EncounterRecord,
            options=options,
        )

    def full_encounters(
        self,
        user_id: str | UUID,
        /,
        *,
        with_care_team: bool = False,
        statuses: EncounterStatus | str | Iterable[EncounterStatus | str] | None = None,
        sort: str | None = None,
        only_with_calendar_event: bool = False,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[FullEncounter]:
        """The encounters :meth:`encounters` lists, in its order, each as
        ``client.encounters(patient_id).full(id)`` reads it (the encounter in its full record
        envelope, with its disposition, calendar event, user, assessment links and comments).

        ``only_with_calendar_event=True`` keeps the encounter, its calendar event and its user
        only (the rest None). Raises as :meth:`encounters` does.
        """
        return self._client.paginate(
            "GET",
            _FULL_ENCOUNTERS,
            path_params={"user_id": user_id},
            params={
                "withCareTeam": with_care_team,
                "onlyWithCalendarEvent": only_with_calendar_event,
                **list_query(statuses, sort),
            },
            size=size,
            item_type=FullEncounter,
            options=options,
        )
