"""Sending one HTTP request and reading its whole answer: the seam between the client and aiohttp.

:class:`Transport` is what the client needs; :class:`AiohttpTransport` is the real one. A
transport knows nothing of tokens, retries or limits: it sends, reads, and turns aiohttp's
exceptions into :class:`~welkin_async.errors.TransportError` kinds that say whether the request
can have reached the server (which decides whether a POST may be retried).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import version
from typing import Protocol

import aiohttp
import attrs
from yarl import URL

from welkin_async import errors
from welkin_async._config import Limits, Timeouts

USER_AGENT = f"welkin-async/{version('welkin-async')}"


@attrs.frozen
class RawResponse:
    """A status, the headers, and the body as received (never shown in a repr)."""

    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)


class Transport(Protocol):
    """Sends a request and returns the whole answer, or raises a ``TransportError``.

    ``url`` is fully percent-encoded. ``template`` is the path template, for error messages:
    the URL may hold patient ids.
    """

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
    ) -> RawResponse: ...

    async def aclose(self) -> None: ...


class AiohttpTransport:
    """One ``aiohttp.ClientSession`` with a pool of ``max_connections`` keep-alive connections.

    Construct it inside a running event loop (the client does so in ``__aenter__``). TLS
    certificates are always verified; redirects are not followed, so a bearer token is never
    carried to another origin.
    """

    def __init__(
        self, *, max_connections: int, timeouts: Timeouts, limits: Limits | None = None
    ) -> None:
        self._max_body = (limits or Limits()).max_response_bytes
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=max_connections, limit_per_host=0),
            timeout=aiohttp.ClientTimeout(
                total=timeouts.total, sock_connect=timeouts.connect, sock_read=timeouts.read
            ),
            headers={"User-Agent": USER_AGENT},
            raise_for_status=False,
        )

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
    ) -> RawResponse:
        try:
            # The client percent-encodes every part itself; yarl would decode "%2E%2E" and
            # resolve it as a dot segment, so the URL is passed on as already encoded.
            async with self._session.request(
                method, URL(url, encoded=True), headers=headers, data=body, allow_redirects=False
            ) as response:
                body = await _read_at_most(response, self._max_body)
                if body is not None:
                    return RawResponse(response.status, response.headers, body)
            # Leaving the block with the body unread closes the connection instead of reusing it.
            error: errors.TransportError = errors.ResponseTooLarge(method, template, self._max_body)
        except (aiohttp.ClientError, TimeoutError) as exc:  # TimeoutError: the total timeout
            error = _transport_error(exc, method, template)
        # Raised outside the handler, so that the aiohttp exception (whose text has the URL, and
        # whose repr has the request headers with the token) is not kept as its context.
        raise error

    async def aclose(self) -> None:
        await self._session.close()


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The whole body, decompressed, if it is at most ``limit`` bytes; else ``None``.

    aiohttp inflates a compressed body a bounded chunk at a time, as it is read, so counting the
    chunks bounds memory for a gzip bomb as much as for a body that is simply long or endless.
    A declared length over the limit is refused before reading (when not compressed, the
    declared length is the body's).
    """
    declared = response.content_length
    if declared is not None and declared > limit and "Content-Encoding" not in response.headers:
        return None
    chunks, size = [], 0
    async for chunk in response.content.iter_any():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)  # one copy, as aiohttp's own read() makes


def _transport_error(exc: Exception, method: str, template: str) -> errors.TransportError:
    """The typed error for an aiohttp failure; the reason names its kind, never the URL."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # before TimeoutError: it subclasses it
        return errors.TimeoutError(method, template, "connect timeout", request_sent=False)
    if isinstance(exc, TimeoutError):
        kind = "read" if isinstance(exc, aiohttp.SocketTimeoutError) else "total"
        return errors.TimeoutError(method, template, f"{kind} timeout", request_sent=True)
    if isinstance(exc, aiohttp.ClientConnectorError):
        reason = exc.strerror or "refused"
        return errors.ConnectError(method, template, f"cannot connect ({reason})")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return errors.ReadError(method, template, "the answer was cut short")
    return errors.ReadError(method, template, f"the connection broke ({type(exc).__name__})")
