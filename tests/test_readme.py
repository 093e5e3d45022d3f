"""The README's quick start runs as printed, against the emulator."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ROOT, acme_live
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
