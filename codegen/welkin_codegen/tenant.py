"""A tenant's CDT definitions -> a module of attrs classes (``welkin-async codegen``)."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from welkin_codegen._render import render
from welkin_codegen._write import write_atomic
from welkin_codegen.formation import tenant_schema

# A tenant's module is the user's code: it imports the SDK's public names only, so it keeps
# working whatever the SDK's private layout becomes.
SDK_IMPORTS = (
    "welkin_async.UNSET",
    "welkin_async.UnsetType",
    "welkin_async.models.OpenIntEnum",
    "welkin_async.models.OpenStrEnum",
    "welkin_async.models.WelkinModel",
)


@attrs.frozen
class TenantModule:
    """A rendered tenant module and what the generator had to say about it."""

    module_name: str
    code: str
    warnings: tuple[str, ...]

    def write(self, out_dir: Path) -> Path:
        """Write the module as ``out_dir/<module_name>.py`` (atomically) and return its path."""
        path = out_dir / f"{self.module_name}.py"
        write_atomic(path, self.code)
        return path


def module_name(tenant: str) -> str:
    """The Python module name for a tenant: ``acme-sandbox`` -> ``acme_sandbox``."""
    name = re.sub(r"[^0-9a-z_]+", "_", tenant.lower()).strip("_") or "tenant"
    return name if name[0].isalpha() else f"tenant_{name}"


def render_tenant(
    tenant: str, definitions: object, *, command: str, lenient: bool = False
) -> TenantModule:
    """Render the module for ``tenant``; ``command`` is what the header says made it."""
    translated = tenant_schema(tenant, definitions, lenient=lenient)
    header = (
        f"# Code generated for Welkin tenant {tenant!r} by: {command}\n"
        "# DO NOT EDIT: regenerate when the tenant's CDT definitions change."
    )
    registry = "\n".join(f"    {c.cdt_name!r}: {c.class_name}," for c in translated.classes)
    footer = (
        f"\n\nTENANT = {tenant!r}\n"
        "\n# Each CDT's wire name -> its class; the client checks their __cdt_version__.\n"
        f"CDT_CLASSES: dict[str, type[WelkinModel]] = {{\n{registry}\n}}\n"
    )
    (code,) = render(
        translated.schema,
        header=header,
        class_data=translated.class_data,
        sdk_imports=SDK_IMPORTS,
        skip_root_model=True,
        footer=footer,
    ).values()
    return TenantModule(module_name=module_name(tenant), code=code, warnings=translated.warnings)
