"""Patients over HTTP: CRUD, lookups, by-filter pages, validation."""

from __future__ import annotations

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator

NEW = {"firstName": "Ada", "lastName": "Lovelace", "externalId": "EXT-1", "mrn": "M-1"}


async def test_create_returns_the_stored_patient(api: Api) -> None:
    """POST patients answers 201 with the patient, server fields filled, as GET then serves."""
    created = await api.call("POST", "patients", json_body=NEW)
    assert created.status == 201
    assert created.body["firstName"] == "Ada"
    assert created.body["createdAt"] == created.body["updatedAt"]
    assert created.body["createdByName"] == "acme-admin"
    fetched = await api.call("GET", f"patients/{created.body['id']}")
    assert (fetched.status, fetched.body) == (200, created.body)


async def test_lookup_by_external_id_guid_and_mrn(api: Api) -> None:
    """?type=EID|EGUID|MRN looks a patient up by that identifier instead of the id."""
    created = await api.call("POST", "patients", json_body={**NEW, "externalGuid": "G-1"})
    for kind, key in (("EID", "EXT-1"), ("EGUID", "G-1"), ("MRN", "M-1")):
        found = await api.call("GET", f"patients/{key}", params={"type": kind})
        assert (found.status, found.body["id"]) == (200, created.body["id"])


async def test_unknown_lookup_type_is_a_bad_request(api: Api) -> None:
    """A lookup type other than ID, EID, EGUID or MRN answers 400 naming the parameter."""
    answer = await api.call("GET", "patients/x", params={"type": "SSN"})
    assert answer.status == 400
    assert answer.error["details"] == {"parameter": "type"}


async def test_patch_changes_only_the_given_fields(api: Api) -> None:
    """PATCH sets the fields sent (null clears one) and leaves the others alone."""
    created = (await api.call("POST", "patients", json_body={**NEW, "city": "Salem"})).body
    patched = await api.call(
        "PATCH", f"patients/{created['id']}", json_body={"lastName": "King", "city": None}
    )
    assert patched.status == 200
    assert (patched.body["firstName"], patched.body["lastName"]) == ("Ada", "King")
    assert patched.body["city"] is None
    assert patched.body["updatedAt"] > created["updatedAt"]


async def test_delete_then_get_is_patient_not_found(api: Api) -> None:
    """After DELETE (204) the patient answers 404 PATIENT_NOT_FOUND in an error array."""
    created = (await api.call("POST", "patients", json_body=NEW)).body
    assert (await api.call("DELETE", f"patients/{created['id']}")).status == 204
    answer = await api.call("GET", f"patients/{created['id']}")
    assert answer.status == 404
    assert answer.error["errorCode"] == "PATIENT_NOT_FOUND"
    assert answer.error["componentType"] == "PATIENT"


async def test_delete_removes_the_patients_records(api: Api, emulator: WelkinEmulator) -> None:
    """Deleting a seeded patient removes their CDT records from the environment too."""
    live = emulator.tenant("acme").environments["live"]
    patient_id = live.patients.ids()[0]
    records = [r for r in live.cdt_records.rows.values() if r["patientId"] == patient_id]
    assert records
    await api.call("DELETE", f"patients/{patient_id}")
    assert all(r["id"] not in live.cdt_records for r in records)


async def test_unknown_field_is_refused_with_its_path(api: Api) -> None:
    """A field the API does not have answers 400 naming it, and nothing is stored."""
    answer = await api.call("POST", "patients", json_body={**NEW, "ssn": "123"})
    assert answer.status == 400
    assert answer.error["errorCode"] == "INVALID_REQUEST_BODY"
    assert "ssn" in answer.error["details"]["reason"]
    assert "123" not in answer.error["message"]


