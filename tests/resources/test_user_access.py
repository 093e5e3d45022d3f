"""``client.users``' access administration against the emulator: a user's permissions,
territories and application access read and replaced (the user then shows the change), and the
refusals of an unknown user, a bad entry and a role that may not update users."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import Connect
from welkin_async import UNSET
from welkin_async.errors import BadRequest, NotFound, PermissionDenied
from welkin_async.models import (
    ApplicationAccess,
    InstanceAccessWrite,
    PermissionType,
    UserPermissions,
    UserPermissionWrite,
    UserTerritories,
    UserTerritoryWrite,
)
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=1, tenants=["acme"])
UNKNOWN_USER = "00000000-0000-4000-8000-000000000000"


def _user(emulator: WelkinEmulator) -> dict[str, Any]:
    """The seeded acme user dr.morgan (two roles, two regions), as stored."""
    user: dict[str, Any] = emulator.tenant("acme").users[2]
    return user


async def test_permissions_are_read_typed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """permissions() is the user's roles then policies, typed."""
    user = _user(welkin_emulator)
    async with connect() as client:
        read = await client.users.permissions(user["id"])
    assert isinstance(read, UserPermissions)
    assert str(read.user_id) == user["id"]
    assert [(p.permission_name, p.type, p.primary_role) for p in read.permissions] == [
        ("physician", PermissionType.SECURITY_ROLE, True),
        ("health-coach", PermissionType.SECURITY_ROLE, False),
    ]


