"""``client.users``: the tenant's users, listed and fetched through the admin API, compared with
the emulator tenant's users."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Connect
from welkin_async.errors import NotFound
from welkin_async.models import User
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
