"""Sending one HTTP request and reading its answer: the seam between the client and aiohttp.

:class:`Transport` is what the client needs; :class:`AiohttpTransport` is the real one. A
transport knows nothing of tokens, retries or limits: it sends, reads, and turns aiohttp's
exceptions into :class:`~welkin_async.errors.TransportError` kinds that say whether the request
can have reached the server (which decides whether a POST may be retried).

A transport that can also :meth:`~StreamingTransport.open` an answer without reading it (a
:class:`StreamingTransport`, as :class:`AiohttpTransport` is) lets the client stream a file's
bytes and send a :class:`StreamedBody` (an upload) a chunk at a time. The client works with a
transport that only sends too: it then reads such answers whole (within the same size cap) and
sends such bodies as one ``bytes``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from importlib.metadata import version
from ssl import SSLContext
from typing import Any, Protocol, runtime_checkable

import aiohttp
import attrs
from yarl import URL

from welkin_async import errors
from welkin_async._config import Limits, Timeouts
from welkin_async._network import Proxy, ProxyChoice, verified_ssl_context

USER_AGENT = f"welkin-async/{version('welkin-async')}"


@attrs.frozen
class RawResponse:
    """A status, the headers, and the body as received (never shown in a repr)."""

    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)


@attrs.frozen
class StreamedBody:
    """A request body made afresh for every attempt, a chunk at a time (a multipart upload).

    Each call of ``chunks()`` starts a new pass over all of the body's ``length`` bytes, so a
    retry sends it whole again: nothing is consumed once. ``content_type`` is its media type
    (with the multipart boundary).
    """

    content_type: str
    length: int
    chunks: Callable[[], AsyncIterator[bytes]] = attrs.field(repr=False)

    async def read(self) -> bytes:
        """The whole body, for a transport that sends ``bytes`` only."""
        return b"".join([chunk async for chunk in self.chunks()])


class StreamedResponse:
    """An answer whose body is read as it arrives: iterate :meth:`chunks` once, then
    :meth:`aclose` (which is safe to call at any point, and twice).

    The client reads the first chunk before it hands the answer out (:meth:`prefetch`), so a
    failure up to that point is a failed attempt, which the retry policy may repeat.
    """

    def __init__(
        self,
        status: int,
        headers: Mapping[str, str],
        chunks: AsyncIterator[bytes],
        close: Callable[[bool], None],
    ) -> None:
        self.status = status
        self.headers = headers
        self._chunks = chunks
        self._close = close  # called with whether the body was read to its end
        self._first: bytes | None = None
        self._done = False
        self._closed = False
        self._started = False
        self._on_close: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        return f"StreamedResponse(status={self.status})"

    @classmethod
    def of(cls, response: RawResponse) -> StreamedResponse:
        """A whole answer as a stream of one chunk (from a transport that only sends)."""

        async def whole() -> AsyncIterator[bytes]:
            if response.body:
                yield response.body

        return cls(response.status, response.headers, whole(), lambda _: None)

    async def _next(self) -> bytes:
        try:
            return await anext(self._chunks)
        except StopAsyncIteration:
            self._done = True
            return b""

    async def prefetch(self) -> None:
        """Read the first chunk (nothing, for an empty body) into a buffer."""
        if self._first is None and not self._started:
            self._first = await self._next()

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body's chunks as they arrive (once): ``ReadError``, ``TimeoutError`` or
        ``ResponseTooLarge`` if the connection breaks, stalls or brings more than the cap."""
        if self._started:
            raise RuntimeError("the body of this answer has been read already")
        self._started = True
        first, self._first = self._first, None
        if first:
            yield first
        while not self._done:
            chunk = await self._next()
            if chunk:
                yield chunk

    async def read(self) -> bytes:
        """The rest of the body, whole (bounded by the transport's size cap)."""
        return b"".join([chunk async for chunk in self.chunks()])

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, when the answer is closed."""
        self._on_close.append(callback)

    async def aclose(self) -> None:
        """Let the connection go: back to the pool if the body was read to its end, else shut
        (a body left unread must not be taken for the next answer's start)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._close(self._done)
            aclose = getattr(self._chunks, "aclose", None)
            if aclose is not None:
                # RuntimeError: another task is reading it; the closed connection ends that read.
                with contextlib.suppress(RuntimeError):
                    await aclose()
        finally:
            callbacks, self._on_close = self._on_close, []
            for callback in callbacks:
                callback()


class Transport(Protocol):
    """Sends a request and returns the whole answer, or raises a ``TransportError``.

    ``url`` is fully percent-encoded. ``template`` is the path template, for error messages:
    the URL may hold patient ids. ``timeouts``, when given, replace the transport's own for
    this request (a per-call ``timeout=``).
    """

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> RawResponse: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class StreamingTransport(Transport, Protocol):
    """A transport that can also open an answer without reading its body.

    :meth:`open` returns once the status and headers are in; the caller reads the body through
    :meth:`StreamedResponse.chunks` and must :meth:`~StreamedResponse.aclose` it. ``body`` may
    be a :class:`StreamedBody`, sent as it is produced.
    """

    async def open(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | StreamedBody | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> StreamedResponse: ...


class AiohttpTransport:
    """One ``aiohttp.ClientSession`` with a pool of ``max_connections`` keep-alive connections.

    Construct it inside a running event loop (the client does so in ``__aenter__``). TLS
    certificates are always verified, with ``ssl`` (a verifying context: the system's trust
    store unless the caller gave a CA bundle), which every request names itself, so a session
    brought with ``session=`` cannot turn verification off either. Redirects are not followed,
    so a bearer token is never carried to another origin. ``proxy`` names an HTTP proxy for
    every request; ``trust_env`` reads ``HTTP(S)_PROXY``/``NO_PROXY`` instead (see
    :class:`~welkin_async._network.ProxyChoice`). A ``session`` passed in stays its owner's: it
    is used, never closed, and its ``raise_for_status`` is overridden per request.
    """

    def __init__(
        self,
        *,
        max_connections: int,
        timeouts: Timeouts,
        limits: Limits | None = None,
        ssl: SSLContext | None = None,
        proxy: Proxy | None = None,
        trust_env: bool = False,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._max_body = (limits or Limits()).max_response_bytes
        self._total = timeouts.total
        self._timeout = _client_timeout(timeouts)
        self._ssl = ssl or verified_ssl_context(None)
        self._proxies = ProxyChoice(proxy, trust_env=trust_env)
        self._owned = session is None
        self._session = session or aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=max_connections, limit_per_host=0),
            timeout=self._timeout,
            headers={"User-Agent": USER_AGENT},
            raise_for_status=False,
        )
        # A session brought along keeps its own default headers; ours says who is calling.
        self._headers = {} if self._owned else {"User-Agent": USER_AGENT}

    def _options(
        self,
        url: URL,
        headers: Mapping[str, str],
        timeouts: Timeouts | None,
        *,
        streaming: bool,
    ) -> dict[str, Any]:
        """The per-request keywords: headers, TLS, proxy, status handling and timeout (and, for
        an opened answer, the timeout that bounds chunks, not the whole: see ``open``)."""
        timeout = self._timeout if timeouts is None else _client_timeout(timeouts)
        if streaming:
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=timeout.sock_connect, sock_read=timeout.sock_read
            )
        options: dict[str, Any] = {
            "headers": {**self._headers, **headers},
            "ssl": self._ssl,
            "timeout": timeout,
            "allow_redirects": False,
            "raise_for_status": False,  # statuses are the client's to read, whatever the session
        }
        proxy = self._proxies.for_url(url)
        if proxy is not None:
            options["proxy"] = proxy.url
            # The proxy's credentials: on the tunnel's CONNECT for https; for plain http (to
            # loopback only) on the request itself, which the proxy reads and drops.
            if url.scheme == "https":
                options["proxy_headers"] = proxy.headers
            else:
                options["headers"].update(proxy.headers)
        return options

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> RawResponse:
        try:
            # The client percent-encodes every part itself; yarl would decode "%2E%2E" and
            # resolve it as a dot segment, so the URL is passed on as already encoded.
            target = URL(url, encoded=True)
            async with self._session.request(
                method,
                target,
                data=body,
                **self._options(target, headers, timeouts, streaming=False),
            ) as response:
                body = await _read_at_most(response, self._max_body)
                if body is not None:
                    return RawResponse(response.status, response.headers, body)
            # Leaving the block with the body unread closes the connection instead of reusing it.
            error: errors.TransportError = errors.ResponseTooLarge(method, template, self._max_body)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:  # TimeoutError: total
            error = _transport_error(exc, method, template)
        # Raised outside the handler, so that the aiohttp exception (whose text has the URL, and
        # whose repr has the request headers with the token) is not kept as its context.
        raise error

    async def open(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | StreamedBody | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> StreamedResponse:
        data: bytes | AsyncIterator[bytes] | None
        failed: list[Exception] = []  # what the body raised while it was made (a file's read)
        if isinstance(body, StreamedBody):
            # A declared length: the body goes out as it is produced, not chunk-encoded.
            headers = {**headers, "Content-Length": str(body.length)}
            data = _noting_failure(body.chunks(), failed)
        else:
            data = body
        # An opened answer is bounded by the connect timeout, the read timeout between chunks
        # and the total timeout until its headers arrive: a large file on a slow link may take
        # longer than any total meant for one JSON answer.
        total = self._total if timeouts is None else timeouts.total
        target = URL(url, encoded=True)
        try:
            async with asyncio.timeout(total):
                response = await self._session.request(
                    method,
                    target,
                    data=data,
                    **self._options(target, headers, timeouts, streaming=True),
                )
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            error: Exception = _transport_error(exc, method, template)
            if failed:  # aiohttp reports the body's own failure as a broken connection
                error = failed[0]
        else:
            declared = response.content_length
            if declared is None or declared <= self._max_body or _encoded(response):
                return StreamedResponse(
                    response.status,
                    response.headers,
                    _chunks(response, self._max_body, method, template),
                    lambda done: response.release() if done else response.close(),
                )
            response.close()  # refused before reading: the connection is not reused
            error = errors.ResponseTooLarge(method, template, self._max_body)
        raise error

    async def aclose(self) -> None:
        if self._owned:
            await self._session.close()


def _client_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=timeouts.total, sock_connect=timeouts.connect, sock_read=timeouts.read
    )


