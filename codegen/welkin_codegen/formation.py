"""Designer CDT definitions (``formations/{version}/cdts``) -> one JSON Schema per tenant.

Every CDT becomes an object schema under ``$defs`` and every select field an enum beside it. Field
values are optional and nullable on read: a role may not see a field (absent) and an empty value
is ``null``. Bad definitions raise :class:`CodegenError` naming tenant, CDT and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from welkin_codegen.errors import CodegenError

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
RESERVED_FIELD_NAMES = frozenset({"wire_extra"})  # attributes every model already has


@attrs.frozen
class CdtClass:
    """What the generator decided for one CDT."""

    class_name: str
    cdt_name: str
    version: int | None


@attrs.frozen
class TenantSchema:
    """A tenant's CDTs as one JSON Schema, plus the per-class template values it needs."""

    schema: dict[str, Any]
    classes: tuple[CdtClass, ...]
    warnings: tuple[str, ...]

    @property
    def class_data(self) -> dict[str, dict[str, Any]]:
        return {
            c.class_name: {"cdt_name": c.cdt_name, "cdt_version": c.version} for c in self.classes
        }


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


_SCALARS: dict[str, Callable[[], dict[str, Any]]] = {
    "text": lambda: _nullable("string"),
    "textarea": lambda: _nullable("string"),
    "phone": lambda: _nullable("string"),
    "email": lambda: _nullable("string"),
    "float": lambda: _nullable("number"),
    "number": lambda: _nullable("number"),
    "boolean": lambda: _nullable("boolean"),
    "checkbox": lambda: _nullable("boolean"),
    "date": lambda: _nullable("string", format="date"),
    "datetime": lambda: _nullable("string", format="date-time"),
    "list": lambda: _nullable("array", items={}),
}
FIELD_TYPES = frozenset({*_SCALARS, "select", "integer"})


def pascal_case(name: str) -> str:
    """``cdt-self-care`` -> ``CdtSelfCare``; a leading digit gets a ``Cdt`` prefix."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", name) if w]
    joined = "".join(w[:1].upper() + w[1:] for w in words)
    if not joined:
        raise CodegenError(f"cannot make a class name from {name!r}")
    return joined if joined[0].isalpha() else f"Cdt{joined}"


def constant_case(text: str) -> str:
    """``Knowledge & understanding`` -> ``KNOWLEDGE_UNDERSTANDING``; ``1st`` -> ``V_1ST``."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    name = "_".join(w.upper() for w in words) or "EMPTY"
    return name if name[0].isalpha() else f"V_{name}"


