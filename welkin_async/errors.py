"""Exceptions raised by welkin_async.

Messages say what was wrong and where (a JSON path, a field, a type), never a value: values are
patient data, tokens or secrets, and exception messages end up in logs.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from multidict import CIMultiDict


class WelkinError(Exception):
    """Root of every exception this package raises on purpose."""


@attrs.frozen
class DecodeProblem:
    """One place where a JSON document did not fit its model.

    ``path`` is a JSONPath into the document as received (wire names, e.g.
    ``$.content[3].createdAt``); ``expected`` names the type the model wants there; ``got`` names
    the JSON type that was found instead (``"missing"`` for an absent required field).
    """

    path: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.got}"


class DecodeError(WelkinError):
    """A response body (or a document passed to ``structure``) that does not fit its model."""

    def __init__(self, target: str, problems: Sequence[DecodeProblem]) -> None:
        self.target = target
        self.problems = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"cannot decode {target}: {shown}{more}")

    @property
    def path(self) -> str:
        """The JSONPath of the first problem."""
        return self.problems[0].path if self.problems else "$"


class ConfigurationError(WelkinError, ValueError):
    """A client was configured wrongly: a missing environment variable, a plain-http remote URL."""


class ClientClosedError(WelkinError, RuntimeError):
    """A client was used outside ``async with`` (before it was opened, or after it was closed)."""


class TransportError(WelkinError):
    """No HTTP answer was received: the connection failed, timed out or broke.

    ``request_sent`` is False only when the request provably never left this process (the
    connection was never made), which is what makes a retry safe for POST and PATCH.
    """

    request_sent: bool = True

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path  # the path template, never the filled path
        self.reason = reason
        super().__init__(f"{method} {path}: {reason}")


class ConnectError(TransportError):
    """The connection could not be made; the request was never sent."""

    request_sent = False


class TLSError(ConnectError):
    """The server's TLS certificate did not verify (or the handshake failed); nothing was sent.

    Not retried: the same certificate would fail the same way. Give ``ssl=`` the CA bundle of a
    private CA; verification itself cannot be switched off.
    """


class TimeoutError(TransportError):
    """A connect, read or total timeout from :class:`~welkin_async.Timeouts` expired."""

    def __init__(self, method: str, path: str, reason: str, *, request_sent: bool) -> None:
        super().__init__(method, path, reason)
        self.request_sent = request_sent


class ReadError(TransportError):
    """The connection broke after the request was sent (reset, closed or truncated answer)."""


class ResponseTooLarge(TransportError):
    """The answer's body, decompressed, exceeded ``Limits.max_response_bytes``.

    The body was read no further than the limit, so memory stays bounded; the request was sent
    and answered, so it is not retried.
    """

    def __init__(self, method: str, path: str, limit: int) -> None:
        self.limit = limit
        super().__init__(method, path, f"the answer exceeds the {limit:,}-byte limit")


class PaginationError(WelkinError):
    """A list or export did not advance as its paging style requires, so iteration stopped.

    ``style`` is the envelope style (``spring``, ``meta-info``, ``token``, ``cursor``);
    ``reason`` says what did not advance (a page number, a token, a cursor) or which bound
    the server's own answers set was passed. Items yielded before the error were genuine.
    """

    def __init__(self, style: str, path: str, reason: str) -> None:
        self.style = style
        self.path = path  # the path template, never the filled path
        self.reason = reason
        super().__init__(f"{path} ({style} paging): {reason}")


class ModelsBehindWarning(UserWarning):
    """A page did not fit the models' fast path and was read by the general one: the server
    sent keys or values the models do not describe (they may be behind it; regenerate them).

    Given once per model class per process; the message names the class, never a value.
    """


# Detail keys that name schema items (a field, a query parameter, a JSON path), never values;
# only these reach an error's message. Every detail stays available on ``APIError.details``.
_NAMING_DETAILS = ("cdtName", "field", "parameter", "path", "row")


class APIError(WelkinError):
    """The API answered with an error status.

    ``error_code``, ``component_type``, ``message`` and ``details`` come from the live error array
    (``[{"errorCode", "componentType", "message", "details"}]``) or from an OAuth error body
    (``{"error", "error_description"}``); they are ``None``/empty when the body had neither (an
    HTML 502 from a proxy). The exception's text shows the method, the path template, the status,
    the code and the detail keys that name a field or parameter; never the server's message,
    which may quote submitted values.
    """

    def __init__(
        self,
        status: int,
        *,
        method: str,
        path: str,
        error_code: str | None = None,
        component_type: str | None = None,
        message: str | None = None,
        details: dict[str, object] | None = None,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.error_code = error_code
        self.component_type = component_type
        self.message = message
        self.details = dict(details or {})
        self.request_id = request_id
        """The server's id of the request (``X-Request-Id``), to quote to support."""
        self.headers: Mapping[str, str] = CIMultiDict(headers or {})
        """The answer's headers that are safe to keep and log (ids, rate limits, content type),
        looked up case-insensitively; cookies and anything unknown are left out."""
        super().__init__(self._describe())

    @property
    def field(self) -> str | None:
        """The field the server names as at fault (``details["field"]``), if it names one."""
        field = self.details.get("field")
        return field if isinstance(field, str) else None

    def _describe(self) -> str:
        text = f"{self.method} {self.path}: HTTP {self.status}"
        if code := _name(self.error_code):
            text += f" {code}"
        if component := _name(self.component_type):
            text += f" ({component})"
        named = [
            f"{key}={shown}" for key in _NAMING_DETAILS if (shown := _name(self.details.get(key)))
        ]
        if shown := _name(self.request_id):
            named.append(f"request_id={shown}")
        return f"{text} [{', '.join(named)}]" if named else text