async def _noting_failure(
    chunks: AsyncIterator[bytes], failed: list[Exception]
) -> AsyncIterator[bytes]:
    """``chunks``, with the exception that ends them (an ``OSError`` reading a file) noted in
    ``failed``: it is the caller's to see, not a connection error."""
    try:
        async for chunk in chunks:
            yield chunk
    except Exception as exc:
        failed.append(exc)
        raise


def _encoded(response: aiohttp.ClientResponse) -> bool:
    """Whether the body is compressed (its declared length is then not the body's)."""
    return "Content-Encoding" in response.headers


async def _chunks(
    response: aiohttp.ClientResponse, limit: int, method: str, template: str
) -> AsyncIterator[bytes]:
    """The body's chunks as aiohttp hands them out (decompressed, at most a buffer's worth
    each), until more than ``limit`` bytes: then ``ResponseTooLarge``, with the chunk that
    crossed the limit never handed out."""
    size = 0
    try:
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > limit:
                break
            yield chunk
        else:
            return
    except (aiohttp.ClientError, TimeoutError) as exc:
        error: errors.TransportError = _transport_error(exc, method, template)
    else:
        error = errors.ResponseTooLarge(method, template, limit)
    raise error


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


def _connect_error(
    exc: aiohttp.ClientConnectorError | aiohttp.ClientHttpProxyError, method: str, template: str
) -> errors.ConnectError:
    """The request never reached the server: TLS refused, the proxy refused, or no connection."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return errors.TLSError(method, template, "TLS certificate verification failed")
    if isinstance(exc, aiohttp.ClientSSLError):  # the handshake broke off: may be passing
        return errors.ConnectError(method, template, "TLS handshake failed")
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return errors.ConnectError(method, template, f"the proxy refused (HTTP {exc.status})")
    return errors.ConnectError(method, template, f"cannot connect ({exc.strerror or 'refused'})")


def _transport_error(exc: Exception, method: str, template: str) -> errors.TransportError:
    """The typed error for an aiohttp failure; the reason names its kind, never the URL."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # before TimeoutError: it subclasses it
        return errors.TimeoutError(method, template, "connect timeout", request_sent=False)
    if isinstance(exc, TimeoutError):
        kind = "read" if isinstance(exc, aiohttp.SocketTimeoutError) else "total"
        return errors.TimeoutError(method, template, f"{kind} timeout", request_sent=True)
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ClientHttpProxyError):
        return _connect_error(exc, method, template)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return errors.ReadError(method, template, "the answer was cut short")
    if isinstance(exc, ValueError):  # aiohttp refused to make the request: nothing was sent
        return errors.ConnectError(method, template, "the request could not be made")
    return errors.ReadError(method, template, f"the connection broke ({type(exc).__name__})")
