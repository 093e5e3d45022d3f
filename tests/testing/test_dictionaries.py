"""Dictionary records as the emulator serves them: the unpaged list envelope and its filters'
refusals, the statuses of writes, the seed (per tenant, per environment, fixed by the seed) and
the definitions under formations."""

from __future__ import annotations

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator


async def test_the_list_is_one_unpaged_envelope(api: Api, emulator: WelkinEmulator) -> None:
    """GET dictionaries/{name} answers {dictionaryName, lastUpdatedAt, records}, every record,
    lastUpdatedAt the latest updatedAt."""
    answer = await api.call("GET", "dictionaries/cpt", params={"page": "0", "size": "1"})
    assert set(answer.body) == {"dictionaryName", "lastUpdatedAt", "records"}
    records = answer.body["records"]
    assert len(records) == len(emulator.tenant().environments["live"].dictionary_records.of("cpt"))
    assert answer.body["lastUpdatedAt"] == max(r["updatedAt"] for r in records)
    assert set(records[0]) == {"id", "createdAt", "updatedAt", "fullValue", "deleted", "values"}


async def test_post_and_put_answer_201_with_the_new_records(api: Api) -> None:
    """POST and PUT dictionaries/{name} answer 201 with the records they wrote."""
    body = {"records": [{"values": {"value": "99406"}}]}
    for method in ("POST", "PUT"):
        answer = await api.call(method, "dictionaries/cpt", json_body=body)
        assert answer.status == 201, method
        assert [r["values"] for r in answer.body["records"]] == [{"value": "99406"}]


async def test_full_value_follows_the_field_order(api: Api) -> None:
    """fullValue joins the values in the definition's field order, whatever the body's order."""
    body = {"records": [{"values": {"label": "Egg", "code": "EGG"}}]}
    answer = await api.call("POST", "dictionaries/allergens", json_body=body)
    assert answer.body["records"][0]["fullValue"] == "EGG Egg"


async def test_adding_no_record_is_refused(api: Api) -> None:
    """POST with an empty records list answers 400 INVALID_REQUEST_BODY."""
    answer = await api.call("POST", "dictionaries/cpt", json_body={"records": []})
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY")


async def test_bad_filters_are_refused(api: Api) -> None:
    """A showDeleted that is no boolean and a dateStart without an offset answer 400."""
    flag = await api.call("GET", "dictionaries/cpt", params={"showDeleted": "maybe"})
    date = await api.call("GET", "dictionaries/cpt", params={"dateStart": "2025-01-01T00:00"})
    assert (flag.status, flag.error["details"]) == (400, {"parameter": "showDeleted"})
    assert (date.status, date.error["details"]) == (400, {"parameter": "dateStart"})


async def test_a_deleted_record_cannot_be_deleted_again(api: Api, emulator: WelkinEmulator) -> None:
    """DELETE of a deleted record answers 404 DICTIONARY_RECORD_NOT_FOUND."""
    record_id = next(iter(emulator.tenant().environments["live"].dictionary_records.of("cpt")))
    first = await api.call("DELETE", f"dictionaries/cpt/{record_id}")
    again = await api.call("DELETE", f"dictionaries/cpt/{record_id}")
    assert (first.status, first.body["deleted"]) == (200, True)
    assert (again.status, again.error["errorCode"]) == (404, "DICTIONARY_RECORD_NOT_FOUND")


async def test_environments_keep_their_own_records(api_for: ApiFactory) -> None:
    """Records written in live are not in sandbox."""
    live, sandbox = await api_for(), await api_for(environment="sandbox")
    body = {"records": [{"values": {"value": "only-live"}}]}
    await live.call("POST", "dictionaries/icd-10", json_body=body)
    records = (await sandbox.call("GET", "dictionaries/icd-10")).body["records"]
    assert {"value": "only-live"} not in [r["values"] for r in records]


async def test_each_tenant_has_its_own_dictionaries(api_for: ApiFactory) -> None:
    """sunrise has referral-sources and not acme's allergens (404 DICTIONARY_NOT_FOUND)."""
    sunrise = await api_for(tenant="sunrise")
    sources = await sunrise.call("GET", "dictionaries/referral-sources")
    allergens = await sunrise.call("GET", "dictionaries/allergens")
    assert [r["values"]["source"] for r in sources.body["records"]] == [
        "Primary care",
        "Employer program",
        "Self",
    ]
    assert (allergens.status, allergens.error["errorCode"]) == (404, "DICTIONARY_NOT_FOUND")


async def test_the_seed_is_fixed_by_the_seed(emulator: WelkinEmulator) -> None:
    """Two emulators with one seed seed the same record ids and stamps."""
    again = WelkinEmulator(seed=7, patients=25)
    again.seed_data()
    first = emulator.tenant().environments["live"].dictionary_records.records
    assert again.tenant().environments["live"].dictionary_records.records == first


async def test_dictionary_definitions_are_the_tenants(api: Api, emulator: WelkinEmulator) -> None:
    """formations/current/dictionaries is the tenant's definitions; one is served by name."""
    listed = (await api.call("GET", "formations/current/dictionaries")).body
    one = (await api.call("GET", "formations/current/dictionaries/allergens")).body
    assert listed == list(emulator.tenant().dictionaries.values())
    assert one == emulator.tenant().dictionaries["allergens"]


async def test_a_role_without_dictionaries_is_refused(api_for: ApiFactory) -> None:
    """The analyst role has no access to dictionary records: 403."""
    analyst = await api_for(role="analyst")
    answer = await analyst.call("GET", "dictionaries/cpt")
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
