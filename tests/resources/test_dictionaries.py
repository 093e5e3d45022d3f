"""``client.dictionaries(name)`` against the emulator: listing (with its date and deleted
filters), reading, adding, replacing all, replacing one and deleting records, checked against the
environment's stored records; and the refusals of an unknown dictionary or record, an internal
dictionary, an unknown field, a role without dictionaries and caller misuse."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async.errors import BadRequest, NotFound, PermissionDenied
from welkin_async.models import DictionaryRecord, DictionaryRecords
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._store import Row

pytestmark = pytest.mark.welkin_emulator(patients=1, tenants=["acme"])


def stored(emulator: WelkinEmulator, name: str) -> dict[str, Row]:
    """The acme/live records of dictionary ``name``, by id."""
    return acme_live(emulator).dictionary_records.of(name)


def values_of(records: DictionaryRecords) -> list[dict[str, str]]:
    return [record.values for record in records.records]


async def test_list_returns_the_stored_records(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list() returns every record of the dictionary, in the order written, with its values."""
    async with connect() as client:
        records = await client.dictionaries("allergens").list()
    rows = stored(welkin_emulator, "allergens")
    assert records.dictionary_name == "allergens"
    assert [str(r.id) for r in records.records] == list(rows)
    assert values_of(records) == [row["values"] for row in rows.values()]
    assert records.records[0].full_value == "PCN Penicillin"
    latest = max(row["updatedAt"] for row in rows.values())
    assert records.last_updated_at == datetime.fromisoformat(latest)


