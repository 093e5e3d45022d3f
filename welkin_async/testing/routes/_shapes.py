"""Response shapes for the route table, as JSON Schema fragments over schemas/core.

``"patient.json"`` refers to a core schema by file; the OpenAPI builder turns these references
into ``#/components/schemas/...``. Envelopes narrow their item type with ``allOf``.
"""

from __future__ import annotations

from welkin_async.testing._pagination import MAX_PAGE_NUMBER
from welkin_async.testing._routing import QueryParam, Schema


def ref(schema_id: str) -> Schema:
    return {"$ref": schema_id}


def array(item: Schema) -> Schema:
    return {"type": "array", "items": item}


def spring_page(item: Schema) -> Schema:
    return {"allOf": [ref("spring_page.json"), {"properties": {"content": array(item)}}]}


def named_page(inner: Schema) -> Schema:
    return {"allOf": [ref("named_page.json"), {"properties": {"data": inner}}]}


def meta_info_page(item: Schema) -> Schema:
    return {"allOf": [ref("meta_info_page.json"), {"properties": {"data": array(item)}}]}


def cursor_page(item: Schema) -> Schema:
    return {"allOf": [ref("cursor_page.json"), {"properties": {"data": array(item)}}]}


PAGE_PARAMS = (
    QueryParam(
        "page", {"type": "integer", "minimum": 0, "maximum": MAX_PAGE_NUMBER}, "0-based page number"
    ),
    QueryParam("size", {"type": "integer", "minimum": 1}, "page size (default 20)"),
)
