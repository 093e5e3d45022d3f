"""The security audit (``admin/audit-security``): token grants and refusals, rejected bearer
tokens, policy refusals and user access changes are audited in the vendor's shape, without a
token or a secret; the seed holds every seeded user's access set-up; the filters narrow it."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator

ENTRY_KEYS = {
    "eventId",
    "eventSubtype",
    "sentAt",
    "subjectUsername",
    "subjectUserId",
    "subjectActor",
    "subjectFullName",
    "objectUsername",
    "objectUserId",
    "objectActor",
    "objectFullName",
    "record",
}
ADMIN_CLIENT = "acme-admin"


async def _listed(api: Api, **params: str) -> list[dict[str, Any]]:
    answer = await api.admin("GET", "audit-security", params={"size": "200", **params})
    assert answer.status == 200, answer.body
    entries: list[dict[str, Any]] = answer.body["data"]
    return entries


def _stored(emulator: WelkinEmulator) -> list[dict[str, Any]]:
    return list(emulator.tenant("acme").security_audit.entries)


async def test_the_seed_holds_every_users_access_set_up(api: Api, emulator: WelkinEmulator) -> None:
    """Before any change the audit lists, for each seeded user, their permissions, territories
    and application access set up by the root user."""
    users = emulator.tenant("acme").users
    seeded = await _listed(api, subjectActor="USER")
    assert len(seeded) == 3 * len(users)
    assert {e["subjectUsername"] for e in seeded} == {users[0]["username"]}
    assert {e["objectUserId"] for e in seeded} == {user["id"] for user in users}
    assert {e["eventSubtype"] for e in seeded} == {
        "USER_PERMISSIONS_UPDATED",
        "USER_TERRITORIES_UPDATED",
        "USER_ACCESS_UPDATED",
    }
    for entry in seeded:
        assert set(entry) == ENTRY_KEYS


async def test_a_granted_token_is_audited_without_the_token(
    api: Api, emulator: WelkinEmulator
) -> None:
    """The token the fixture asked for is a TOKEN_ISSUED event of the admin client, naming the
    grant and the expiry, and no entry holds the token or the client's secret."""
    (issued,) = await _listed(api, eventSubtype="TOKEN_ISSUED")
    assert (issued["subjectUsername"], issued["subjectActor"]) == (ADMIN_CLIENT, "API_CLIENT")
    assert (issued["objectUsername"], issued["objectActor"]) == (ADMIN_CLIENT, "API_CLIENT")
    assert issued["record"]["grantType"] == "api_client_secret"
    assert set(issued["record"]) == {"clientId", "clientName", "grantType", "expiresAt"}
    stored = json.dumps(_stored(emulator))
    assert api.token is not None
    assert api.token not in stored
    assert emulator.credentials("acme", "admin", kind="api_client").secret not in stored


