"""Bearer tokens: issued to API clients as HS256 JWTs with an honest ``exp``, and checked.

Expiry is judged by the emulator's :class:`~._clock.Clock`, so tests expire a token by advancing
the clock. A token signed with another key, or not a JWT at all, is ``NOT_VALID_JSON_WEB_TOKEN``;
one past its ``exp`` is ``TOKEN_EXPIRED``: both 401 with the live error array.

The vendor's abuse rule is kept too: more than 100 token requests by one client within five
minutes blocks that client's token requests for five minutes.
"""

from __future__ import annotations

import math
import secrets
from collections import deque
from typing import Any

import attrs
import jwt

from welkin_async.testing._clock import Clock
from welkin_async.testing._errors import ApiFailure
from welkin_async.testing._tenants import ApiClient

ABUSE_WINDOW = 300.0
ABUSE_LIMIT = 100
ABUSE_BLOCK = 300.0
_CACHE_LIMIT = 50_000


def _unauthorized(code: str, message: str) -> ApiFailure:
    return ApiFailure(401, code, "AUTH", message)


def _blocked(seconds: float) -> ApiFailure:
    return ApiFailure(
        429,
        "API_CLIENT_BLOCKED",
        "AUTH",
        "Too many token requests: the API client is blocked",
        headers={"Retry-After": str(math.ceil(seconds))},
    )


@attrs.frozen
class Claims:
    tenant: str
    client_name: str
    expires_at: float


@attrs.define
class TokenService:
    """Issues and verifies tokens for one emulator; the signing key never leaves the process."""

    clock: Clock
    ttl: float = attrs.field(validator=attrs.validators.gt(0))
    _key: bytes = attrs.field(factory=lambda: secrets.token_bytes(32), repr=False)
    _verified: dict[str, Claims] = attrs.field(factory=dict, repr=False)
    _requests: dict[str, deque[float]] = attrs.field(factory=dict)
    _blocked_until: dict[str, float] = attrs.field(factory=dict)

    def issue(self, client: ApiClient) -> tuple[str, int]:
        """A new token for ``client`` and its lifetime in whole seconds (at least 1)."""
        self._count_request(client.client_id)
        now = self.clock.time()
        lifetime = max(1, math.floor(self.ttl))
        claims: dict[str, Any] = {
            "sub": client.client_id,
            "name": client.name,
            "tenant": client.tenant,
            "iat": int(now),
            "exp": int(now) + lifetime,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._key, algorithm="HS256"), lifetime

    def verify(self, token: str) -> Claims:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._decode(token)
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()
            self._verified[token] = claims
        if self.clock.time() >= claims.expires_at:
            raise _unauthorized("TOKEN_EXPIRED", "The access token has expired")
        return claims

    def _decode(self, token: str) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                # Time is judged by the emulator's clock (below), never by PyJWT's wall clock.
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
            return Claims(
                tenant=str(payload["tenant"]),
                client_name=str(payload["name"]),
                expires_at=float(payload["exp"]),
            )
        except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
            raise _unauthorized(
                "NOT_VALID_JSON_WEB_TOKEN", "The access token is not a valid JSON web token"
            ) from None

    def _count_request(self, client_id: str) -> None:
        now = self.clock.monotonic()
        blocked_until = self._blocked_until.get(client_id, 0.0)
        if now < blocked_until:
            raise _blocked(blocked_until - now)
        window = self._requests.setdefault(client_id, deque())
        while window and window[0] <= now - ABUSE_WINDOW:
            window.popleft()
        window.append(now)
        if len(window) > ABUSE_LIMIT:
            self._blocked_until[client_id] = now + ABUSE_BLOCK
            window.clear()
            raise _blocked(ABUSE_BLOCK)
