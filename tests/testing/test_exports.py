"""Bulk export: cursor pages ordered by updatedAt, incremental, complete."""

from __future__ import annotations

from typing import Any

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator


async def _all_pages(api: Api, kind: str, start: str | None, size: int) -> list[dict[str, Any]]:
    pages = []
    params = {"pageSize": str(size)}
    if start is not None:
        params["start"] = start
    while True:
        page = (await api.call("GET", f"export/{kind}", params=params)).body
        pages.append(page)
        if not page["cursor"]["hasNext"]:
            return pages
        params["start"] = page["cursor"]["end"]


async def test_export_pages_cover_every_record_once_in_order(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Following cursor.end until hasNext is false yields each patient once, by updatedAt."""
    pages = await _all_pages(api, "PATIENT", None, 7)
    records = [record for page in pages for record in page["data"]]
    assert len(pages) == 4
    assert [r["id"] for r in records] == emulator.tenant().environments["live"].patients.ids()
    stamps = [r["updatedAt"] for r in records]
    assert stamps == sorted(stamps)


async def test_export_since_returns_only_later_changes(api: Api, emulator: WelkinEmulator) -> None:
    """start= an ISO time exports only records changed at or after it, and a change moves a
    record to the end."""
    everything = [r for p in await _all_pages(api, "PATIENT", None, 100) for r in p["data"]]
    since = everything[-1]["updatedAt"]
    changed = everything[3]["id"]
    await api.call("PATCH", f"patients/{changed}", json_body={"city": "Madison"})
    later = [r for p in await _all_pages(api, "PATIENT", since, 100) for r in p["data"]]
    assert [r["id"] for r in later] == [everything[-1]["id"], changed]
    assert later[-1]["city"] == "Madison"


async def test_export_of_cdt_records(api: Api, emulator: WelkinEmulator) -> None:
    """CDT_RECORD exports every stored CDT record in the record envelope."""
    records = [r for p in await _all_pages(api, "CDT_RECORD", None, 20) for r in p["data"]]
    assert len(records) == len(emulator.tenant().environments["live"].cdt_records)
    assert {"id", "patientId", "cdtName", "jsonBody"} <= set(records[0])


async def test_unknown_export_type_bad_start_and_bad_size_are_refused(api: Api) -> None:
    """An unknown export type, a start that is not a date-time or a page size out of range
    answers 400 naming it."""
    answer = await api.call("GET", "export/WIDGET")
    assert (answer.status, answer.error["errorCode"]) == (400, "EXPORT_TYPE_NOT_SUPPORTED")
    answer = await api.call("GET", "export/PATIENT", params={"start": "yesterday"})
    assert (answer.status, answer.error["details"]) == (400, {"parameter": "start"})
    answer = await api.call("GET", "export/PATIENT", params={"pageSize": "0"})
    assert (answer.status, answer.error["details"]) == (400, {"parameter": "pageSize"})


async def test_task_export_serves_the_stored_tasks(api: Api, emulator: WelkinEmulator) -> None:
    """TASK exports the tasks the emulator holds, oldest change first."""
    page = (await api.call("GET", "export/TASK", params={"pageSize": "50"})).body
    live = emulator.tenant().environments["live"]
    assert [r["id"] for r in page["data"]] == live.tasks.ids()[:50]
    assert page["cursor"]["hasNext"] is True