async def test_a_wrong_secret_is_a_refused_token_request(
    api: Api, emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A wrong secret is a TOKEN_REFUSED event naming the client and the error code, never
    what was sent as the secret."""
    async with session.post(
        f"{emulator.url}/acme/admin/api_clients/{ADMIN_CLIENT}", json={"secret": "not-it-42"}
    ) as response:
        assert response.status == 401
    (refused,) = await _listed(api, eventSubtype="TOKEN_REFUSED")
    assert refused["subjectUsername"] == ADMIN_CLIENT
    assert refused["record"] == {
        "errorCode": "API_CLIENT_AUTHENTICATION_FAILED",
        "grantType": "api_client_secret",
    }
    assert "not-it-42" not in json.dumps(_stored(emulator))


async def test_an_unknown_oauth_client_is_refused_unnamed(
    api: Api, emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """An OAuth request for a client that does not exist is a TOKEN_REFUSED event whose subject
    is an unnamed API client: what the caller typed is not kept."""
    form = {"grant_type": "client_credentials", "client_id": "typo-id", "client_secret": "s3"}
    async with session.post(f"{emulator.url}/v1/acme/oauth/token", data=form) as response:
        assert response.status == 401
    (refused,) = await _listed(api, eventSubtype="TOKEN_REFUSED")
    assert (refused["subjectUsername"], refused["subjectActor"]) == (None, "API_CLIENT")
    assert refused["record"] == {"errorCode": "invalid_client", "grantType": "client_credentials"}
    assert "typo-id" not in json.dumps(_stored(emulator))


async def test_a_rejected_bearer_token_is_audited_by_route(api: Api) -> None:
    """A request with a bad bearer token is an ACCESS_TOKEN_REJECTED event naming the route by
    its template and the error code."""
    patient_path = "patients/00000000-0000-4000-8000-000000000001"
    answer = await api.call("GET", patient_path, headers={"Authorization": "Bearer nonsense"})
    assert answer.status == 401
    (rejected,) = await _listed(api, eventSubtype="ACCESS_TOKEN_REJECTED")
    assert rejected["record"] == {
        "errorCode": "NOT_VALID_JSON_WEB_TOKEN",
        "route": "GET /patients/{patient_id}",
        "instance": "live",
    }
    assert rejected["subjectUsername"] is None


async def test_a_policy_refusal_is_audited(api: Api, api_for: ApiFactory) -> None:
    """A role refused by its security policy is an ACCESS_DENIED event of its client naming the
    route, the resource and the action."""
    analyst = await api_for(role="analyst")
    assert (await analyst.admin("GET", "audit-security")).status == 403
    (denied,) = await _listed(api, eventSubtype="ACCESS_DENIED")
    assert denied["subjectUsername"] == "acme-analyst"
    assert denied["record"] == {
        "errorCode": "ACCESS_FOR_API_CLIENT_RESTRICTED",
        "route": "GET /audit-security",
        "instance": None,
        "resource": "audit",
        "action": "read",
        "field": None,
    }


async def test_a_field_policy_refusal_names_the_field(
    api: Api, api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """Writing a field the role may not update is an ACCESS_DENIED event naming the field."""
    coordinator = await api_for(role="care-coordinator")
    patient_id = emulator.tenant("acme").environments["live"].patients.ids()[0]
    answer = await coordinator.call("PATCH", f"patients/{patient_id}", json_body={"mrn": "X1"})
    assert answer.status == 403
    (denied,) = await _listed(api, eventSubtype="ACCESS_DENIED")
    assert (denied["record"]["field"], denied["record"]["action"]) == ("mrn", "update")
    assert patient_id not in json.dumps(denied)


async def test_actor_and_object_filters_narrow_the_list(api: Api, api_for: ApiFactory) -> None:
    """objectActor, subjectUsername and objectUsername filter exactly."""
    await api_for(role="analyst")
    clients = await _listed(api, objectActor="API_CLIENT")
    assert {e["eventSubtype"] for e in clients} == {"TOKEN_ISSUED"}
    assert {e["objectUsername"] for e in clients} == {ADMIN_CLIENT, "acme-analyst"}
    analyst = await _listed(api, subjectUsername="acme-analyst")
    assert [e["objectUsername"] for e in analyst] == ["acme-analyst"]
    assert await _listed(api, objectUsername="acme-analyst", objectActor="USER") == []


async def test_time_filters_bound_sent_at(api: Api) -> None:
    """dateStart and dateEnd keep the entries sent between them."""
    entries = await _listed(api)
    middle = sorted(e["sentAt"] for e in entries)[len(entries) // 2]
    later = await _listed(api, dateStart=middle)
    earlier = await _listed(api, dateEnd=middle)
    assert all(e["sentAt"] >= middle for e in later)
    assert all(e["sentAt"] <= middle for e in earlier)
    assert len(later) + len(earlier) == len(entries) + 1


async def test_entries_are_served_newest_first(api: Api, emulator: WelkinEmulator) -> None:
    """The list is the stored entries, newest first."""
    entries = await _listed(api)
    assert [e["eventId"] for e in entries] == [e["eventId"] for e in reversed(_stored(emulator))]


async def test_refused_filter_values_are_bad_requests(api: Api) -> None:
    """An unknown actor, or a date that is no ISO date-time, answers 400 naming the parameter."""
    for params in ({"subjectActor": "ROBOT"}, {"objectActor": "SYSTEM"}, {"dateEnd": "soon"}):
        answer = await api.admin("GET", "audit-security", params=params)
        assert answer.status == 400
        assert answer.error["details"]["parameter"] == next(iter(params))


async def test_sort_orders_the_entries_as_asked(api: Api, emulator: WelkinEmulator) -> None:
    """sort=createdAt,asc (when sent, as the vendor's example names it) serves the entries
    oldest first, sort=eventSubtype,desc by subtype, last first."""
    oldest = await _listed(api, sort="createdAt,asc")
    sent = [entry["sentAt"] for entry in oldest]
    assert sent == sorted(sent) != sorted(sent, reverse=True)
    assert oldest[0] == _stored(emulator)[0]
    by_subtype = [entry["eventSubtype"] for entry in await _listed(api, sort="eventSubtype,desc")]
    assert by_subtype == sorted(by_subtype, reverse=True)


async def test_an_unknown_sort_field_is_refused_naming_it(api: Api) -> None:
    """sort= by a field no entry has is 400 INVALID_SORT naming the field."""
    answer = await api.admin("GET", "audit-security", params={"sort": "record,desc"})
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_SORT")
    assert answer.error["details"] == {"parameter": "sort"}
    assert "'record'" in answer.error["message"]
