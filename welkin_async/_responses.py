"""Reading answers: JSON bodies, and error bodies as the typed ``APIError`` of their status."""

from __future__ import annotations

from typing import Any

from welkin_async import _json
from welkin_async._raw import request_id_of, safe_headers
from welkin_async._transport import RawResponse
from welkin_async.errors import (
    APIError,
    AuthenticationError,
    BadRequest,
    Conflict,
    DecodeError,
    DecodeProblem,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnprocessableEntity,
)

_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: UnprocessableEntity,
}


def decode_json(response: RawResponse, method: str, template: str) -> Any:
    """The JSON document of a successful answer; ``None`` for an empty body (204)."""
    if not response.body.strip():
        return None
    try:
        return _json.loads(response.body)
    except ValueError:
        pass  # raised below, outside the handler: the JSON error holds the body in ``.doc``
    problem = DecodeProblem("$", "JSON document", "malformed JSON")
    raise DecodeError(f"the answer to {method} {template}", [problem])


def api_error(
    response: RawResponse,
    method: str,
    template: str,
    *,
    retry_after: float | None = None,
    token_endpoint: bool = False,
) -> APIError:
    """The exception for an error answer, with the fields its body carries."""
    fields: dict[str, Any] = {
        "method": method,
        "path": template,
        "request_id": request_id_of(response.headers),
        "headers": safe_headers(response.headers),
        **_error_fields(response.body),
    }
    status = response.status
    if token_endpoint:
        return AuthenticationError(status, **fields)
    if status == 429:
        return RateLimited(status, retry_after=retry_after, **fields)
    if status >= 500:
        return ServerError(status, **fields)
    return _BY_STATUS.get(status, APIError)(status, **fields)


def _error_fields(body: bytes) -> dict[str, Any]:
    """``error_code``, ``component_type``, ``message``, ``details`` from a live error array (or
    a single such object), or ``error``/``error_description`` from an OAuth error body."""
    try:
        document = _json.loads(body) if body.strip() else None
    except ValueError:
        return {}  # an HTML page from a proxy, a truncated body: the status says enough
    if isinstance(document, list) and document and isinstance(document[0], dict):
        document = document[0]
    if not isinstance(document, dict):
        return {}
    if "error" in document and "errorCode" not in document:
        return {
            "error_code": _text(document.get("error")),
            "message": _text(document.get("error_description")),
        }
    details = document.get("details")
    return {
        "error_code": _text(document.get("errorCode")),
        "component_type": _text(document.get("componentType")),
        "message": _text(document.get("message")),
        "details": details if isinstance(details, dict) else None,
    }


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
