# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class CdtDefinition(WelkinModel):
    """A Custom Data Type as Designer defines it (``formations/{version}/cdts``)."""

    name: str
    fields: list[CdtFieldDefinition]
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    title: str | UnsetType | None = attrs.field(default=UNSET)
    label: str | UnsetType | None = attrs.field(default=UNSET)
    version: int | UnsetType | None = attrs.field(default=UNSET)
    internal: bool | UnsetType | None = attrs.field(default=UNSET)
    readable: bool | UnsetType | None = attrs.field(default=UNSET)
    updatable: bool | UnsetType | None = attrs.field(default=UNSET)
    type: CdtType | UnsetType | None = attrs.field(default=UNSET)
    relation: str | UnsetType | None = attrs.field(default=UNSET)
    contains_phi: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "_containsPHI"}
    )


@attrs.define(kw_only=True, repr=False)
class CdtFieldDefinition(WelkinModel):
    """One field (CDTF) of a CDT."""

    name: str
    type: CdtFieldType
    formula: Any | UnsetType = attrs.field(default=UNSET)
    dictionary: Any | UnsetType = attrs.field(default=UNSET)
    profile_data_type: Any | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "profileDataType"}
    )
    editable: bool | UnsetType | None = attrs.field(default=UNSET)
    searchable: bool | UnsetType | None = attrs.field(default=UNSET)
    bulk_edit: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "bulkEdit"}
    )
    phi: bool | UnsetType | None = attrs.field(default=UNSET)
    disable: bool | UnsetType | None = attrs.field(default=UNSET)
    injected_source: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "injectedSource"}
    )
    display_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "displayType"}
    )
    value_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "valueType"}
    )
    meta: CdtFieldMeta | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class CdtFieldMeta(WelkinModel):
    """Constraints of a CDT field."""

    required: bool | UnsetType | None = attrs.field(default=UNSET)
    multiple: bool | UnsetType | None = attrs.field(default=UNSET)
    options: list[CdtFieldOption] | UnsetType | None = attrs.field(default=UNSET)
    min_value: str | int | float | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "minValue"}
    )
    max_value: str | int | float | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "maxValue"}
    )
    label: str | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class CdtFieldOption(WelkinModel):
    """One choice of a select field."""

    value: str | int
    label: str | UnsetType | None = attrs.field(default=UNSET)
    ref_cdt_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "refCdtName"}
    )


class CdtFieldType(OpenStrEnum):
    """The type of a CDT field's values."""

    TEXT = "text"
    TEXTAREA = "textarea"
    PHONE = "phone"
    EMAIL = "email"
    SELECT = "select"
    INTEGER = "integer"
    FLOAT = "float"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHECKBOX = "checkbox"
    DATE = "date"
    DATETIME = "datetime"
    LIST = "list"


class CdtType(OpenStrEnum):
    """Whether a patient holds many records of a CDT or one."""

    MULTI_RECORD = "MULTI_RECORD"
    SINGLE_RECORD = "SINGLE_RECORD"
