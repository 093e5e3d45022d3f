"""The admin API's users (create, change, delete, get without a lookup type) and a user's
encounters in an environment, in the live shapes."""

from __future__ import annotations

from typing import Any

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator

NEW = {"username": "new.casey", "email": "casey@acme.example"}
# The keys ``POST admin/users`` answers with when only a username and an email are sent.
CREATED_KEYS = {
    "territories",
    "roles",
    "policies",
    "seats",
    "seatAssignAllowed",
    "applicationAccess",
    "id",
    "username",
    "email",
    "enabled",
    "mfaEnabled",
    "statusType",
    "createdAt",
    "updatedAt",
    "ssoAccess",
    "passwordAccess",
    "terminologyName",
    "userState",
    "customUserAttributes",
    "allowedToReceiveCalls",
    "userAttributes",
    "_root_user",
}


def _user(emulator: WelkinEmulator, user_id: str) -> dict[str, Any] | None:
    return next((u for u in emulator.tenant().users if u["id"] == user_id), None)


async def test_create_answers_a_provisioned_user_in_the_live_shape(
    api: Api, emulator: WelkinEmulator
) -> None:
    """POST users answers 201 with the recorded keys only (no names were given), provisioned,
    not enabled, without roles; the user is stored."""
    made = await api.admin("POST", "users", json_body=NEW)
    assert made.status == 201
    assert set(made.body) == CREATED_KEYS
    assert (made.body["userState"], made.body["enabled"], made.body["roles"]) == (
        "PROVISIONED",
        False,
        [],
    )
    assert _user(emulator, made.body["id"]) == made.body


async def test_create_serves_the_optional_fields_given(api: Api) -> None:
    """Names, phone, time zone and credentials given at creation are served."""
    extra = {"firstName": "Casey", "lastName": "Lee", "timezone": "America/Chicago"}
    made = await api.admin("POST", "users", json_body={**NEW, **extra})
    assert set(made.body) == CREATED_KEYS | set(extra)
    assert {key: made.body[key] for key in extra} == extra


async def test_create_refusals(api: Api) -> None:
    """A missing email is 400, an invalid one 400 INVALID_EMAIL, a taken username (in any case)
    409 USER_ALREADY_EXISTS."""
    missing = await api.admin("POST", "users", json_body={"username": "x.y"})
    assert missing.status == 400
    invalid = await api.admin("POST", "users", json_body={**NEW, "email": "casey"})
    assert (invalid.status, invalid.error["errorCode"]) == (400, "INVALID_EMAIL")
    taken = await api.admin("POST", "users", json_body={**NEW, "username": "Coach.Quinn"})
    assert (taken.status, taken.error["errorCode"]) == (409, "USER_ALREADY_EXISTS")