async def test_replace_permissions_changes_the_user(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_permissions() stores a model's role and a mapping's policy; the user shows them."""
    user_id = _user(welkin_emulator)["id"]
    until = datetime(2030, 1, 1, tzinfo=UTC)
    async with connect() as client:
        answer = await client.users.replace_permissions(
            user_id,
            [
                UserPermissionWrite(
                    permission_name="nurse",
                    instance_name="live",
                    type=PermissionType.SECURITY_ROLE,
                ),
                {
                    "permissionName": "phi-export",
                    "instanceName": "live",
                    "type": "SECURITY_POLICY",
                    "effectiveDate": until,
                },
            ],
        )
        shown = await client.users.get(user_id)
    assert [(p.permission_name, p.primary_role) for p in answer.permissions] == [
        ("nurse", True),
        ("phi-export", UNSET),
    ]
    assert answer.permissions[1].effective_date == until
    assert isinstance(shown.roles, list)
    assert isinstance(shown.policies, list)
    assert [r.permission_name for r in shown.roles] == ["nurse"]
    assert [p.permission_name for p in shown.policies] == ["phi-export"]
    assert _user(welkin_emulator)["policies"][0]["effectiveDate"] == "2030-01-01T00:00:00.000Z"


async def test_replace_permissions_with_an_unknown_role_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A role the tenant does not have raises BadRequest naming the entry; nothing changes."""
    user = _user(welkin_emulator)
    before = list(user["roles"])
    pilot = {"permissionName": "pilot", "instanceName": "live", "type": "SECURITY_ROLE"}
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.users.replace_permissions(user["id"], [pilot])
    assert caught.value.error_code == "UNKNOWN_SECURITY_ROLE"
    assert caught.value.details["field"] == "permissions[0].permissionName"
    assert _user(welkin_emulator)["roles"] == before


async def test_replace_permissions_with_a_lone_mapping_is_a_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """One mapping where an iterable of them belongs raises TypeError before any request."""
    role = {"permissionName": "nurse", "instanceName": "live", "type": "SECURITY_ROLE"}
    async with connect() as client:
        with pytest.raises(TypeError, match="iterable"):
            await client.users.replace_permissions(_user(welkin_emulator)["id"], role)  # type: ignore[arg-type]


async def test_territories_are_read_typed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """territories() is the user's regions with their territories, typed."""
    user = _user(welkin_emulator)
    async with connect() as client:
        read = await client.users.territories(user["id"])
    assert isinstance(read, UserTerritories)
    assert [(t.name, t.instance_name) for t in read.territories] == [
        ("east-coast", "live"),
        ("southwest", "live"),
    ]


async def test_replace_territories_changes_the_user(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_territories() stores the regions given; the user shows them."""
    user_id = _user(welkin_emulator)["id"]
    west = UserTerritoryWrite(name="west-coast", territories=["Oregon"], instance_name="sandbox")
    async with connect() as client:
        answer = await client.users.replace_territories(user_id, [west])
        shown = await client.users.get(user_id)
    assert [(t.name, t.territories, t.instance_name) for t in answer.territories] == [
        ("west-coast", ["Oregon"], "sandbox")
    ]
    assert shown.territories == answer.territories
    assert [t["name"] for t in _user(welkin_emulator)["territories"]] == ["west-coast"]


async def test_replace_territories_with_an_unknown_territory_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A territory its region does not have raises BadRequest UNKNOWN_TERRITORY."""
    ohio = UserTerritoryWrite(name="southwest", territories=["Ohio"], instance_name="live")
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.users.replace_territories(_user(welkin_emulator)["id"], [ohio])
    assert caught.value.error_code == "UNKNOWN_TERRITORY"


async def test_application_access_is_read_typed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """application_access() is the user's flags and environments, typed."""
    user = _user(welkin_emulator)
    async with connect() as client:
        read = await client.users.application_access(user["id"])
    assert isinstance(read, ApplicationAccess)
    assert str(read.id) == user["applicationAccess"]["id"]
    assert isinstance(read.instance_accesses, list)
    assert [a.instance_name for a in read.instance_accesses] == ["live", "sandbox"]


async def test_replace_application_access_changes_the_user(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_application_access() sets the flags and the environments; the user shows them."""
    user_id = _user(welkin_emulator)["id"]
    async with connect() as client:
        answer = await client.users.replace_application_access(
            user_id,
            admin_access_enabled=True,
            audit_security_access_enabled=True,
            instance_accesses=[
                InstanceAccessWrite(
                    instance_name="live",
                    workshop_access_enabled=False,
                    audit_data_access_enabled=True,
                )
            ],
        )
        shown = await client.users.get(user_id)
    assert (answer.admin_access_enabled, answer.audit_security_access_enabled) == (True, True)
    assert shown.application_access == answer
    stored = _user(welkin_emulator)["applicationAccess"]["instanceAccesses"]
    assert [(a["instanceName"], a["auditDataAccessEnabled"]) for a in stored] == [("live", True)]


async def test_replace_application_access_with_an_unknown_environment_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An environment the tenant does not have raises BadRequest UNKNOWN_INSTANCE."""
    moon = {"instanceName": "moon", "workshopAccessEnabled": True, "auditDataAccessEnabled": True}
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.users.replace_application_access(
                _user(welkin_emulator)["id"],
                admin_access_enabled=False,
                audit_security_access_enabled=False,
                instance_accesses=[moon],
            )
    assert caught.value.error_code == "UNKNOWN_INSTANCE"
    assert caught.value.details["field"] == "instanceAccesses[0].instanceName"


async def test_an_unknown_users_access_is_not_found(connect: Connect) -> None:
    """Each part of an unknown user's access raises NotFound USER_NOT_FOUND."""
    async with connect() as client:
        for read in (
            client.users.permissions,
            client.users.territories,
            client.users.application_access,
        ):
            with pytest.raises(NotFound) as caught:
                await read(UNKNOWN_USER)
            assert caught.value.error_code == "USER_NOT_FOUND"


async def test_a_role_that_only_reads_users_may_not_replace_territories(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator reads users but may not replace their access: PermissionDenied."""
    user = _user(welkin_emulator)
    before = list(user["territories"])
    async with connect(role="care-coordinator") as client:
        await client.users.territories(user["id"])
        with pytest.raises(PermissionDenied):
            await client.users.replace_territories(user["id"], [])
    assert _user(welkin_emulator)["territories"] == before


async def test_a_role_without_users_may_not_read_access(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst may not read users: PermissionDenied for their permissions."""
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied):
            await client.users.permissions(_user(welkin_emulator)["id"])
