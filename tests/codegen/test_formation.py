"""welkin_codegen.formation: Designer CDT definitions -> JSON Schema, and its refusals."""

from __future__ import annotations

from typing import Any

import pytest

from welkin_codegen.errors import CodegenError
from welkin_codegen.formation import FIELD_TYPES, constant_case, pascal_case, tenant_schema


def definition(*fields: dict[str, Any], name: str = "cdt-vitals", version: int = 3) -> list[Any]:
    return [{"name": name, "version": version, "fields": list(fields)}]


def translated_field(field: dict[str, Any]) -> dict[str, Any]:
    schema = tenant_schema("acme", definition(field)).schema
    properties: dict[str, dict[str, Any]] = schema["$defs"]["CdtVitals"]["properties"]
    return properties[field["name"]]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("text", {"type": ["string", "null"]}),
        ("textarea", {"type": ["string", "null"]}),
        ("phone", {"type": ["string", "null"]}),
        ("email", {"type": ["string", "null"]}),
        ("float", {"type": ["number", "null"]}),
        ("number", {"type": ["number", "null"]}),
        ("boolean", {"type": ["boolean", "null"]}),
        ("checkbox", {"type": ["boolean", "null"]}),
        ("date", {"type": ["string", "null"], "format": "date"}),
        ("datetime", {"type": ["string", "null"], "format": "date-time"}),
        ("list", {"type": ["array", "null"], "items": {}}),
        ("integer", {"type": ["integer", "null"]}),
    ],
)
def test_scalar_field_types_map(kind: str, expected: dict[str, Any]) -> None:
    """Each Designer field type becomes the nullable JSON Schema type its values have."""
    schema = translated_field({"name": "cdtf-x", "type": kind})
    assert {k: v for k, v in schema.items() if k != "description"} == expected


def test_every_documented_field_type_is_handled() -> None:
    """The mapping covers every field type the live API documents."""
    documented = {"text", "textarea", "phone", "email", "select", "integer", "float", "number"}
    documented |= {"boolean", "checkbox", "date", "datetime", "list"}
    assert documented <= FIELD_TYPES


def test_integer_bounds_are_kept_even_when_written_as_strings() -> None:
    """minValue/maxValue become minimum/maximum, whether the tenant wrote "0" or 0."""
    schema = translated_field(
        {"name": "weight", "type": "integer", "meta": {"minValue": "0", "maxValue": 500}}
    )
    assert (schema["minimum"], schema["maximum"]) == (0, 500)
    assert schema["description"] == "integer, 0 to 500"
    only_low = translated_field({"name": "n", "type": "integer", "meta": {"minValue": 1}})
    assert only_low["description"] == "integer, at least 1"


def test_string_select_becomes_an_enum_named_by_values() -> None:
    """A select with string options becomes an enum whose members are named after the values."""
    field = {
        "name": "cdtf-barrier",
        "type": "select",
        "meta": {
            "options": [
                {"label": "Time", "value": "Time"},
                {"label": "Knowledge", "value": "Knowledge & understanding"},
            ]
        },
    }
    result = tenant_schema("acme", definition(field))
    assert translated_field(field) == {
        "anyOf": [{"$ref": "#/$defs/CdtVitalsCdtfBarrier"}, {"type": "null"}],
        "description": "select",
    }
    enum = result.schema["$defs"]["CdtVitalsCdtfBarrier"]
    assert enum["enum"] == ["Time", "Knowledge & understanding"]
    assert enum["x-enum-varnames"] == ["TIME", "KNOWLEDGE_UNDERSTANDING"]


def test_integer_select_is_named_by_labels_and_multiple_is_a_list() -> None:
    """Integer choices are named after their labels; a multiple select is a list of the enum."""
    field = {
        "name": "feel",
        "type": "select",
        "meta": {
            "multiple": True,
            "options": [
                {"label": "Better than normal", "value": 1},
                {"label": "Worse", "value": 2},
            ],
        },
    }
    enum = tenant_schema("acme", definition(field)).schema["$defs"]["CdtVitalsFeel"]
    assert (enum["type"], enum["x-enum-varnames"]) == ("integer", ["BETTER_THAN_NORMAL", "WORSE"])
    assert translated_field(field)["type"] == ["array", "null"]


def test_unknown_field_type_names_tenant_cdt_and_field() -> None:
    """An unknown type stops generation, and the error says exactly where it is."""
    with pytest.raises(CodegenError) as caught:
        tenant_schema("acme", definition({"name": "cdtf-sig", "type": "signature"}))
    message = str(caught.value)
    assert "tenant 'acme'" in message
    assert "CDT 'cdt-vitals'" in message
    assert "field 'cdtf-sig'" in message
    assert "'signature'" in message


def test_lenient_types_unknown_fields_any_with_a_warning() -> None:
    """With lenient, an unknown type becomes Any (an empty schema) and a warning names it."""
    result = tenant_schema(
        "acme", definition({"name": "cdtf-sig", "type": "signature"}), lenient=True
    )
    assert result.schema["$defs"]["CdtVitals"]["properties"]["cdtf-sig"] == {
        "description": "signature"
    }
    (warning,) = result.warnings
    assert "field 'cdtf-sig'" in warning


@pytest.mark.parametrize(
    ("definitions", "complaint"),
    [
        ({"name": "x"}, "expected a JSON array"),
        ([{"fields": []}], "CDT #0: missing 'name'"),
        ([{"name": "a", "version": "7", "fields": []}], "'version' must be an integer"),
        ([{"name": "a", "fields": {}}], "'fields' must be an array"),
        (
            [{"name": "a-b", "fields": []}, {"name": "a_b", "fields": []}],
            "class name AB is taken twice",
        ),
        ([{"name": "a", "fields": [{"name": "wire_extra", "type": "text"}]}], "reserved"),
        (
            [
                {
                    "name": "a",
                    "fields": [{"name": "n", "type": "text"}, {"name": "n", "type": "text"}],
                }
            ],
            "defined twice",
        ),
        (
            [
                {
                    "name": "a",
                    "fields": [{"name": "n", "type": "integer", "meta": {"minValue": "low"}}],
                }
            ],
            "minValue",
        ),
        (
            [
                {
                    "name": "a",
                    "fields": [
                        {
                            "name": "s",
                            "type": "select",
                            "meta": {"options": [{"value": 1}, {"value": "b"}]},
                        }
                    ],
                }
            ],
            "all strings or all integers",
        ),
    ],
)
def test_malformed_definitions_are_refused_with_a_reason(definitions: Any, complaint: str) -> None:
    """Definitions that cannot make sound models are refused, saying what is wrong."""
    with pytest.raises(CodegenError, match=complaint):
        tenant_schema("acme", definitions)


def test_names() -> None:
    """Wire names become class and member names that are valid identifiers."""
    assert pascal_case("cdt-self-care") == "CdtSelfCare"
    assert pascal_case("_asm-hello-form") == "AsmHelloForm"
    assert pascal_case("2fa_codes") == "Cdt2faCodes"
    assert constant_case("1st visit") == "V_1ST_VISIT"
    assert constant_case("") == "EMPTY"
