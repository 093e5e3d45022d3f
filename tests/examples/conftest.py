"""The examples' tests: each example imported by path, with WELKIN_* set for the test's emulator."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.conftest import ROOT
from welkin_async import ClientCredentials
from welkin_async.testing import WelkinEmulator


def load_example(name: str) -> ModuleType:
    """A fresh import of ``examples/<name>.py`` (the examples are scripts, not a package)."""
    module_name = f"welkin_example_{name}"
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "examples" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # FastAPI and pydantic look annotations up through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def welkin_env(
    welkin_emulator: WelkinEmulator,
    welkin_credentials: ClientCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``WelkinClient.from_env()`` connects to the test's emulator, as the acme/live admin."""
    for name in ("WELKIN_API_CLIENT", "WELKIN_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "WELKIN_TENANT": "acme",
        "WELKIN_ENVIRONMENT": "live",
        "WELKIN_BASE_URL": welkin_emulator.url,
        "WELKIN_CLIENT_ID": welkin_credentials.client_id,
        "WELKIN_CLIENT_SECRET": welkin_credentials.client_secret,
    }.items():
        monkeypatch.setenv(name, value)
