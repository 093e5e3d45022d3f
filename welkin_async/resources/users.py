"""``client.users``: the tenant's users (an admin API: it is shared by every environment), and
the encounters a user holds in the client's environment.

A user is found by id (``get``, which sends ``?type=ID``) or by username (``get_by_username``,
which sends no ``type``: the live API reads the path as a username then). A change
(``update``) names the user by id or by username, as the live ``PATCH`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack, overload
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async.models import User, UserCreate, UserCreateFields, UserUpdate, UserUpdateFields
from welkin_async.resources._base import Resource, call_options, changes, new_body, some_change
from welkin_async.resources.encounters import EncounterRecord

_USERS = "admin/users"
_USER = "admin/users/{user_id}"
_ENCOUNTERS = "users/{user_id}/encounters"


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

    def encounters(
        self,
        user_id: str | UUID,
        /,
        *,
        with_care_team: bool = False,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[EncounterRecord]:
        """The encounters of one user in the client's environment, in the record envelope.

        These are the encounters the user owns (is scheduled with); ``with_care_team=True``
        adds the encounters of the patients whose care team the user is on. An item's
        ``json_body`` carries ``patient_info`` (the patient's id and name) instead of the
        record's system fields. Raises ``NotFound`` (``USER_NOT_FOUND``) for an unknown user,
        ``PermissionDenied`` when the role may not read encounters.
        """
        return self._client.paginate(
            "GET",
            _ENCOUNTERS,
            path_params={"user_id": user_id},
            params={"withCareTeam": with_care_team},
            size=size,
            item_type=EncounterRecord,
            options=options,
        )
