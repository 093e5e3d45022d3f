"""Bearer tokens: how each credentials kind gets one, and the in-memory cache that refreshes it.

Tokens are held in memory only, by :class:`TokenCache`, and never logged or shown in a repr.

- **Ahead of expiry.** A token is refreshed from ``skew`` (60 s) plus up to ``jitter`` (30 s)
  before it expires, or at half its lifetime if that is sooner. The lifetime comes from
  ``expires_in``, else from the JWT's ``exp`` claim (decoded, not verified: the server verifies).
- **Single flight.** Whoever finds the token stale refreshes it; everyone else waits for that
  refresh (or, while the old token is still valid, keeps using it), and all of them go on in
  the same event-loop turn once it is over. The first token alone is handed out one caller per
  turn: that paces a new client's opening burst (see :class:`TokenCache`).
- **401.** The client calls :meth:`TokenCache.invalidate` with the token the failed request used.
  Only if that is still the cached token is it dropped; a request that used an older token just
  replays with the current one.
- **Already expired.** A lifetime under a second (``expires_in`` <= 0 or 0.001, a JWT past
  its ``exp``) is taken as ``MIN_LIFETIME`` and counted (``stats.token_lifetime_floored``): a
  broken endpoint must not cost a token request per call (the live API blocks a client after
  100 token requests in 5 minutes).
- **Header-safe.** A token with characters a header cannot carry (CR, LF, NUL, spaces) is an
  ``AuthenticationError`` (``INVALID_TOKEN_RESPONSE``), never sent.
- **Token endpoint down.** While the old token is valid a failed refresh is logged and the old
  token used; the next attempt is made 30 s later at the earliest.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable
from time import monotonic
from typing import Any
from urllib.parse import quote

import attrs
import jwt

from welkin_async import _json
from welkin_async._credentials import ClientCredentials, Credentials
from welkin_async._transport import RawResponse
from welkin_async.errors import AuthenticationError, WelkinError

logger = logging.getLogger("welkin_async")

SKEW = 60.0
JITTER = 30.0
FAILED_REFRESH_COOLDOWN = 30.0
MIN_LIFETIME = 60.0  # seconds a token that came already expired is kept all the same
PLAUSIBLE_LIFETIME = 1.0  # seconds: a shorter lifetime is a broken endpoint, not a policy
# RFC 6750 b64token, widened to every visible ASCII character: what a header value can carry.
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


@attrs.frozen
class TokenRequest:
    """The exchange of credentials for a token, as the client sends it."""

    url: str
    template: str
    answer_field: str  # where the answer holds the token: "access_token" (OAuth) or "token"
    headers: dict[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)


@attrs.frozen
class IssuedToken:
    value: str = attrs.field(repr=False)
    lifetime: float | None  # seconds; None when the server gave no way to tell


def token_request(credentials: Credentials, tenant_root: str) -> TokenRequest:
    """OAuth client credentials (documented layout) or the live layout's secret exchange."""
    if isinstance(credentials, ClientCredentials):
        pair = (  # each part form-encoded before Basic encoding, as RFC 6749 section 2.3.1 says
            f"{quote(credentials.client_id, safe='')}:{quote(credentials.client_secret, safe='')}"
        )
        return TokenRequest(
            url=f"{tenant_root}oauth/token",
            template="oauth/token",
            answer_field="access_token",
            headers={
                "Authorization": f"Basic {base64.b64encode(pair.encode()).decode()}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            body=b"grant_type=client_credentials",
        )
    return TokenRequest(
        url=f"{tenant_root}admin/api_clients/{quote(credentials.client_name, safe='')}",
        template="admin/api_clients/{client_name}",
        answer_field="token",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        body=_json.dumps({"secret": credentials.secret}),
    )


def read_token(exchange: TokenRequest, response: RawResponse) -> IssuedToken:
    """The token in a 2xx answer of the token endpoint, with its lifetime if it can be known."""
    try:
        document = _json.loads(response.body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        document = {}
    value = document.get(exchange.answer_field)
    if not isinstance(value, str) or not value:
        raise _invalid(
            exchange, response, f"the token endpoint's answer has no {exchange.answer_field!r}"
        )
    if not _HEADER_SAFE.fullmatch(value):  # CR, LF, NUL, spaces: it could not be sent
        raise _invalid(
            exchange, response, "the token holds characters an Authorization header cannot carry"
        )
    expires_in = _number(document.get("expires_in"))
    if expires_in is not None:
        return IssuedToken(value, expires_in if math.isfinite(expires_in) else None)
    return IssuedToken(value, _jwt_lifetime(value))


def _invalid(exchange: TokenRequest, response: RawResponse, message: str) -> AuthenticationError:
    return AuthenticationError(
        response.status,
        method="POST",
        path=exchange.template,
        error_code="INVALID_TOKEN_RESPONSE",
        message=message,
    )


def _jwt_lifetime(token: str) -> float | None:
    """``exp - iat`` (both server clock), else ``exp`` against our clock; None if not a JWT."""
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
    if exp is None:
        return None
    lifetime = exp - iat if iat is not None else exp - time.time()
    return lifetime if math.isfinite(lifetime) else None


def _number(value: object) -> float | None:
    """A JSON number as a float (``inf`` past float's range); ``None`` for anything else."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer beyond any float
        return math.copysign(math.inf, value)


@attrs.define
class _Cached:
    value: str = attrs.field(repr=False)
    refresh_at: float  # monotonic
    expires_at: float  # monotonic


class TokenCache:
    """The client's one token; ``fetch(retry)`` asks the token endpoint for a new one (or, in a
    fleet, the fleet's shared token; ``on_refused`` tells the fleet of a token answered 401).

    ``on_floored`` is called when a token came with a lifetime under ``PLAUSIBLE_LIFETIME`` (an
    ``expires_in`` of 0, -5 or 0.001, a JWT already expired): it is kept for ``MIN_LIFETIME``
    instead, so a broken token endpoint cannot cost a token request per call.

    A refresh is a *flight*: an :class:`asyncio.Event` set when it ends, however it ends. Its
    waiters all wake in one event-loop turn and look again, as a lock's holder would: a lock
    handed its waiters the new token one per turn, so after a storm of 1,000 expired calls the
    last of them held a token about a burst's makespan late, and the concurrency slots sat idle
    meanwhile (issue 19). If the flight failed or was cancelled, the first waiter to look again
    starts the next one and the others wait for it, as they queued on the lock.

    The first token is still handed out through a lock, one caller per event-loop turn
    (:attr:`issued` tells the client which case it is in): that paces a new client's opening
    burst against a server it knows nothing of yet, so that a ``Retry-After`` can arrive before
    most of the burst is in flight (with every caller let go at once, 2,000 cold calls met a
    rate-limited server with 13 to 24 429s instead of 4 or 5: issue 16's notes, and issue 19's).
    """

    def __init__(
        self,
        fetch: Callable[[bool], Awaitable[IssuedToken]],
        on_floored: Callable[[], None] = lambda: None,
        on_refused: Callable[[str], None] = lambda _token: None,
    ) -> None:
        self._fetch = fetch
        self._on_floored = on_floored
        self._on_refused = on_refused
        self._token: _Cached | None = None
        self._flight: asyncio.Event | None = None  # set when the refresh in progress ends
        self._first = asyncio.Lock()  # the callers for the first token, one at a time
        self._next_attempt = 0.0
        self.issued = False  # whether a token was ever cached (only the first is paced)

    def __repr__(self) -> str:
        return f"<TokenCache {'empty' if self._token is None else 'holding a token'}>"

    async def get(self) -> str:
        cached = self._token
        if cached is not None:
            now = monotonic()
            if now < cached.refresh_at:
                return cached.value
            if now < cached.expires_at and (self._flight is not None or now < self._next_attempt):
                return cached.value  # being refreshed, or the endpoint failed lately
        if self.issued:
            return await self._refresh(cached)
        async with self._first:
            return await self._refresh(cached)

    def invalidate(self, used: str | None) -> None:
        """The server refused ``used``: drop it if it is still the cached token."""
        if used is not None:
            self._on_refused(used)  # a fleet's shared copy too
        if self._token is not None and self._token.value == used:
            self._token = None

    async def _refresh(self, seen: _Cached | None) -> str:
        while self._flight is not None:
            await self._flight.wait()
        current, now = self._token, monotonic()
        if current is not None and current is not seen and now < current.refresh_at:
            return current.value  # refreshed by another task while we waited
        still_valid = current is not None and now < current.expires_at
        if current is not None and still_valid and now < self._next_attempt:
            return current.value
        flight = self._flight = asyncio.Event()
        try:
            issued = await self._fetch(not still_valid)
        except WelkinError as exc:
            if current is None or not still_valid:
                raise
            self._next_attempt = now + FAILED_REFRESH_COOLDOWN
            logger.warning(
                "token refresh failed (%s); using the current token until it expires",
                type(exc).__name__,
            )
            return current.value
        else:
            self._token = _cache(self._floored(issued), now)
            self.issued = True
            return issued.value
        finally:  # the waiters look again: the new token, or the next flight is theirs
            self._flight = None
            flight.set()

    def _floored(self, issued: IssuedToken) -> IssuedToken:
        if issued.lifetime is None or issued.lifetime >= PLAUSIBLE_LIFETIME:
            return issued
        self._on_floored()
        logger.warning(
            "the token endpoint gave a token that expires within a second; keeping it %.0f s",
            MIN_LIFETIME,
        )
        return IssuedToken(issued.value, MIN_LIFETIME)


def _cache(issued: IssuedToken, fetched_at: float) -> _Cached:
    if issued.lifetime is None:  # unknown: keep it until the server refuses it
        return _Cached(issued.value, float("inf"), float("inf"))
    lifetime = issued.lifetime
    lead = min(SKEW + random.uniform(0, JITTER), lifetime / 2)  # noqa: S311 - jitter, not crypto
    return _Cached(issued.value, fetched_at + lifetime - lead, fetched_at + lifetime)
