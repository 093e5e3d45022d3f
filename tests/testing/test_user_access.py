"""A user's access (``admin/user-permissions``, ``admin/user-territories``,
``admin/application-accesses``): read from the user's row, replaced by a ``PUT`` that the user
then shows, checked against the tenant's configuration, and audited."""

from __future__ import annotations

from typing import Any

import pytest

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator

UNKNOWN_USER = "00000000-0000-4000-8000-000000000000"


def _user(emulator: WelkinEmulator, index: int = 2) -> dict[str, Any]:
    """A seeded acme user (dr.morgan by default: two roles, two regions)."""
    user: dict[str, Any] = emulator.tenant("acme").users[index]
    return user


def _role(name: str, instance: str = "live", **more: Any) -> dict[str, Any]:
    return {"permissionName": name, "instanceName": instance, "type": "SECURITY_ROLE", **more}


def _policy(name: str, instance: str = "live", **more: Any) -> dict[str, Any]:
    return {"permissionName": name, "instanceName": instance, "type": "SECURITY_POLICY", **more}


async def test_permissions_are_the_users_roles_and_policies(
    api: Api, emulator: WelkinEmulator
) -> None:
    """GET user-permissions answers the user's roles then policies, with the user's id."""
    user = _user(emulator)
    answer = await api.admin("GET", f"user-permissions/{user['id']}")
    assert answer.status == 200
    assert answer.body["userId"] == user["id"]
    assert answer.body["permissions"] == [*user["roles"], *user["policies"]]


async def test_replacing_permissions_changes_the_user(api: Api, emulator: WelkinEmulator) -> None:
    """A PUT stores the roles (the marked one primary) and the policy with its effective date,
    and GET admin/users/{id} then shows them."""
    user_id = _user(emulator)["id"]
    body = {
        "permissions": [
            _role("nurse"),
            _role("physician", primaryRole=True),
            _policy("cdt-management", effectiveDate="2030-01-01T00:00:00Z"),
        ]
    }
    answer = await api.admin("PUT", f"user-permissions/{user_id}", json_body=body)
    assert answer.status == 200, answer.body
    shown = (await api.admin("GET", f"users/{user_id}", params={"type": "ID"})).body
    assert [(r["permissionName"], r["primaryRole"]) for r in shown["roles"]] == [
        ("nurse", False),
        ("physician", True),
    ]
    assert [(p["permissionName"], p["effectiveDate"]) for p in shown["policies"]] == [
        ("cdt-management", "2030-01-01T00:00:00.000Z")
    ]
    assert answer.body["permissions"] == [*shown["roles"], *shown["policies"]]


async def test_an_environments_first_role_is_primary_when_none_is(
    api: Api, emulator: WelkinEmulator
) -> None:
    """With no role marked primary, each environment's first role is."""
    user_id = _user(emulator)["id"]
    body = {"permissions": [_role("nurse"), _role("physician"), _role("nurse", "sandbox")]}
    answer = await api.admin("PUT", f"user-permissions/{user_id}", json_body=body)
    assert [p["primaryRole"] for p in answer.body["permissions"]] == [True, False, True]


async def test_an_unchanged_entry_keeps_its_stamps(api: Api, emulator: WelkinEmulator) -> None:
    """A role sent back as it is keeps its createdAt and updatedAt; the document is updated."""
    user = _user(emulator)
    kept = user["roles"][0]
    body = {"permissions": [_role(kept["permissionName"], primaryRole=True)]}
    emulator.clock.advance(60)
    answer = await api.admin("PUT", f"user-permissions/{user['id']}", json_body=body)
    assert answer.body["permissions"] == [kept]
    assert answer.body["updatedAt"] > kept["updatedAt"]


