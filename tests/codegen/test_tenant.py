"""welkin_codegen.tenant: a tenant's module is the user's code, so it imports only the SDK's
public modules and names, which keep working whatever the SDK's private layout becomes."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

from tests.conftest import TENANTS
from welkin_codegen.tenant import render_tenant

DEFINITIONS = TENANTS / "acme" / "cdts.json"


def _sdk_imports(code: str) -> list[tuple[str, str]]:
    """``(module, name)`` of every import from ``welkin_async`` in ``code``."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("welkin_async"):
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.startswith("welkin_async")]
    return found


def test_a_fresh_tenant_module_imports_only_public_sdk_names() -> None:
    """Every welkin_async import of a freshly generated tenant module names a public module
    (no ``_`` segment) and a name that module exports in ``__all__``."""
    definitions = json.loads(DEFINITIONS.read_text(encoding="utf-8"))
    module = render_tenant("acme", definitions, command="welkin-async codegen --tenant acme")
    imports = _sdk_imports(module.code)
    assert {name for _, name in imports} >= {"UNSET", "UnsetType", "WelkinModel", "OpenStrEnum"}
    for module_name, name in imports:
        assert not any(part.startswith("_") for part in module_name.split(".")), module_name
        exported = importlib.import_module(module_name).__all__
        assert name in exported, f"{module_name}.{name} is not public"


def test_the_core_models_keep_importing_the_private_modules(root: Path) -> None:
    """The SDK's own generated models import the defining private modules: welkin_async.models
    imports them, so importing it (or welkin_async) back would be a cycle."""
    code = (root / "welkin_async/models/_generated/patient.py").read_text(encoding="utf-8")
    assert {module for module, _ in _sdk_imports(code)} == {
        "welkin_async._unset",
        "welkin_async.models._base",
    }