# What a server may put in an error's text: a short name (a code, a field, a JSON path, a row
# number). Anything else, however the server meant it, could be a value, and stays on the
# attributes only.
_NAME = re.compile(r"[A-Za-z0-9_.$\[\]-]{1,80}")


def _name(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    if isinstance(value, int) and value.bit_length() > 64:  # str() of a huge one can raise
        return None
    text = str(value)
    return text if _NAME.fullmatch(text) else None


class BadRequest(APIError):
    """400: the request was malformed or failed validation (``details`` names the field)."""


class AuthenticationError(APIError):
    """401, or any failure of the token endpoint (with the endpoint's own error code)."""


class PermissionDenied(APIError):
    """403: the API client's role or a field-level security policy refuses this."""


class NotFound(APIError):
    """404: no such record (or, under some security policies, one the client may not see)."""


class Conflict(APIError):
    """409: a duplicate key, or a record locked by its state (a completed encounter)."""


class UnprocessableEntity(APIError):
    """422: well-formed but semantically refused."""


class RateLimited(APIError):
    """429 after the retry policy gave up; ``retry_after`` is the server's wait in seconds."""

    def __init__(self, status: int, *, retry_after: float | None = None, **fields: Any) -> None:
        self.retry_after = retry_after
        super().__init__(status, **fields)


class ServerError(APIError):
    """5xx after the retry policy gave up (or at once, where retrying is unsafe)."""


class WebhookFailure(enum.StrEnum):
    """Which check a webhook delivery failed."""

    MISSING_HEADER = "missing_header"
    """``webhook-id``, ``webhook-timestamp`` or ``webhook-signature`` is absent or empty."""
    BAD_TIMESTAMP = "bad_timestamp"
    """``webhook-timestamp`` is not whole Unix seconds."""
    TOO_OLD = "too_old"
    """The timestamp is further in the past than the tolerance."""
    TOO_NEW = "too_new"
    """The timestamp is further in the future than the tolerance."""
    NO_MATCHING_SIGNATURE = "no_matching_signature"
    """No ``v1`` signature matches the body under any of the secrets."""


class WebhookVerificationError(WelkinError):
    """A webhook delivery that failed verification; :attr:`reason` says which check failed.

    The message names the check and, for a missing header, the header. It never holds the
    secret, the signature or the body.
    """

    def __init__(self, reason: WebhookFailure, message: str, *, header: str | None = None) -> None:
        self.reason = reason
        self.header = header
        super().__init__(message)


class WebhookSourceError(WelkinError, ValueError):
    """``fetch_source`` was given an event that does not name a record it can fetch."""
