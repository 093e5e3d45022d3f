"""schemas/core/*.json -> welkin_async/models/_generated/: the SDK's own models.

Run by ``make generate`` and by the wheel build (``codegen/hatch_build.py``); ``make
generate-check`` renders into memory and fails on any difference from the files on disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from welkin_codegen._render import Modules, render
from welkin_codegen._write import differences, write_modules

HEADER = (
    "# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).\n"
    "# DO NOT EDIT: change the schema and regenerate."
)
SCHEMAS = Path("schemas/core")
OUTPUT = Path("welkin_async/models/_generated")

# The SDK's names the templates use, from the modules that define them: ``welkin_async.models``
# imports these generated modules, so they cannot import it (or ``welkin_async``) back.
SDK_IMPORTS = (
    "welkin_async._unset.UNSET",
    "welkin_async._unset.UnsetType",
    "welkin_async.models._base.OpenIntEnum",
    "welkin_async.models._base.OpenStrEnum",
    "welkin_async.models._base.WelkinModel",
    "welkin_async.models._base.date_as_midnight_utc",
)
# Schema keywords of ours that the templates read (see templates/dataclass.jinja2).
_CLASS_KEYWORDS = {
    "x-welkin-type-parameters": "type_parameters",
    "x-welkin-field-types": "field_types",
    "x-welkin-field-converters": "field_converters",
    "x-welkin-seldom-served": "seldom_served",
    "x-welkin-keyword-fields": "keyword_fields",
}
# A schema's own imports, for classes its ``x-welkin-field-types`` name that no ``$ref`` brings
# in (``CdtRecord[Encounter]`` needs ``Encounter``).
_IMPORTS_KEYWORD = "x-welkin-imports"


def class_data(schemas: Path) -> dict[str, dict[str, Any]]:
    """Per-class template values declared in the schemas, keyed by class name (the ``title``)."""
    data: dict[str, dict[str, Any]] = {}
    for path in sorted(schemas.glob("*.json")):
        schema: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        values = {name: schema[key] for key, name in _CLASS_KEYWORDS.items() if key in schema}
        if values:
            data[schema["title"]] = values
    return data


def module_imports(schemas: Path) -> dict[str, list[str]]:
    """Import lines declared in the schemas, keyed by the module each schema becomes."""
    imports: dict[str, list[str]] = {}
    for path in sorted(schemas.glob("*.json")):
        schema: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if _IMPORTS_KEYWORD in schema:
            imports[f"{path.stem}.py"] = list(schema[_IMPORTS_KEYWORD])
    return imports


def render_core(root: Path) -> Modules:
    """The generated package for the project checked out at ``root``, in memory."""
    schemas = root / SCHEMAS
    return render(
        schemas,
        header=HEADER,
        class_data=class_data(schemas),
        sdk_imports=SDK_IMPORTS,
        module_imports=module_imports(schemas),
    )


def generate_core(root: Path) -> None:
    """Regenerate the core models in place."""
    write_modules(render_core(root), root / OUTPUT)


def check_core(root: Path) -> list[str]:
    """What differs between a fresh generation and the files on disk (empty when in sync)."""
    return differences(render_core(root), root / OUTPUT)
