"""Shared fixtures: synthetic response bodies and a generated example-tenant module."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import settings

from welkin_async.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TENANTS = ROOT / "schemas" / "tenants"

# Fixed seeds: the same examples on every run and machine.
settings.register_profile("welkin", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("welkin")


@pytest.fixture(scope="session")
def root() -> Path:
    """The project checkout the tests run in."""
    return ROOT


@pytest.fixture(scope="session")
def body() -> Callable[[str], Any]:
    """Loads a synthetic response body from tests/fixtures by file name."""

    def load(name: str) -> Any:
        return json.loads((FIXTURES / name).read_text(encoding="utf-8"))

    return load


def import_generated(path: Path) -> ModuleType:
    """Import a generated module from a file; registered in sys.modules so annotations resolve."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def acme_module_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acme example tenant's module, written by the real `welkin-async codegen` command."""
    out = tmp_path_factory.mktemp("acme_models")
    definitions = TENANTS / "acme" / "cdts.json"
    args = ["codegen", "--tenant", "acme", "--definitions", str(definitions), "--out", str(out)]
    assert cli_main(args) == 0
    return out / "acme.py"


@pytest.fixture(scope="session")
def acme(acme_module_path: Path) -> ModuleType:
    """The acme example tenant's generated module, imported."""
    return import_generated(acme_module_path)