async def test_wrong_type_is_refused_with_its_path(api: Api, emulator: WelkinEmulator) -> None:
    """A value of the wrong JSON type answers 400 with the JSON path of the field."""
    before = len(emulator.tenant().environments["live"].patients)
    answer = await api.call("POST", "patients", json_body={"firstName": 5})
    assert answer.status == 400
    assert answer.error["details"]["path"] == "$.firstName"
    assert len(emulator.tenant().environments["live"].patients) == before


async def test_malformed_json_is_a_bad_request(api: Api) -> None:
    """A body that is not JSON answers 400 MALFORMED_JSON."""
    answer = await api.call(
        "POST", "patients", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "MALFORMED_JSON")


async def test_duplicate_external_id_conflicts(api: Api) -> None:
    """A second patient with the same externalId answers 409 naming the field."""
    assert (await api.call("POST", "patients", json_body=NEW)).status == 201
    answer = await api.call("POST", "patients", json_body={"externalId": "EXT-1"})
    assert answer.status == 409
    assert answer.error["details"] == {"field": "externalId"}


async def test_by_filter_pages_are_spring_pages(api: Api) -> None:
    """by-filter/patients pages are 0-based Spring pages with size 20 by default."""
    first = (await api.call("POST", "by-filter/patients", json_body={})).body
    assert (first["number"], first["size"], first["numberOfElements"]) == (0, 20, 20)
    assert (first["totalElements"], first["totalPages"]) == (25, 2)
    assert (first["first"], first["last"]) == (True, False)
    assert first["pageable"]["pageNumber"] == 0
    second = (await api.call("POST", "by-filter/patients", json_body={}, params={"page": "1"})).body
    assert (second["numberOfElements"], second["last"]) == (5, True)
    ids = [p["id"] for p in first["content"] + second["content"]]
    assert len(set(ids)) == 25


async def test_by_filter_applies_conditions(api: Api) -> None:
    """A filter body narrows the list: here, by external ids."""
    page = await api.call(
        "POST", "by-filter/patients", json_body={"externalIds": ["EHR-0000003", "EHR-0000007"]}
    )
    assert sorted(p["externalId"] for p in page.body["content"]) == ["EHR-0000003", "EHR-0000007"]
    assert page.body["totalElements"] == 2


async def test_invalid_page_parameters_are_refused(api: Api) -> None:
    """A negative page, a non-integer or a size over the maximum answers 400 naming it."""
    for params, name in (
        ({"page": "-1"}, "page"),
        ({"size": "many"}, "size"),
        ({"size": "0"}, "size"),
        ({"size": "1001"}, "size"),
    ):
        answer = await api.call("POST", "by-filter/patients", json_body={}, params=params)
        assert answer.status == 400, params
        assert answer.error["errorCode"] == "INVALID_PAGE_REQUEST"
        assert answer.error["details"] == {"parameter": name}


async def test_by_filter_sorted_by_creation_descending_is_newest_first(api: Api) -> None:
    """sort=createdAt,desc lists the newest patient first and every createdAt in descending
    order."""
    first = (await api.call("POST", "patients", json_body={"externalId": "EXT-older"})).body
    second = (await api.call("POST", "patients", json_body={"externalId": "EXT-newer"})).body
    page = await api.call(
        "POST",
        "by-filter/patients",
        json_body={},
        params={"sort": "createdAt,desc", "size": "100"},
    )
    assert page.status == 200
    content = page.body["content"]
    assert [p["id"] for p in content[:2]] == [second["id"], first["id"]]
    created = [p["createdAt"] for p in content]
    assert len(created) == 27
    assert created == sorted(created, reverse=True)


async def test_an_unknown_sort_is_a_bad_request_naming_it(api: Api) -> None:
    """A sort other than createdAt,asc or createdAt,desc answers 400 naming the parameter."""
    answer = await api.call(
        "POST", "by-filter/patients", json_body={}, params={"sort": "lastName,asc"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PAGE_REQUEST")
    assert answer.error["details"] == {"parameter": "sort"}