@pytest.mark.parametrize(
    ("permission", "code", "field"),
    [
        (_role("pilot"), "UNKNOWN_SECURITY_ROLE", "permissions[1].permissionName"),
        (_policy("nurse"), "UNKNOWN_SECURITY_POLICY", "permissions[1].permissionName"),
        (_role("nurse", "staging"), "UNKNOWN_INSTANCE", "permissions[1].instanceName"),
        (
            _role("physician", primaryRole=True),
            "MULTIPLE_PRIMARY_ROLES",
            "permissions[1].primaryRole",
        ),
        (_role("nurse"), "DUPLICATE_ENTRY", "permissions[1]"),
        (
            _role("physician", effectiveDate="2030-01-01T00:00:00Z"),
            "INVALID_PERMISSION",
            "permissions[1]",
        ),
        (_policy("phi-export", primaryRole=False), "INVALID_PERMISSION", "permissions[1]"),
    ],
)
async def test_a_bad_permission_is_refused_and_changes_nothing(
    api: Api, emulator: WelkinEmulator, permission: dict[str, Any], code: str, field: str
) -> None:
    """A permission that names nothing the tenant has, or breaks a rule, is a 400 naming the
    entry, and the user is left as they were."""
    user = _user(emulator)
    before = [*user["roles"], *user["policies"]]
    body = {"permissions": [_role("nurse", primaryRole=True), permission]}
    answer = await api.admin("PUT", f"user-permissions/{user['id']}", json_body=body)
    assert answer.status == 400
    assert (answer.error["errorCode"], answer.error["details"]["field"]) == (code, field)
    assert [*_user(emulator)["roles"], *_user(emulator)["policies"]] == before


async def test_a_second_primary_role_is_named_by_its_place_in_the_body(
    api: Api, emulator: WelkinEmulator
) -> None:
    """The refusal of a second primary role names its index among all the permissions sent."""
    body = {
        "permissions": [
            _policy("phi-export"),
            _role("nurse", primaryRole=True),
            _role("physician", primaryRole=True),
        ]
    }
    answer = await api.admin("PUT", f"user-permissions/{_user(emulator)['id']}", json_body=body)
    assert answer.status == 400
    assert answer.error["details"]["field"] == "permissions[2].primaryRole"


