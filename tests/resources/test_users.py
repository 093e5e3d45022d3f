"""``client.users``: the tenant's users, listed and fetched through the admin API, compared with
the emulator tenant's users."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Connect
from welkin_async import unstructure
from welkin_async.errors import NotFound
from welkin_async.models import ApplicationAccess, User
from welkin_async.testing import WelkinEmulator

UNKNOWN_USER = "00000000-0000-4000-8000-00000000abcd"


def summary(user: User) -> dict[str, Any]:
    """What the tests compare of a user, in the emulator's wire form."""
    return {
        "id": str(user.id),
        "username": user.username,
        "email": user.email,
        "roles": [role.permission_name for role in user.roles or []],
        "territories": [territory.name for territory in user.territories or []],
    }


def wire_summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "username": row["username"],
        "email": row["email"],
        "roles": [role["permissionName"] for role in row["roles"]],
        "territories": [territory["name"] for territory in row["territories"]],
    }


async def test_list_is_every_user_of_the_tenant(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.list() yields every user of the tenant once, with ids, names, roles, territories."""
    async with connect() as client:
        users = [user async for user in client.users.list()]
    assert [summary(u) for u in users] == [wire_summary(u) for u in welkin_emulator.tenant().users]


async def test_a_user_reads_every_served_field_typed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A listed user's served fields are all typed (names, roles, policies, territories, seats,
    application access, attributes, flags): none is left in wire_extra, and it writes back as
    served."""
    async with connect() as client:
        users = [user async for user in client.users.list()]
    rows = welkin_emulator.tenant().users
    for user, row in zip(users, rows, strict=True):
        assert user.wire_extra == {}
        assert unstructure(user) == row
        assert (user.first_name, user.last_name) == (row["firstName"], row["lastName"])
        access = user.application_access
        assert isinstance(access, ApplicationAccess)
        assert access.wire_extra == {}
        assert [a.instance_name for a in access.instance_accesses or []] == ["live", "sandbox"]
    assert [user.root_user for user in users] == [row["_root_user"] for row in rows]


async def test_list_follows_pages(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """users.list(size=1) follows the pages until every user has been yielded."""
    async with connect() as client:
        ids = [str(user.id) async for user in client.users.list(size=1)]
    tenant_users = welkin_emulator.tenant().users
    assert ids == [u["id"] for u in tenant_users]
    assert welkin_emulator.stats.requests["GET /users"] == len(tenant_users)


async def test_get_by_id(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """users.get(id) returns that user."""
    row = welkin_emulator.tenant().users[-1]
    async with connect() as client:
        user = await client.users.get(row["id"])
    assert isinstance(user, User)
    assert summary(user) == wire_summary(row)


async def test_get_unknown_id_is_not_found(connect: Connect) -> None:
    """users.get() of an id no user has raises NotFound."""
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.users.get(UNKNOWN_USER)