async def test_get_returns_one_record(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """get(id) returns the record of that id."""
    record_id, row = next(iter(stored(welkin_emulator, "cpt").items()))
    async with connect() as client:
        record = await client.dictionaries("cpt").get(record_id)
    assert isinstance(record, DictionaryRecord)
    assert (str(record.id), record.values, record.deleted) == (record_id, row["values"], False)


async def test_create_adds_records(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """create() adds the records after the existing ones and returns only the new ones."""
    before = list(stored(welkin_emulator, "cpt"))
    async with connect() as client:
        added = await client.dictionaries("cpt").create([{"value": "99401"}, {"value": "99402"}])
    assert values_of(added) == [{"value": "99401"}, {"value": "99402"}]
    assert [r.full_value for r in added.records] == ["99401", "99402"]
    assert list(stored(welkin_emulator, "cpt")) == [*before, *(str(r.id) for r in added.records)]


async def test_replace_all_removes_the_old_records(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_all() leaves only the new records: the old ones are gone, not marked deleted."""
    async with connect() as client:
        dictionary = client.dictionaries("icd-10")
        written = await dictionary.replace_all([{"value": "Z00.00"}])
        listed = await dictionary.list(show_deleted=True)
    assert values_of(written) == values_of(listed) == [{"value": "Z00.00"}]
    assert [row["values"] for row in stored(welkin_emulator, "icd-10").values()] == [
        {"value": "Z00.00"}
    ]


async def test_replace_all_with_nothing_empties_the_dictionary(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_all([]) removes every record."""
    async with connect() as client:
        written = await client.dictionaries("allergens").replace_all([])
    assert written.records == []
    assert stored(welkin_emulator, "allergens") == {}


async def test_replace_changes_one_records_values(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace(id, values) replaces the record's values and full value, keeping its id."""
    record_id = next(iter(stored(welkin_emulator, "allergens")))
    async with connect() as client:
        record = await client.dictionaries("allergens").replace(
            record_id, {"code": "SUL", "label": "Sulfa"}
        )
    assert (str(record.id), record.full_value) == (record_id, "SUL Sulfa")
    row = stored(welkin_emulator, "allergens")[record_id]
    assert row["values"] == {"code": "SUL", "label": "Sulfa"}
    assert isinstance(record.updated_at, datetime)
    assert isinstance(record.created_at, datetime)
    assert record.updated_at > record.created_at


async def test_delete_marks_the_record_deleted(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete(id) keeps the record marked deleted: the list leaves it out unless show_deleted."""
    record_id = next(iter(stored(welkin_emulator, "cpt")))
    async with connect() as client:
        dictionary = client.dictionaries("cpt")
        deleted = await dictionary.delete(record_id)
        shown = await dictionary.list()
        with_deleted = await dictionary.list(show_deleted=True)
        read = await dictionary.get(record_id)
    assert (deleted.deleted, read.deleted) == (True, True)
    assert record_id not in {str(r.id) for r in shown.records}
    assert record_id in {str(r.id) for r in with_deleted.records}
    assert stored(welkin_emulator, "cpt")[record_id]["deleted"] is True


async def test_list_keeps_records_updated_in_the_span(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """updated_from/updated_before keep the records updated at or after / before them."""
    async with connect() as client:
        dictionary = client.dictionaries("allergens")
        records = (await dictionary.list()).records
        middle = records[1].updated_at
        assert isinstance(middle, datetime)
        since = await dictionary.list(updated_from=middle)
        before = await dictionary.list(updated_before=middle)
        none = await dictionary.list(updated_from=middle + timedelta(days=3650))
    assert [r.id for r in since.records] == [r.id for r in records[1:]]
    assert [r.id for r in before.records] == [records[0].id]
    assert none.records == []


async def test_a_naive_date_time_is_refused(connect: Connect) -> None:
    """A naive updated_from or updated_before is a ValueError naming the argument (not its
    wire name), before anything is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match=r"^updated_from needs a time zone"):
            await client.dictionaries("cpt").list(updated_from=datetime(2025, 1, 1))
        with pytest.raises(ValueError, match=r"^updated_before needs a time zone"):
            await client.dictionaries("cpt").list(updated_before=datetime(2025, 1, 1))
        assert client.stats.requests == 0


async def test_an_unknown_dictionary_is_not_found(connect: Connect) -> None:
    """A dictionary the formation lacks raises NotFound DICTIONARY_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.dictionaries("nowhere").list()
    assert caught.value.error_code == "DICTIONARY_NOT_FOUND"


async def test_an_unknown_record_is_not_found(connect: Connect) -> None:
    """A record id the dictionary lacks raises NotFound DICTIONARY_RECORD_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.dictionaries("cpt").get(UUID(int=7))
    assert caught.value.error_code == "DICTIONARY_RECORD_NOT_FOUND"


async def test_a_deleted_record_cannot_be_replaced(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace() of a deleted record raises NotFound; the record keeps its values."""
    record_id, row = next(iter(stored(welkin_emulator, "cpt").items()))
    values = dict(row["values"])
    async with connect() as client:
        await client.dictionaries("cpt").delete(record_id)
        with pytest.raises(NotFound):
            await client.dictionaries("cpt").replace(record_id, {"value": "00000"})
    assert stored(welkin_emulator, "cpt")[record_id]["values"] == values


async def test_an_internal_dictionary_is_read_only(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() in the internal timezone dictionary raises BadRequest DICTIONARY_READ_ONLY."""
    before = dict(stored(welkin_emulator, "timezone"))
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.dictionaries("timezone").create([{"timezone": "Europe/Paris"}])
    assert caught.value.error_code == "DICTIONARY_READ_ONLY"
    assert stored(welkin_emulator, "timezone") == before


async def test_a_value_for_an_unknown_field_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A value for a field the dictionary lacks raises BadRequest naming the field."""
    count = len(stored(welkin_emulator, "cpt"))
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.dictionaries("cpt").create([{"code": "1"}])
    assert (caught.value.error_code, caught.value.details["field"]) == (
        "INVALID_DICTIONARY_VALUES",
        "code",
    )
    assert len(stored(welkin_emulator, "cpt")) == count


async def test_a_role_without_dictionaries_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care-coordinator role has no access to dictionaries: PermissionDenied, no change."""
    count = len(stored(welkin_emulator, "cpt"))
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied):
            await client.dictionaries("cpt").create([{"value": "1"}])
    assert len(stored(welkin_emulator, "cpt")) == count


async def test_a_role_without_delete_cannot_delete(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A role that may create and update but not delete is refused delete(): PermissionDenied."""
    record_id = next(iter(stored(welkin_emulator, "cpt")))
    async with connect(role="integration-no-delete") as client:
        with pytest.raises(PermissionDenied):
            await client.dictionaries("cpt").delete(record_id)
    assert stored(welkin_emulator, "cpt")[record_id]["deleted"] is False


@pytest.mark.parametrize(
    ("values", "error"),
    [({}, ValueError), ({"value": 1}, TypeError), ("value", TypeError)],
)
async def test_bad_values_are_refused_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect, values: object, error: type[Exception]
) -> None:
    """Empty values, a value that is no string, or values that are no mapping are refused."""
    async with connect() as client:
        with pytest.raises(error):
            await client.dictionaries("cpt").replace(UUID(int=1), values)  # type: ignore[arg-type]
    assert welkin_emulator.stats.requests["PUT /dictionaries/{dictionary_name}/{record_id}"] == 0


async def test_one_mapping_for_records_is_a_type_error(connect: Connect) -> None:
    """create() given one mapping rather than an iterable of them is a TypeError."""
    one: Any = {"value": "1"}
    async with connect() as client:
        with pytest.raises(TypeError, match="wrap one record"):
            await client.dictionaries("cpt").create(one)


def test_an_empty_dictionary_name_is_refused(connect: Connect) -> None:
    """client.dictionaries("") is a ValueError."""
    with pytest.raises(ValueError, match="non-empty"):
        connect().dictionaries("")
