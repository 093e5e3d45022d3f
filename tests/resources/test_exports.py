"""``client.exports.stream``: bulk export through the cursor, compared with the emulator's state
(every record once, ``since`` against each row's ``updatedAt``, models per export type)."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from tests.conftest import Connect, acme_live
from welkin_async.errors import BadRequest
from welkin_async.models import CdtRecord, Patient
from welkin_async.testing import WelkinEmulator

PATIENTS = pytest.mark.welkin_emulator(patients=20, tenants=["acme"])
EXPORT = "GET /export/{export_type}"


@PATIENTS
async def test_patient_export_yields_every_patient_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """stream("PATIENT", page_size=7) follows the cursor and yields every patient once, as a
    Patient."""
    async with connect() as client:
        patients = [p async for p in client.exports.stream("PATIENT", page_size=7)]
    assert all(isinstance(p, Patient) for p in patients)
    ids = [str(p.id) for p in patients]
    state = acme_live(welkin_emulator).patients.ids()
    assert sorted(ids) == sorted(state)
    assert len(ids) == len(set(ids))
    assert welkin_emulator.stats.requests[EXPORT] == math.ceil(len(state) / 7)


@PATIENTS
async def test_since_yields_only_later_changes(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """since= (aware) yields exactly the patients whose updatedAt is at or after it."""
    rows = acme_live(welkin_emulator).patients.rows
    by_change = sorted(rows.values(), key=lambda row: row["updatedAt"])
    since = datetime.fromisoformat(by_change[len(by_change) // 2]["updatedAt"])
    async with connect() as client:
        await client.patients.update(by_change[0]["id"], city="Madison")  # moves to the end
        exported = [str(p.id) async for p in client.exports.stream("PATIENT", since=since)]
    changed = {
        row_id for row_id, row in rows.items() if datetime.fromisoformat(row["updatedAt"]) >= since
    }
    assert by_change[0]["id"] in changed
    assert 0 < len(changed) < len(rows)
    assert sorted(exported) == sorted(changed)


async def test_naive_since_is_refused(connect: Connect) -> None:
    """A since without a time zone raises ValueError before anything is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match="time zone"):
            client.exports.stream("PATIENT", since=datetime(2024, 1, 1))


@pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
async def test_cdt_record_export_yields_cdt_records(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """stream("CDT_RECORD") yields every stored CDT record, as CdtRecord."""
    async with connect() as client:
        records = [r async for r in client.exports.stream("CDT_RECORD", page_size=10)]
    assert all(isinstance(r, CdtRecord) for r in records)
    state = acme_live(welkin_emulator).cdt_records.rows
    assert sorted(str(r.id) for r in records) == sorted(state)
    for record in records:
        assert record.cdt_name == state[str(record.id)]["cdtName"]


@pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
async def test_unmodelled_type_yields_plain_data(connect: Connect) -> None:
    """An export type without a model (TASK) streams plain dicts; the emulator stores no tasks."""
    async with connect() as client:
        tasks = [t async for t in client.exports.stream("TASK")]
    assert all(isinstance(t, dict) for t in tasks)
    assert tasks == []  # the emulator keeps no tasks (its TASK table is None): an empty export


async def test_unknown_type_is_bad_request(connect: Connect) -> None:
    """An export type the API does not know raises BadRequest."""
    async with connect() as client:
        with pytest.raises(BadRequest):
            async for _ in client.exports.stream("WIDGET"):
                pass