async def test_a_role_that_only_reads_users_may_not_create_one(api_for: ApiFactory) -> None:
    """The care coordinator reads users but creating one is 403."""
    coordinator = await api_for(role="care-coordinator")
    assert (await coordinator.admin("GET", "users")).status == 200
    refused = await coordinator.admin("POST", "users", json_body=NEW)
    assert (refused.status, refused.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")


async def test_patch_by_username_changes_and_clears_fields(
    api: Api, emulator: WelkinEmulator
) -> None:
    """PATCH users/{username} stores the given fields, drops the ones sent as null, and names
    the API client as the updater."""
    user = emulator.tenant().users[1]
    changed = await api.admin(
        "PATCH", f"users/{user['username']}", json_body={"phone": "+15550100", "lastName": None}
    )
    assert changed.status == 200
    assert changed.body["phone"] == "+15550100"
    assert "lastName" not in changed.body
    assert changed.body["updatedByName"] == "acme-admin"
    assert _user(emulator, user["id"]) == changed.body


async def test_patch_refusals(api: Api, emulator: WelkinEmulator) -> None:
    """Clearing the email is 400, another user's username 409, an unknown user 404, an unknown
    field 400."""
    users = emulator.tenant().users
    path = f"users/{users[1]['id']}"
    cleared = await api.admin("PATCH", path, json_body={"email": None})
    assert (cleared.status, cleared.error["errorCode"]) == (400, "MISSING_FIELD")
    taken = await api.admin("PATCH", path, json_body={"username": users[2]["username"]})
    assert (taken.status, taken.error["errorCode"]) == (409, "USER_ALREADY_EXISTS")
    missing = await api.admin("PATCH", "users/nobody", json_body={"phone": "+15550100"})
    assert (missing.status, missing.error["errorCode"]) == (404, "USER_NOT_FOUND")
    unknown = await api.admin("PATCH", path, json_body={"nickname": "Q"})
    assert unknown.status == 400


async def test_delete_removes_the_user(api: Api, emulator: WelkinEmulator) -> None:
    """DELETE users/{id}?type=ID answers 204; the user is gone (404 afterwards)."""
    made = (await api.admin("POST", "users", json_body=NEW)).body
    removed = await api.admin("DELETE", f"users/{made['id']}", params={"type": "ID"})
    assert (removed.status, removed.body) == (204, b"")
    assert _user(emulator, made["id"]) is None
    again = await api.admin("GET", f"users/{made['id']}", params={"type": "ID"})
    assert (again.status, again.error["errorCode"]) == (404, "USER_NOT_FOUND")


async def test_get_without_a_type_finds_a_username(api: Api, emulator: WelkinEmulator) -> None:
    """Without ``type`` the path names a user by username (or id); by ID only ids match."""
    user = emulator.tenant().users[3]
    by_name = await api.admin("GET", f"users/{user['username']}")
    assert by_name.body == user
    by_id_type = await api.admin("GET", f"users/{user['username']}", params={"type": "ID"})
    assert by_id_type.status == 404


# --- a user's encounters -------------------------------------------------------------------------


def _owned(emulator: WelkinEmulator, user_id: str) -> list[str]:
    live = emulator.tenant().environments["live"]
    return [
        row["id"]
        for row in live.encounters.rows.values()
        if row["jsonBody"]["ownerUserId"] == user_id and row["jsonBody"]["status"] != "DELETED"
    ]


async def test_a_users_encounters_are_the_ones_they_own(api: Api, emulator: WelkinEmulator) -> None:
    """users/{id}/encounters is a metaInfo page of the user's encounters: no CDT, no system
    fields, the patient's name in patientInfo."""
    user_id = next(u["id"] for u in emulator.tenant().users if _owned(emulator, u["id"]))
    page = (await api.call("GET", f"users/{user_id}/encounters", params={"size": "50"})).body
    assert [item["id"] for item in page["data"]] == _owned(emulator, user_id)
    assert page["metaInfo"]["totalElements"] == len(page["data"])
    patients = emulator.tenant().environments["live"].patients.rows
    for item in page["data"]:
        assert (item["cdtId"], item["version"], item["cdtName"]) == (None, None, None)
        body = item["jsonBody"]
        assert "id" not in body
        assert "created_at" not in body
        patient = patients[item["patientId"]]
        assert body["patientInfo"] == {
            "patientId": patient["id"],
            "firstName": patient["firstName"],
            "lastName": patient["lastName"],
        }


async def test_with_care_team_adds_the_care_team_patients_encounters(
    api: Api, emulator: WelkinEmulator
) -> None:
    """withCareTeam=true adds the encounters of the patients whose care team has the user."""
    user_id = emulator.tenant().users[-1]["id"]
    live = emulator.tenant().environments["live"]
    theirs = next(
        r for r in live.encounters.rows.values() if r["jsonBody"]["ownerUserId"] != user_id
    )
    await api.call(
        "PATCH", f"patients/{theirs['patientId']}", json_body={"careTeam": [{"id": user_id}]}
    )
    path = f"users/{user_id}/encounters"
    alone = (await api.call("GET", path, params={"withCareTeam": "False"})).body["data"]
    team = (await api.call("GET", path, params={"withCareTeam": "true", "size": "50"})).body["data"]
    assert theirs["id"] not in [item["id"] for item in alone]
    assert theirs["id"] in [item["id"] for item in team]


async def test_a_users_encounters_refusals(api: Api, emulator: WelkinEmulator) -> None:
    """An unknown user is 404 USER_NOT_FOUND; withCareTeam that is no boolean is 400."""
    missing = await api.call("GET", "users/00000000-0000-4000-8000-000000000000/encounters")
    assert (missing.status, missing.error["errorCode"]) == (404, "USER_NOT_FOUND")
    user_id = emulator.tenant().users[0]["id"]
    bad = await api.call("GET", f"users/{user_id}/encounters", params={"withCareTeam": "maybe"})
    assert (bad.status, bad.error["errorCode"]) == (400, "INVALID_PARAMETER")
