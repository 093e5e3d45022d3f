"""Downloads and uploads against a lying server: a torn body, an endless one, a declared length
over the cap, a cancel mid-download, a failure before the first byte, error answers, a stale
token; and an upload retried whole. A failed download never leaves a file, whole or partial, at
its target, nor a temporary file beside it."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

from tests.hostile._server import HostileServer, endless, json_answer
from welkin_async import Limits, ResponseTooLarge, RetryPolicy
from welkin_async.errors import NotFound, ReadError

FILE = "patients/p1/document-summary/s1/files/f1"
UPLOAD = "patients/p1/document-summary/s1/files"
QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.002)
MIB = 1024 * 1024
BODY = bytes(range(256)) * (4 * 4096)  # 4 MiB
Script = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _prepared(request: web.Request, length: int | None) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
    if length is not None:
        response.content_length = length
    await response.prepare(request)
    return response


def _drop(request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.abort()
    return web.Response(status=499)  # never sent: the connection is gone


async def whole(request: web.Request) -> web.StreamResponse:
    response = await _prepared(request, len(BODY))
    await response.write(BODY)
    await response.write_eof()
    return response


async def torn(request: web.Request) -> web.StreamResponse:
    """Declares the whole body, sends a quarter of it, drops the connection."""
    response = await _prepared(request, len(BODY))
    await response.write(BODY[: len(BODY) // 4])
    return _drop(request)


async def declared_huge(request: web.Request) -> web.StreamResponse:
    """Declares 10 GB, then sends one byte and stalls."""
    response = await _prepared(request, 10 * 1024**3)
    await response.write(b"%")
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


async def _download(server: HostileServer, target: Path, **options: object) -> object:
    async with asyncio.timeout(20), server.client(retry=QUICK, **options) as client:
        return await client.documents("p1").download("s1", "f1", target)


# --- torn, endless and oversized bodies ----------------------------------------------------------


async def test_a_torn_download_leaves_no_file(server: HostileServer, tmp_path: Path) -> None:
    """A body that breaks off after its first bytes raises ReadError, is not retried (bytes
    were handed out), and leaves no file and no temporary file."""
    server.on("GET", FILE, torn)
    with pytest.raises(ReadError):
        await _download(server, tmp_path / "doc.pdf")
    assert _files(tmp_path) == []
    assert len(server.requests("GET", FILE)) == 1


async def test_a_torn_download_keeps_the_file_it_would_have_replaced(
    server: HostileServer, tmp_path: Path
) -> None:
    """A torn download over an existing file leaves that file as it was."""
    server.on("GET", FILE, torn)
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"the earlier copy")
    with pytest.raises(ReadError):
        await _download(server, target)
    assert target.read_bytes() == b"the earlier copy"
    assert _files(tmp_path) == ["doc.pdf"]


async def test_an_endless_chunked_body_stops_at_the_cap_with_bounded_memory(
    server: HostileServer, tmp_path: Path
) -> None:
    """A chunked body that never ends raises ResponseTooLarge at Limits.max_response_bytes,
    holds far less than the cap in memory (it went to disk), and leaves no file."""
    server.on("GET", FILE, endless)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge) as raised:
            await _download(server, tmp_path / "doc.pdf", limits=Limits(8 * MIB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raised.value.limit == 8 * MIB
    assert peak < 4 * MIB, f"{peak:,} bytes held while streaming to disk"
    assert _files(tmp_path) == []
    assert len(server.requests("GET", FILE)) == 1


async def test_a_declared_length_over_the_cap_is_refused_before_reading(
    server: HostileServer, tmp_path: Path
) -> None:
    """A Content-Length over the cap raises ResponseTooLarge at once (the body, which stalls,
    is never waited for), and leaves no file."""
    server.on("GET", FILE, declared_huge)
    with pytest.raises(ResponseTooLarge):
        await _download(server, tmp_path / "doc.pdf", limits=Limits(MIB))
    assert _files(tmp_path) == []


async def test_a_download_at_the_cap_is_written_whole(
    server: HostileServer, tmp_path: Path
) -> None:
    """A body exactly as large as the cap is accepted and written whole."""
    server.on("GET", FILE, whole)
    target = tmp_path / "doc.pdf"
    await _download(server, target, limits=Limits(len(BODY)))
    assert target.read_bytes() == BODY


# --- cancellation and retries --------------------------------------------------------------------


async def test_cancelling_a_download_mid_body_leaves_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    """A download cancelled after the server sent its first megabyte (and then stalled)
    raises CancelledError and leaves no file and no temporary file."""
    sent = asyncio.Event()

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = await _prepared(request, len(BODY))
        await response.write(BODY[:MIB])
        sent.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    server.on("GET", FILE, trickle)
    async with server.client(retry=QUICK) as client:
        task = asyncio.create_task(
            client.documents("p1").download("s1", "f1", tmp_path / "doc.pdf")
        )
        await sent.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert _files(tmp_path) == []


async def test_a_failure_before_the_first_byte_is_retried(
    server: HostileServer, tmp_path: Path
) -> None:
    """Headers that arrive with no byte of the body behind them are a failed attempt: the GET
    is retried and the file written whole."""
    answers: list[Script] = []

    async def headers_only(request: web.Request) -> web.StreamResponse:
        await _prepared(request, len(BODY))
        return _drop(request)

    async def first_fails(request: web.Request) -> web.StreamResponse:
        answers.append(headers_only if not answers else whole)
        return await answers[-1](request)

    server.on("GET", FILE, first_fails)
    target = tmp_path / "doc.pdf"
    async with server.client(retry=QUICK) as client:
        await client.documents("p1").download("s1", "f1", target)
        retries = client.stats.retries
    assert target.read_bytes() == BODY
    assert (retries, len(server.requests("GET", FILE))) == (1, 2)


async def test_a_stale_token_is_refreshed_and_the_download_replayed(
    server: HostileServer, tmp_path: Path
) -> None:
    """A 401 to the download refreshes the token once and replays it."""
    answers: list[int] = []

    async def expired_once(request: web.Request) -> web.StreamResponse:
        answers.append(len(answers))
        if len(answers) == 1:
            return json_answer([{"errorCode": "TOKEN_EXPIRED"}], status=401)
        return await whole(request)

    server.on("GET", FILE, expired_once)
    target = tmp_path / "doc.pdf"
    await _download(server, target)
    assert target.read_bytes() == BODY
    assert server.token_requests == 2


async def test_an_error_answer_is_typed_and_writes_nothing(
    server: HostileServer, tmp_path: Path
) -> None:
    """A 404 with the live error array raises NotFound with its code; no file is written."""
    error = [{"errorCode": "DOCUMENT_FILE_NOT_FOUND", "componentType": "DOCUMENT"}]
    server.answer("GET", FILE, lambda: json_answer(error, status=404))
    with pytest.raises(NotFound) as raised:
        await _download(server, tmp_path / "doc.pdf")
    assert raised.value.error_code == "DOCUMENT_FILE_NOT_FOUND"
    assert _files(tmp_path) == []


async def test_a_closed_or_failed_download_frees_its_slot(server: HostileServer) -> None:
    """With one request at a time, a download read to its end and one that failed mid-body
    each give their slot back: the calls after them go through."""
    server.on("GET", FILE, whole)
    server.answer("GET", "patients/p2", lambda: json_answer({"id": "p2"}))
    async with asyncio.timeout(20), server.client(retry=QUICK, max_concurrency=1) as client:
        async with client.documents("p1").stream("s1", "f1") as download:
            assert await download.read() == BODY
        await client.request("GET", "patients/{id}", path_params={"id": "p2"})
        server.on("GET", FILE, torn)
        with pytest.raises(ReadError):
            async with client.documents("p1").stream("s1", "f1") as download:
                await download.read()
        await client.request("GET", "patients/{id}", path_params={"id": "p2"})


# --- uploads -------------------------------------------------------------------------------------


async def test_an_upload_answered_503_is_sent_again_whole(
    server: HostileServer, tmp_path: Path
) -> None:
    """An upload answered 503 is retried with every byte of its body again, under a declared
    Content-Length (not chunk-encoded)."""
    received: list[tuple[bytes, str | None, str | None]] = []

    async def unavailable_once(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        received.append(
            (body, request.headers.get("Content-Length"), request.headers.get("Transfer-Encoding"))
        )
        if len(received) == 1:
            return json_answer([{"errorCode": "UNAVAILABLE"}], status=503)
        file = {
            "id": "00000000-0000-4000-8000-0000000000f9",
            "size": 1,
            "storageKey": "k",
            "contentType": "x",
            "originalName": "n",
        }
        return json_answer([file], status=201)

    server.on("POST", UPLOAD, unavailable_once)
    source = tmp_path / "scan.pdf"
    source.write_bytes(BODY)
    async with asyncio.timeout(20), server.client(retry=QUICK) as client:
        (added,) = await client.documents("p1").upload("s1", source)
    assert added.original_name == "n"
    assert len(received) == 2
    assert received[0] == received[1]
    body, length, encoding = received[1]
    assert (int(length or 0), encoding) == (len(body), None)
    assert BODY in body
    assert b'filename="scan.pdf"' in body


async def test_a_download_fires_the_hooks_and_counts_in_the_stats(
    server: HostileServer, tmp_path: Path
) -> None:
    """A download fires on_request and on_response with its path template (no ids) and its
    status, and counts as one request and one attempt answered 200."""
    events: list[object] = []
    server.on("GET", FILE, whole)
    async with server.client(on_request=events.append, on_response=events.append) as client:
        await client.documents("p1").download("s1", "f1", tmp_path / "doc.pdf")
        stats = client.stats
    template = "patients/{patient_id}/document-summary/{summary_id}/files/{file_id}"
    mine = [event for event in events if getattr(event, "path", None) == template]
    assert [type(event).__name__ for event in mine] == ["RequestEvent", "ResponseEvent"]
    assert getattr(mine[1], "status", None) == 200
    assert (stats.requests, stats.attempts, stats.responses[200]) == (1, 1, 2)  # and the token
