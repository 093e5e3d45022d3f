"""The README's quick start runs as printed, against the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Connect, a_patient, acme_live
from welkin_async.testing import WelkinEmulator


def _quick_start() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match[1]


async def test_quick_start_runs_against_the_emulator(
    welkin_emulator: WelkinEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The quick start's main() creates, changes and reads a patient and a CDT record."""
    credentials = welkin_emulator.credentials(role="care-coordinator")
    for name, value in {
        "WELKIN_TENANT": "acme",
        "WELKIN_BASE_URL": welkin_emulator.url,
        "WELKIN_CLIENT_ID": credentials.client_id,
        "WELKIN_CLIENT_SECRET": credentials.client_secret,
    }.items():
        monkeypatch.setenv(name, value)
    code = _quick_start()
    assert code.rstrip().endswith("asyncio.run(main())")
    namespace: dict[str, Any] = {}
    exec(code.rstrip().removesuffix("asyncio.run(main())"), namespace)  # noqa: S102 - our README
    await namespace["main"]()
    printed = capsys.readouterr().out.split()
    assert sorted(printed[:2]) == ["NotFound", "ok"]  # map yields in completion order
    assert printed[2:] == ["mrn"]
    (patient,) = [
        row
        for row in acme_live(welkin_emulator).patients.rows.values()
        if row.get("externalId") == "E-1"
    ]
    assert (patient["phone"], patient["middleName"], patient["firstName"]) == (
        "555-0100",
        None,
        "Ada",
    )


def _section_code(heading: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(heading, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match[1]


@pytest.mark.welkin_emulator(patients=1, tenants=["acme"])
async def test_the_documents_example_runs_against_the_emulator(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The documents example uploads a file, downloads it to a path and streams it back."""
    png_bytes = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    example = _section_code("### Documents and files")
    body = "\n".join(f"    {line}" for line in example.splitlines())
    code = f"async def example(client, patient_id, png_bytes):\n{body}\n    return saved, chunk\n"
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our README
    monkeypatch.chdir(tmp_path)
    async with connect() as client:
        saved, chunk = await namespace["example"](client, a_patient(welkin_emulator), png_bytes)
    assert (tmp_path / "card.png").read_bytes() == png_bytes
    assert (saved.size, saved.content_type) == (len(png_bytes), "image/png")
    assert png_bytes.endswith(chunk)


@pytest.mark.welkin_emulator(patients=3, tenants=["acme"])
async def test_the_per_call_options_example_runs_against_the_emulator(
    welkin_emulator: WelkinEmulator, connect: Connect, capsys: pytest.CaptureFixture[str]
) -> None:
    """The per-call options example reads a patient with options, pages through a view and
    prints a raw response's status and request id."""
    example = _section_code("### Per-call options and raw responses")
    body = "\n".join(f"    {line}" for line in example.splitlines())
    code = (
        "from welkin_async import RetryPolicy, Timeouts\n"
        f"async def example(client, patient_id):\n{body}\n    return patient, first_page, raw\n"
    )
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our README
    pid = a_patient(welkin_emulator)
    async with connect() as client:
        patient, first_page, raw = await namespace["example"](client, pid)
    assert str(patient.id) == pid
    assert len(first_page.items) == 3
    assert raw.value == patient
    status, request_id, content_type, _ = capsys.readouterr().out.split(maxsplit=3)
    assert (status, content_type) == ("200", "application/json")
    assert request_id == raw.request_id


@pytest.mark.welkin_emulator(patients=2, tenants=["acme"])
async def test_the_tasks_and_goals_example_runs_against_the_emulator(
    welkin_emulator: WelkinEmulator, connect: Connect, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tasks and goals example makes a goal and a task under it, comments, lists the
    user's open tasks and completes the task, which the goal's details then show."""
    example = _section_code("### Tasks and care-plan goals")
    body = "\n".join(f"    {line}" for line in example.splitlines())
    code = (
        "from datetime import UTC, datetime\n"
        f"async def example(client, patient_id, user_id):\n{body}\n    return goal, task, details\n"
    )
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our README
    live = acme_live(welkin_emulator)
    user_id = welkin_emulator.tenant("acme").users[0]["id"]
    async with connect() as client:
        goal, task, details = await namespace["example"](
            client, a_patient(welkin_emulator), user_id
        )
    stored = live.tasks.rows[str(task.id)]
    assert (stored["status"], stored["goalId"]) == ("COMPLETED", str(goal.id))
    assert [c["text"] for c in stored["comments"]][-1] == "Walked three times this week."
    assert [(t.id, t.status.value) for t in details.tasks] == [(task.id, "COMPLETED")]
    printed = capsys.readouterr().out.splitlines()
    assert "Check in on the walks MEDIUM" in printed
