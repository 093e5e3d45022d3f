"""Where the emulator finds the example tenants' configuration, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def schemas_root() -> Path:
    """``schemas/``: inside the wheel as ``welkin_async/_schemas``, else the source checkout's."""
    for candidate in (_PACKAGE / "_schemas", _PACKAGE.parent / "schemas"):
        if (candidate / "core").is_dir():
            return candidate
    raise FileNotFoundError("welkin_async is installed without its schemas/ directory")


def example_tenants() -> tuple[str, ...]:
    """The tenants shipped under ``schemas/tenants``, sorted."""
    root = schemas_root() / "tenants"
    return tuple(sorted(path.name for path in root.iterdir() if (path / "access.json").is_file()))