async def test_a_permission_of_another_type_is_a_bad_body(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A type that is neither a role nor a policy fails the body's schema: 400."""
    body = {"permissions": [{**_role("nurse"), "type": "SECURITY_GROUP"}]}
    answer = await api.admin("PUT", f"user-permissions/{_user(emulator)['id']}", json_body=body)
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_REQUEST_BODY"


async def test_territories_are_the_users_regions(api: Api, emulator: WelkinEmulator) -> None:
    """GET user-territories answers the user's regions with their territories."""
    user = _user(emulator)
    answer = await api.admin("GET", f"user-territories/{user['id']}")
    assert answer.status == 200
    assert answer.body["userId"] == user["id"]
    assert answer.body["territories"] == user["territories"]
    assert [t["name"] for t in answer.body["territories"]] == ["east-coast", "southwest"]


async def test_replacing_territories_changes_the_user(api: Api, emulator: WelkinEmulator) -> None:
    """A PUT stores the regions as given, stamped by the API client, and the user shows them."""
    user_id = _user(emulator)["id"]
    body = {
        "territories": [{"name": "west-coast", "territories": ["Oregon"], "instanceName": "live"}]
    }
    answer = await api.admin("PUT", f"user-territories/{user_id}", json_body=body)
    assert answer.status == 200, answer.body
    shown = (await api.admin("GET", f"users/{user_id}")).body["territories"]
    assert [(t["name"], t["territories"], t["updatedBy"]) for t in shown] == [
        ("west-coast", ["Oregon"], "acme-admin")
    ]
    assert answer.body["territories"] == shown
    assert answer.body["updatedBy"] == "acme-admin"


@pytest.mark.parametrize(
    ("region", "code", "field"),
    [
        ({"name": "north", "territories": []}, "UNKNOWN_REGION", "territories[0].name"),
        (
            {"name": "southwest", "territories": ["Texas", "Ohio"]},
            "UNKNOWN_TERRITORY",
            "territories[0].territories[1]",
        ),
        (
            {"name": "southwest", "territories": [], "instanceName": "moon"},
            "UNKNOWN_INSTANCE",
            "territories[0].instanceName",
        ),
    ],
)
async def test_a_bad_region_is_refused(
    api: Api, emulator: WelkinEmulator, region: dict[str, Any], code: str, field: str
) -> None:
    """A region or territory the tenant does not have, or an unknown environment, is a 400
    naming the entry."""
    body = {"territories": [{"instanceName": "live", **region}]}
    answer = await api.admin("PUT", f"user-territories/{_user(emulator)['id']}", json_body=body)
    assert answer.status == 400
    assert (answer.error["errorCode"], answer.error["details"]["field"]) == (code, field)


async def test_replacing_application_access_changes_the_user(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A PUT sets the flags and the environments (one left out is closed), keeping the access's
    id, and GET application-accesses and the user then show it."""
    user = _user(emulator)
    access_id = user["applicationAccess"]["id"]
    body = {
        "adminAccessEnabled": True,
        "auditSecurityAccessEnabled": True,
        "instanceAccesses": [
            {
                "instanceName": "sandbox",
                "workshopAccessEnabled": False,
                "auditDataAccessEnabled": True,
            }
        ],
    }
    answer = await api.admin("PUT", f"application-accesses/{user['id']}", json_body=body)
    assert answer.status == 200, answer.body
    read = (await api.admin("GET", f"application-accesses/{user['id']}")).body
    assert read == answer.body == _user(emulator)["applicationAccess"]
    assert (read["id"], read["adminAccessEnabled"], read["auditSecurityAccessEnabled"]) == (
        access_id,
        True,
        True,
    )
    (sandbox,) = read["instanceAccesses"]
    assert (sandbox["instanceName"], sandbox["workshopAccessEnabled"]) == ("sandbox", False)
    sandbox_id = user["applicationAccess"]["instanceAccesses"][1]["instanceId"]
    assert sandbox["instanceId"] == sandbox_id


async def test_an_unknown_application_is_a_bad_body(api: Api, emulator: WelkinEmulator) -> None:
    """An application flag the API does not have fails the body's schema: 400."""
    body = {
        "adminAccessEnabled": True,
        "auditSecurityAccessEnabled": False,
        "reportsAccessEnabled": True,
        "instanceAccesses": [],
    }
    answer = await api.admin("PUT", f"application-accesses/{_user(emulator)['id']}", json_body=body)
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_REQUEST_BODY"


async def test_an_environment_named_twice_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """Two accesses to one environment are a 400 DUPLICATE_ENTRY."""
    one = {"instanceName": "live", "workshopAccessEnabled": True, "auditDataAccessEnabled": True}
    body = {
        "adminAccessEnabled": False,
        "auditSecurityAccessEnabled": False,
        "instanceAccesses": [one, one],
    }
    answer = await api.admin("PUT", f"application-accesses/{_user(emulator)['id']}", json_body=body)
    assert answer.status == 400
    assert answer.error["details"]["field"] == "instanceAccesses[1]"


@pytest.mark.parametrize("path", ["user-permissions", "user-territories", "application-accesses"])
async def test_an_unknown_user_is_not_found(api: Api, path: str) -> None:
    """Each part of an unknown user's access is 404 USER_NOT_FOUND."""
    answer = await api.admin("GET", f"{path}/{UNKNOWN_USER}")
    assert answer.status == 404
    assert answer.error["errorCode"] == "USER_NOT_FOUND"


async def test_a_role_that_only_reads_users_may_not_replace_access(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The care coordinator reads a user's permissions but may not replace them: 403."""
    coordinator = await api_for(role="care-coordinator")
    path = f"user-permissions/{_user(emulator)['id']}"
    assert (await coordinator.admin("GET", path)).status == 200
    answer = await coordinator.admin("PUT", path, json_body={"permissions": []})
    assert answer.status == 403


async def test_a_replacement_is_a_security_event_on_the_user(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A PUT is audited as its subtype, by the API client, on the user, with what the GET then
    answers as its record."""
    user = _user(emulator)
    body: dict[str, list[Any]] = {"territories": []}
    answer = await api.admin("PUT", f"user-territories/{user['id']}", json_body=body)
    newest = emulator.tenant("acme").security_audit.entries[-1]
    assert newest["eventSubtype"] == "USER_TERRITORIES_UPDATED"
    assert (newest["subjectUsername"], newest["objectUserId"]) == ("acme-admin", user["id"])
    assert (newest["objectActor"], newest["objectUsername"]) == ("USER", user["username"])
    assert newest["record"] == answer.body
