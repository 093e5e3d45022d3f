"""``client.users``: the tenant's users, listed, fetched (by id and by username), created,
changed and deleted through the admin API, and a user's encounters, compared with the emulator
tenant's state; with the refusals of a taken username, a bad email, an unknown user and a role
that may not create users."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async import UNSET, unstructure
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import (
    ApplicationAccess,
    CareTeamAssignment,
    PatientInfo,
    User,
    UserCreate,
    UserCreateFields,
)
from welkin_async.testing import WelkinEmulator

UNKNOWN_USER = "00000000-0000-4000-8000-00000000abcd"
# Patients 0, 4, 8... have a seeded encounter, hosted by a user of the tenant.
ENCOUNTERS = pytest.mark.welkin_emulator(patients=16, tenants=["acme"])


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


# --- create, update, delete, get by username -----------------------------------------------------

NEW_USER: UserCreateFields = {"username": "new.casey", "email": "casey@acme.example"}


def _stored_user(emulator: WelkinEmulator, user_id: object) -> dict[str, Any] | None:
    """The emulator tenant's user with this id, if any."""
    return next((u for u in emulator.tenant().users if u["id"] == str(user_id)), None)


async def test_create_stores_a_provisioned_user(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.create(username=, email=) stores a provisioned, not yet enabled user without roles
    and returns it as stored, every served key typed."""
    async with connect() as client:
        made = await client.users.create(**NEW_USER)
    row = _stored_user(welkin_emulator, made.id)
    assert row is not None
    assert (row["username"], row["email"], row["userState"], row["enabled"]) == (
        "new.casey",
        "casey@acme.example",
        "PROVISIONED",
        False,
    )
    assert row["roles"] == []
    assert unstructure(made) == row
    assert made.wire_extra == {}


async def test_create_accepts_a_model_and_sends_its_optional_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.create(UserCreate(...)) sends the optional names, phone and time zone too."""
    wanted = UserCreate(
        username="new.drew",
        email="drew@acme.example",
        first_name="Drew",
        last_name="Lee",
        phone="+15550100",
        timezone="America/Chicago",
    )
    async with connect() as client:
        made = await client.users.create(wanted)
    row = _stored_user(welkin_emulator, made.id)
    assert row is not None
    assert (row["firstName"], row["lastName"], row["phone"], row["timezone"]) == (
        "Drew",
        "Lee",
        "+15550100",
        "America/Chicago",
    )
    assert (made.first_name, made.timezone) == ("Drew", "America/Chicago")


async def test_create_without_an_email_is_a_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.create() without the required email raises TypeError before any request."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.users.create(username="no.email")  # type: ignore[call-overload]
    assert welkin_emulator.stats.requests["POST /users"] == 0


async def test_create_with_a_taken_username_is_conflict(connect: Connect) -> None:
    """Creating a user under a username the tenant has raises Conflict USER_ALREADY_EXISTS."""
    async with connect() as client:
        with pytest.raises(Conflict) as caught:
            await client.users.create(username="coach.quinn", email="other@acme.example")
    assert caught.value.error_code == "USER_ALREADY_EXISTS"


async def test_create_with_an_invalid_email_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An email that is no address raises BadRequest INVALID_EMAIL and stores nothing."""
    before = len(welkin_emulator.tenant().users)
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.users.create(username="bad.email", email="not-an-address")
    assert caught.value.error_code == "INVALID_EMAIL"
    assert len(welkin_emulator.tenant().users) == before


async def test_create_by_a_role_without_user_creation_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator may read users but not create them: PermissionDenied."""
    before = len(welkin_emulator.tenant().users)
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.users.create(**NEW_USER)
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert len(welkin_emulator.tenant().users) == before


async def test_update_changes_only_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.update(id, ...) stores the given fields and leaves the others as they were."""
    row = welkin_emulator.tenant().users[1]
    before = dict(row)
    async with connect() as client:
        updated = await client.users.update(row["id"], phone="+15550199", first_name="Q")
    stored = _stored_user(welkin_emulator, row["id"])
    assert stored is not None
    assert (stored["phone"], stored["firstName"]) == ("+15550199", "Q")
    assert (stored["lastName"], stored["email"]) == (before["lastName"], before["email"])
    assert (updated.phone, updated.first_name) == ("+15550199", "Q")


async def test_update_by_username_with_none_clears_a_field(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.update(username, last_name=None) names the user by username and clears the field."""
    row = welkin_emulator.tenant().users[2]
    async with connect() as client:
        updated = await client.users.update(row["username"], last_name=None)
    stored = _stored_user(welkin_emulator, row["id"])
    assert stored is not None
    assert "lastName" not in stored
    assert updated.last_name is UNSET


async def test_update_with_an_unknown_field_is_a_type_error(connect: Connect) -> None:
    """users.update() with a field UserUpdate lacks raises TypeError naming it."""
    async with connect() as client:
        with pytest.raises(TypeError, match="nickname"):
            await client.users.update("coach.quinn", nickname="Q")  # type: ignore[call-arg]


async def test_update_of_an_unknown_user_is_not_found(connect: Connect) -> None:
    """Changing a user no id or username names raises NotFound USER_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.users.update(UNKNOWN_USER, phone="+15550100")
    assert caught.value.error_code == "USER_NOT_FOUND"


async def test_delete_removes_the_user(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """users.delete(id) removes the user: a get of it is NotFound afterwards."""
    async with connect() as client:
        made = await client.users.create(**NEW_USER)
        await client.users.delete(str(made.id))
        with pytest.raises(NotFound):
            await client.users.get(str(made.id))
    assert _stored_user(welkin_emulator, made.id) is None


async def test_get_by_username(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """users.get_by_username(name) returns that user."""
    row = welkin_emulator.tenant().users[2]
    async with connect() as client:
        user = await client.users.get_by_username(row["username"])
    assert summary(user) == wire_summary(row)


async def test_get_by_username_me_is_user_not_found(connect: Connect) -> None:
    """users.get_by_username("me") for an API client raises NotFound USER_NOT_FOUND, as live."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.users.get_by_username("me")
    assert caught.value.error_code == "USER_NOT_FOUND"


# --- a user's encounters -------------------------------------------------------------------------


def _owned(emulator: WelkinEmulator, user_id: str) -> list[str]:
    """The ids of the live encounters (not deleted) the user owns, in stored order."""
    live = acme_live(emulator)
    return [
        row["id"]
        for row in live.encounters.rows.values()
        if row["jsonBody"]["ownerUserId"] == user_id and row["jsonBody"]["status"] != "DELETED"
    ]


def _an_owner(emulator: WelkinEmulator) -> str:
    """A user who owns at least one seeded encounter."""
    return next(str(u["id"]) for u in emulator.tenant().users if _owned(emulator, u["id"]))


@ENCOUNTERS
async def test_encounters_are_the_ones_the_user_owns(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.encounters(id) yields exactly the user's encounters, each naming its patient."""
    user_id = _an_owner(welkin_emulator)
    live = acme_live(welkin_emulator)
    async with connect() as client:
        listed = [e async for e in client.users.encounters(user_id)]
    assert [str(e.id) for e in listed] == _owned(welkin_emulator, user_id)
    for encounter in listed:
        info = encounter.json_body.patient_info
        assert isinstance(info, PatientInfo)
        patient = live.patients.rows[str(encounter.patient_id)]
        assert (str(info.patient_id), info.first_name) == (patient["id"], patient["firstName"])
        assert encounter.wire_extra == {}
        assert encounter.json_body.wire_extra == {}


@ENCOUNTERS
async def test_encounters_follow_pages(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """users.encounters(id, size=1) follows the pages until every encounter has been yielded."""
    user_id = _an_owner(welkin_emulator)
    async with connect() as client:
        ids = [str(e.id) async for e in client.users.encounters(user_id, size=1)]
    assert ids == _owned(welkin_emulator, user_id)


@ENCOUNTERS
async def test_encounters_with_care_team_add_the_care_team_patients(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """with_care_team=True adds the encounters of a patient whose care team has the user."""
    users = welkin_emulator.tenant().users
    user_id = users[-1]["id"]
    live = acme_live(welkin_emulator)
    rows = live.encounters.rows.values()
    theirs = next(row for row in rows if row["jsonBody"]["ownerUserId"] != user_id)
    async with connect() as client:
        await client.patients.update(
            theirs["patientId"], care_team=[CareTeamAssignment(id=UUID(user_id))]
        )
        alone = [str(e.id) async for e in client.users.encounters(user_id)]
        with_team = [str(e.id) async for e in client.users.encounters(user_id, with_care_team=True)]
    assert theirs["id"] not in alone
    assert theirs["id"] in with_team
    assert set(alone) < set(with_team)


async def test_encounters_of_an_unknown_user_are_not_found(connect: Connect) -> None:
    """users.encounters() of an id no user has raises NotFound USER_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            [e async for e in client.users.encounters(UNKNOWN_USER)]
    assert caught.value.error_code == "USER_NOT_FOUND"
