"""Errors as the live API sends them: a JSON array of ``{errorCode, componentType, ...}``.

Most carry the ``date`` they were raised at; the security-policy refusal (403
``ACCESS_FOR_API_CLIENT_RESTRICTED``) is served without one, as recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from welkin_async.testing import _json
from welkin_async.testing._clock import iso_ms


class ApiFailure(Exception):
    """Raised by a handler to answer with a live-style error array; never reaches the client."""

    def __init__(
        self,
        status: int,
        code: str,
        component: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        dated: bool = True,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.component = component
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})
        self.dated = dated

    def body(self, now_ms: int) -> bytes:
        item: dict[str, Any] = {
            "errorCode": self.code,
            "componentType": self.component,
            "message": self.message,
            "details": self.details,
        }
        if self.dated:
            item["date"] = iso_ms(now_ms)
        return _json.dumps([item])


def bad_request(code: str, component: str, message: str, **details: Any) -> ApiFailure:
    return ApiFailure(400, code, component, message, details)


def not_found(code: str, component: str, message: str, **details: Any) -> ApiFailure:
    return ApiFailure(404, code, component, message, details)


def conflict(code: str, component: str, message: str, **details: Any) -> ApiFailure:
    return ApiFailure(409, code, component, message, details)
