"""Hatch build hook: every wheel carries models generated from schemas/core at build time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class GenerateModelsHook(BuildHookInterface):  # type: ignore[type-arg]
    """Regenerates welkin_async/models/_generated before the wheel's files are collected."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # The generator is not installed yet while its own wheel is being built.
        sys.path.insert(0, str(Path(self.root, "codegen")))
        from welkin_codegen.core import generate_core

        generate_core(Path(self.root))
