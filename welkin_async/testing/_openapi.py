"""The OpenAPI 3.1 document of the emulator's routes, built from the route table and schemas/core.

Core schemas become ``components/schemas`` (their ``$defs`` hoisted beside them); every route
appears under each layout it is served on, with its parameters, body, answers and the error
array that any operation may answer with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from welkin_async.testing._app import full_path
from welkin_async.testing._pagination import DEFAULT_MAX_PAGE_SIZE
from welkin_async.testing._routing import Layout, QueryParam, Route
from welkin_async.testing._schemas import core_schemas

_PATH_PARAM = re.compile(r"{([^}]+)}")
_ERROR_STATUSES = {
    400: "Invalid request (error array)",
    401: "Missing, expired or invalid token",
    403: "Refused by the API client's security policy",
    404: "Not found",
    409: "Conflicts with the record's state",
    429: "Rate limited; see Retry-After",
}
_DROPPED_KEYS = ("$schema", "$id", "$defs")
_PAGE_SIZE_PARAMS = frozenset({"size", "pageSize"})


def _titles() -> dict[str, str]:
    return {schema_id: doc["title"] for schema_id, doc in core_schemas().items()}


def _rewrite(node: Any, titles: Mapping[str, str]) -> Any:
    """Turn ``#/$defs/X``, ``file.json`` and ``file.json#/$defs/X`` into component refs."""
    if isinstance(node, list):
        return [_rewrite(item, titles) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key in _DROPPED_KEYS:
            continue
        if key == "$ref":
            target, _, fragment = value.partition("#")
            name = fragment.rsplit("/", 1)[-1] if fragment else titles[target]
            result[key] = f"#/components/schemas/{name}"
        else:
            result[key] = _rewrite(value, titles)
    return result


def _components() -> dict[str, Any]:
    titles = _titles()
    schemas: dict[str, Any] = {}
    for doc in core_schemas().values():
        for name, definition in {doc["title"]: doc, **doc.get("$defs", {})}.items():
            if name in schemas:
                raise ValueError(f"schemas/core defines {name!r} twice")
            schemas[name] = _rewrite(definition, titles)
    return schemas


def _json_content(schema: Any, titles: Mapping[str, str]) -> dict[str, Any]:
    return {"application/json": {"schema": _rewrite(schema, titles)}}


def _error_content() -> dict[str, Any]:
    items = {"$ref": "#/components/schemas/ErrorItem"}
    return {"application/json": {"schema": {"type": "array", "items": items}}}


def _query_schema(param: QueryParam, max_page_size: int) -> dict[str, Any]:
    schema = dict(param.schema)
    if param.name in _PAGE_SIZE_PARAMS:
        schema["maximum"] = max_page_size
    return schema


def _operation(route: Route, titles: Mapping[str, str], max_page_size: int) -> dict[str, Any]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(route.path_params.get(name, {"type": "string"})),
        }
        for name in _PATH_PARAM.findall(route.scope.value + route.path)
    ]
    parameters += [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "schema": dict(p.schema),
            "description": p.description,
        }
        for p in route.query
    ]
    responses: dict[str, Any] = {}
    for status, description in _ERROR_STATUSES.items():
        responses[str(status)] = {"description": description, "content": _error_content()}
    for status, schema in route.responses.items():
        answer: dict[str, Any] = {"description": route.summary}
        if schema is not None:
            answer["content"] = _json_content(schema, titles)
        responses[str(status)] = answer
    operation: dict[str, Any] = {
        "operationId": f"{route.method.lower()}_{route.scope.name.lower()}{route.path}",
        "summary": route.summary,
        "parameters": parameters,
        "responses": responses,
    }
    if route.resource is not None:
        operation["tags"] = [route.resource]
    if not route.authenticated:
        operation["security"] = []
    if route.request_body is not None:
        schema = (
            {"$ref": route.request_body}
            if isinstance(route.request_body, str)
            else route.request_body
        )
        operation["requestBody"] = {
            "required": route.body_required,
            "content": {route.request_media_type: {"schema": _rewrite(schema, titles)}},
        }
    return operation


def build_openapi(
    routes: Iterable[Route],
    layouts: Iterable[Layout] = tuple(Layout),
    *,
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE,
) -> dict[str, Any]:
    """The document for ``routes``; page sizes are bounded by the emulator's ``max_page_size``."""
    titles = _titles()
    paths: dict[str, dict[str, Any]] = {}
    for layout in layouts:
        for route in routes:
            if layout in route.layouts:
                operation = _operation(route, titles, max_page_size)
                operation["operationId"] += f"_{layout.name.lower()}"
                paths.setdefault(full_path(route, layout), {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Welkin API (welkin_async emulator)",
            "version": "1",
            "description": "The routes the local emulator serves, in both URL layouts.",
        },
        "paths": paths,
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "security": [{"bearer": []}],
    }
