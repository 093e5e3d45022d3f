"""A tenant module made by ``welkin-async codegen``, and whether it still matches the server.

The module names its tenant (``TENANT``) and maps each CDT's wire name to its class
(``CDT_CLASSES``); every class records the definition ``__cdt_version__`` it was made from. The
client compares those with the server's definitions once, and warns for each CDT that differs.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from welkin_async.errors import ConfigurationError


class ModelVersionWarning(UserWarning):
    """A generated CDT class no longer matches the tenant's definition on the server."""


class TenantModels:
    """The checked contents of a generated tenant module."""

    def __init__(self, module: ModuleType, tenant: str) -> None:
        classes = getattr(module, "CDT_CLASSES", None)
        name = getattr(module, "TENANT", None)
        label = getattr(module, "__name__", type(module).__name__)
        if not isinstance(classes, Mapping) or not isinstance(name, str):
            raise ConfigurationError(
                f"models={label!r} is not a module made by `welkin-async codegen` "
                "(it has no TENANT and CDT_CLASSES)"
            )
        if name != tenant:
            raise ConfigurationError(
                f"models={label!r} was generated for tenant {name!r}, not {tenant!r}"
            )
        self.module = module
        self.tenant = name
        self.classes: Mapping[str, type[Any]] = dict(classes)

    def regenerate_command(self) -> str:
        """The command that rewrites this module from the tenant's current definitions."""
        file = getattr(self.module, "__file__", None)
        where = Path(file).parent if file else Path("DIR")
        return f"welkin-async codegen --tenant {self.tenant} --from-api --out {where}"

    def drift(self, definitions: Iterable[Any]) -> list[str]:
        """One sentence per generated CDT whose server definition differs in version or is gone."""
        served = {d.name: d.version for d in definitions}
        found = []
        for cdt_name, cls in self.classes.items():
            generated = getattr(cls, "__cdt_version__", None)
            if cdt_name not in served:
                found.append(
                    f"CDT {cdt_name!r} of tenant {self.tenant!r} is no longer defined on the server"
                )
            elif served[cdt_name] != generated:
                found.append(
                    f"CDT {cdt_name!r} of tenant {self.tenant!r} was generated from definition "
                    f"version {generated}; the server has version {served[cdt_name]}"
                )
        return found

    def warn(self, problems: Iterable[str]) -> None:
        for problem in problems:
            warnings.warn(
                f"{problem}. Regenerate the models: {self.regenerate_command()}",
                ModelVersionWarning,
                stacklevel=4,
            )


def import_tenant_module(path: Path) -> ModuleType:
    """Import a generated tenant module from its file (registered in ``sys.modules`` under its
    name, which its classes' annotations need to resolve)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ConfigurationError(f"{path} is not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module
