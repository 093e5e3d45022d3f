"""JSON Schema -> attrs source: datamodel-code-generator with our templates, then ruff.

datamodel-code-generator has no attrs output, so it renders its ``dataclasses`` model type through
the attrs templates in ``templates/``. Every name the templates may use is passed as an additional
import, and ``ruff check --fix`` then drops the unused ones and sorts the rest, as
openapi-python-client's post-hooks do. ``ruff`` runs with ``--isolated`` and explicit settings, so
the output depends only on the two tools' versions, never on the project it is written into: the
build pins them (byte-identical core models); the ``codegen`` extra allows other patch releases,
which may format a tenant module differently.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from datamodel_code_generator import PythonVersion, generate
from datamodel_code_generator.enums import DataModelType, InputFileType
from datamodel_code_generator.format import DatetimeClassType, Formatter
from ruff.__main__ import find_ruff_bin

from welkin_codegen.errors import CodegenError

TEMPLATES = Path(__file__).parent / "templates"
LINE_LENGTH = 100

# Every name the templates may use besides the SDK's own (``sdk_imports`` of :func:`render`).
_RUNTIME_IMPORTS = [
    "attrs",
    "collections.abc.Mapping",
    "collections.abc.Sequence",
    "datetime.date",
    "typing.ClassVar",
    "typing.Generic",
    "typing.Any",
    "typing.Required",
    "typing.TypedDict",
    "typing_extensions.TypeVar",
]
_FUTURE = "from __future__ import annotations\n"
_RUFF_SETTINGS = (
    "--isolated",
    "--line-length",
    str(LINE_LENGTH),
    "--target-version",
    "py311",
    "--config",
    "lint.isort.known-first-party = ['welkin_async']",
)

Modules = dict[tuple[str, ...], str]
"""Generated source by module path, e.g. ``("patient.py",)`` -> code."""


def render(
    schema: Path | Mapping[str, Any],
    *,
    header: str,
    class_data: Mapping[str, Mapping[str, Any]],
    skip_root_model: bool = False,
    sdk_imports: Sequence[str],
    footer: str = "",
    module_imports: Mapping[str, Sequence[str]] | None = None,
) -> Modules:
    """Render a schema file, a folder of them, or an in-memory schema into formatted modules.

    ``class_data`` maps a class name to extra template values (see ``templates/dataclass.jinja2``);
    ``sdk_imports`` are where the templates' SDK names come from (``welkin_async.UNSET``,
    ``welkin_async.models.WelkinModel``, ...): public modules for a tenant's code, private ones
    for the SDK's own models, which ``welkin_async.models`` imports (the public names would be
    an import cycle there); ``footer`` is code appended to every module before formatting;
    ``module_imports`` adds import lines to the modules it names by file
    (``{"full_encounter.py": ["from .x import X"]}``).
    """
    generated = generate(
        schema if isinstance(schema, Path) else dict(schema),
        input_file_type=InputFileType.JsonSchema,
        output=None,
        output_model_type=DataModelType.DataclassesDataclass,
        custom_template_dir=TEMPLATES,
        target_python_version=PythonVersion.PY_311,
        formatters=[Formatter.BUILTIN],
        custom_file_header=header,
        additional_imports=[*_RUNTIME_IMPORTS, *sdk_imports],
        extra_template_data=defaultdict(dict, {k: dict(v) for k, v in class_data.items()}),
        output_datetime_class=DatetimeClassType.Datetime,
        snake_case_field=True,
        strict_nullable=True,
        keyword_only=True,
        keep_model_order=True,
        capitalise_enum_members=True,
        use_title_as_name=True,
        use_exact_imports=True,
        use_specialized_enum=True,
        use_standard_collections=True,
        use_standard_primitive_types=True,
        remove_special_field_name_prefix=True,
        use_union_operator=True,
        use_schema_description=True,
        use_field_description=True,
        disable_timestamp=True,
        skip_root_model=skip_root_model,
    )
    if isinstance(generated, str):
        modules: Modules = {("__init__.py",): generated}
    elif generated is None:
        raise CodegenError("datamodel-code-generator produced no output")
    else:
        modules = {tuple(path): code for path, code in generated.items()}
    extra = module_imports or {}
    return {
        path: _tidy(_with_imports(code, extra.get(path[-1], ())) + footer, path[-1])
        for path, code in sorted(modules.items())
    }


def _with_imports(code: str, lines: Sequence[str]) -> str:
    """``code`` with ``lines`` imported right after its ``__future__`` import (ruff sorts them)."""
    if not lines:
        return code
    if _FUTURE not in code:
        raise CodegenError("a generated module has no 'from __future__ import annotations'")
    return code.replace(_FUTURE, _FUTURE + "\n".join(lines) + "\n", 1)


def _tidy(code: str, filename: str) -> str:
    if filename == "__init__.py":  # ruff keeps unused imports of an __init__ as re-exports
        filename = "_module.py"
    ruff = find_ruff_bin()
    fixed = _run_ruff(
        [ruff, "check", *_RUFF_SETTINGS, "--select", "F401,I", "--fix-only", "--exit-zero"],
        code,
        filename,
    )
    return _run_ruff([ruff, "format", *_RUFF_SETTINGS], fixed, filename)


def _run_ruff(command: list[str], code: str, filename: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own pinned ruff binary, no shell
        [*command, "--stdin-filename", filename, "-"],
        input=code,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CodegenError(f"ruff failed on generated {filename}: {result.stderr.strip()}")
    return result.stdout