class _Translator:
    """Translates one tenant; collects ``$defs`` and warnings as it goes."""

    def __init__(self, tenant: str, *, lenient: bool) -> None:
        self.tenant = tenant
        self.lenient = lenient
        self.defs: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []

    def where(self, cdt: str, field: str | None = None) -> str:
        place = f"tenant {self.tenant!r}, CDT {cdt!r}"
        return f"{place}, field {field!r}" if field is not None else place

    def cdt(self, index: int, definition: object) -> CdtClass:
        if not isinstance(definition, Mapping):
            raise CodegenError(f"tenant {self.tenant!r}, CDT #{index}: expected an object")
        name = definition.get("name")
        if not isinstance(name, str) or not name:
            raise CodegenError(f"tenant {self.tenant!r}, CDT #{index}: missing 'name'")
        version = definition.get("version")
        if version is not None and type(version) is not int:
            raise CodegenError(f"{self.where(name)}: 'version' must be an integer")
        fields = definition.get("fields")
        if not isinstance(fields, list):
            raise CodegenError(f"{self.where(name)}: 'fields' must be an array")
        class_name = pascal_case(name)
        if class_name in self.defs:
            raise CodegenError(f"{self.where(name)}: class name {class_name} is taken twice")
        properties: dict[str, Any] = {}
        for position, field in enumerate(fields):
            field_name, schema = self.field(name, class_name, position, field)
            if field_name in properties:
                raise CodegenError(f"{self.where(name, field_name)}: defined twice")
            properties[field_name] = schema
        title = definition.get("title") or definition.get("label")
        about = f" ({title})" if isinstance(title, str) and title else ""
        self.defs[class_name] = {
            "title": class_name,
            "description": f"Records of CDT ``{name}``{about}, definition version {version}.",
            "type": "object",
            "properties": properties,
        }
        return CdtClass(class_name=class_name, cdt_name=name, version=version)

    def field(
        self, cdt: str, class_name: str, position: int, field: object
    ) -> tuple[str, dict[str, Any]]:
        if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
            raise CodegenError(
                f"{self.where(cdt)}, field #{position}: expected an object with a name"
            )
        name: str = field["name"]
        if name in RESERVED_FIELD_NAMES:
            raise CodegenError(f"{self.where(cdt, name)}: the name is reserved by the SDK")
        kind = field.get("type")
        meta = field.get("meta") or {}
        if not isinstance(meta, Mapping):
            raise CodegenError(f"{self.where(cdt, name)}: 'meta' must be an object")
        if kind in _SCALARS:
            schema = _SCALARS[kind]()
        elif kind == "integer":
            schema = self.integer(cdt, name, meta)
        elif kind == "select":
            schema = self.select(cdt, class_name, name, meta)
        elif self.lenient:
            self.warnings.append(f"{self.where(cdt, name)}: unknown field type {kind!r}, typed Any")
            schema = {}
        else:
            raise CodegenError(
                f"{self.where(cdt, name)}: unknown field type {kind!r} "
                "(use --lenient to type it Any)"
            )
        notes = [str(kind) + _bounds(schema)] + (["PHI"] if field.get("phi") else [])
        notes += ["read-only"] if field.get("editable") is False else []
        return name, {**schema, "description": "; ".join(notes)}

    def integer(self, cdt: str, name: str, meta: Mapping[str, Any]) -> dict[str, Any]:
        schema = _nullable("integer")
        for key, keyword in (("minValue", "minimum"), ("maxValue", "maximum")):
            bound = meta.get(key)
            if bound is None or bound == "":
                continue
            try:
                schema[keyword] = int(bound)
            except (TypeError, ValueError):
                raise CodegenError(f"{self.where(cdt, name)}: {key} is not an integer") from None
        return schema

    def select(
        self, cdt: str, class_name: str, name: str, meta: Mapping[str, Any]
    ) -> dict[str, Any]:
        options = meta.get("options") or []
        if not isinstance(options, list) or not all(
            isinstance(o, Mapping) and "value" in o for o in options
        ):
            raise CodegenError(f"{self.where(cdt, name)}: 'options' must be objects with a value")
        values = [o["value"] for o in options]
        kinds = {type(v) for v in values}
        if not values:
            item: dict[str, Any] = {"type": "string"}
        elif kinds in ({str}, {int}):
            enum_name = f"{class_name}{pascal_case(name)}"
            # String choices are named after their values, which are stable; integer choices
            # after their labels, since 1, 2, 3 say nothing.
            labels = [str(o.get("label") or o["value"]) for o in options]
            sources = values if kinds == {str} else labels
            self.defs[enum_name] = {
                "title": enum_name,
                "description": f"Choices of field ``{name}`` of CDT ``{cdt}``.",
                "type": "string" if kinds == {str} else "integer",
                "enum": values,
                "x-enum-varnames": _unique([constant_case(str(s)) for s in sources]),
            }
            item = {"$ref": f"#/$defs/{enum_name}"}
        else:
            raise CodegenError(
                f"{self.where(cdt, name)}: option values must be all strings or all integers"
            )
        if meta.get("multiple"):
            return {"type": ["array", "null"], "items": item}
        return {"anyOf": [item, {"type": "null"}]}


def _bounds(schema: Mapping[str, Any]) -> str:
    """The bounds a schema sets, as the field's docstring states them: ``", 0 to 500"``."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f", {low} to {high}"
    if low is not None:
        return f", at least {low}"
    return f", at most {high}" if high is not None else ""


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def tenant_schema(tenant: str, definitions: object, *, lenient: bool = False) -> TenantSchema:
    """Translate a tenant's CDT definitions (a JSON array, as the formation serves it)."""
    if not isinstance(definitions, list):
        raise CodegenError(f"tenant {tenant!r}: expected a JSON array of CDT definitions")
    translator = _Translator(tenant, lenient=lenient)
    classes = tuple(translator.cdt(i, d) for i, d in enumerate(definitions))
    schema = {
        "$schema": JSON_SCHEMA,
        "title": f"{pascal_case(tenant)}Cdts",
        "$defs": translator.defs,
    }
    return TenantSchema(schema=schema, classes=classes, warnings=tuple(translator.warnings))
