"""`welkin-async demo`: the main job on the embedded emulator, and against a running one."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

import pytest

from tests.conftest import acme_live, secrets_and_ids
from welkin_async.cli import main
from welkin_async.testing import WelkinEmulator


def _summary(out: str) -> dict[str, str]:
    lines = out.split("\nsummary\n", 1)[1].splitlines()
    return {m[1]: m[2] for line in lines if (m := re.match(r"\s*([\w /]+?)  (.+)", line))}


def test_embedded_demo_fetches_every_record_and_prints_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no configuration the demo seeds, regenerates the models, fetches all, and reports."""
    args = ["demo", "--patients", "300", "--models-dir", str(tmp_path), "--token-ttl", "3600"]
    assert main(args) == 0
    out = capsys.readouterr().out
    summary = _summary(out)
    # 300 seeded patients with two CDT records each.
    assert summary["records"].startswith("900 (300 patients, 600 CDT records")
    for label in ("records/s", "requests", "429s", "retries", "token refreshes", "peak memory"):
        assert label in summary
    assert summary["token refreshes"] == "1"
    assert "32 CDT classes written to" in out
    module = (tmp_path / "acme.py").read_text(encoding="utf-8")
    assert "by: welkin-async codegen --tenant acme --from-api" in module


def test_the_embedded_emulator_throttles_and_fails_as_configured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a tight server limit and injected 503s, the fetch completes and counts its retries.

    The limit (15 requests/s, a burst of 15) is below the 19 page requests the client sends at
    once after the first page, so 429s come on any machine, fast or slow."""
    args = ["demo", "--patients", "400", "--page-size", "20", "--models-dir", str(tmp_path)]
    assert main([*args, "--server-rate", "15", "--faults", "503@0.1"]) == 0
    summary = _summary(capsys.readouterr().out)
    assert summary["records"].startswith("1,200 (400 patients, 800 CDT records")
    assert int(summary["retries"]) > 0
    assert int(summary["429s"]) > 0


@pytest.mark.welkin_emulator(patients=50, tenants=["acme"])
async def test_demo_against_a_running_tenant_uses_the_environment_credentials(
    welkin_emulator: WelkinEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--base-url` with WELKIN_* credentials fetches that tenant, with no emulator of its own,
    and prints no secret or patient identifier."""
    credentials = welkin_emulator.credentials(kind="api_client")
    monkeypatch.setenv("WELKIN_TENANT", "acme")
    monkeypatch.setenv("WELKIN_API_CLIENT", credentials.client_name)
    monkeypatch.setenv("WELKIN_API_SECRET", credentials.secret)
    live = acme_live(welkin_emulator)
    patients = len(live.patients.ids())
    records = len(live.cdt_records.ids())
    args = ["demo", "--base-url", welkin_emulator.url, "--models-dir", str(tmp_path)]
    assert await asyncio.to_thread(main, args) == 0
    out = capsys.readouterr().out
    assert "embedded emulator" not in out
    assert _summary(out)["records"].startswith(
        f"{patients + records:,} ({patients:,} patients, {records:,} CDT records"
    )
    assert not secrets_and_ids(welkin_emulator) & set(re.findall(r"[\w-]+", out))


def test_demo_needs_credentials_for_a_real_tenant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without WELKIN_* credentials, `--base-url` fails in one line naming what to set."""
    for name in ("WELKIN_CLIENT_ID", "WELKIN_API_CLIENT", "WELKIN_TENANT"):
        monkeypatch.delenv(name, raising=False)
    args = ["demo", "--base-url", "https://welkin.invalid", "--models-dir", str(tmp_path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("welkin-async demo: error: no credentials")
    assert err.count("\n") == 1


def test_the_temporary_models_directory_is_removed_and_only_seen_cdts_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --models-dir, the models go to a temporary directory that is gone at exit; and
    the summary counts the CDTs whose records it saw (10 records: at most 10 of the 32 CDTs the
    module has classes for), not the classes generated."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where mkdtemp makes it
    args = ["demo", "--patients", "5", "--server-rate", "0", "--faults", ""]
    assert main(args) == 0
    out = capsys.readouterr().out
    written = re.search(r"32 CDT classes written to (\S+)", out)
    assert written is not None
    assert Path(written[1]).parent.parent == tmp_path
    assert not list(tmp_path.iterdir())
    seen = re.fullmatch(
        r"15 \(5 patients, 10 CDT records of (\d+) CDTs\)", _summary(out)["records"]
    )
    assert seen is not None
    emulator = WelkinEmulator(patients=5, tenants=["acme"])  # the same seed: the same records
    emulator.seed_data()
    names = {row["cdtName"] for row in acme_live(emulator).cdt_records.rows.values()}
    assert int(seen[1]) == len(names) < 32
