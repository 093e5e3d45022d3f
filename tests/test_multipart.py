"""Upload bodies (``multipart/form-data`` of files, made afresh per attempt) and the streaming
path through a transport that can only send whole bodies."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest

from welkin_async import ClientCredentials, Timeouts, WelkinClient
from welkin_async._multipart import form_files
from welkin_async._transport import RawResponse, StreamedBody

FILE_PATH = "patients/{patient_id}/document-summary/{summary_id}/files/{file_id}"


async def _read(body: StreamedBody) -> bytes:
    return b"".join([chunk async for chunk in body.chunks()])


def _parts(body: StreamedBody, raw: bytes) -> list[tuple[str, str | None, str, bytes]]:
    """``(field, filename, content type, content)`` of each part, read by the stdlib parser."""
    head = f"Content-Type: {body.content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        field = part.get_param("name", header="content-disposition")
        parts.append((str(field), part.get_filename(), part.get_content_type(), payload))
    return parts


async def test_the_body_holds_each_file_under_the_field_with_its_name_and_type(
    tmp_path: Path,
) -> None:
    """A path, a (name, bytes, type) and a (name, file object) become parts under ``files``
    with their names, types (guessed from the name where not given) and exact bytes."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF\r\n--not-a-boundary\r\n" * 100)
    body = form_files(
        [path, ("card.png", b"\x89PNG", "image/png"), ("notes.bin", io.BytesIO(b"\x00\x01"))]
    )
    raw = await _read(body)
    assert len(raw) == body.length
    assert body.content_type.startswith("multipart/form-data; boundary=")
    assert _parts(body, raw) == [
        ("files", "scan.pdf", "application/pdf", path.read_bytes()),
        ("files", "card.png", "image/png", b"\x89PNG"),
        ("files", "notes.bin", "application/octet-stream", b"\x00\x01"),
    ]


async def test_every_pass_sends_the_whole_body_again(tmp_path: Path) -> None:
    """Reading the body twice (a retry) gives the same bytes; a file object is read again from
    where it stood when the body was made."""
    stream = io.BytesIO(b"skipped|content")
    stream.seek(len(b"skipped|"))
    path = tmp_path / "a.jpg"
    path.write_bytes(b"\xff\xd8" * 200_000)  # several chunks
    body = form_files([("a.pdf", stream), path])
    first, second = await _read(body), await _read(body)
    assert first == second
    assert _parts(body, first)[0][3] == b"content"
    assert _parts(body, first)[1][3] == path.read_bytes()


async def test_a_name_with_quotes_and_line_breaks_is_escaped() -> None:
    """Quotes, CR and LF in a file name are percent-encoded; other characters go as UTF-8."""
    body = form_files([('we"ird\r\nname é.pdf', b"x")])
    raw = await _read(body)
    assert 'filename="we%22ird%0D%0Aname é.pdf"'.encode() in raw


@pytest.mark.parametrize(
    ("sources", "error"),
    [
        ([], ValueError),
        ([("", b"x")], ValueError),
        ([("a.pdf", b"x", "text/plain\r\nX-Injected: 1")], ValueError),
        ([("a", b"x", "b", "c")], TypeError),
        ([42], TypeError),
    ],
    ids=["no-files", "empty-name", "header-in-type", "four-items", "not-a-file"],
)
def test_what_cannot_be_sent_is_refused_before_sending(sources: list[Any], error: type) -> None:
    """No files, an empty name, a content type that would break the headers, or something that
    is not a file source is refused when the body is made."""
    with pytest.raises(error):
        form_files(sources)


def test_a_file_object_that_cannot_be_read_again_is_refused() -> None:
    """A file object that cannot seek (so a retry could not send it again) is a ValueError."""

    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

    with pytest.raises(ValueError, match="seekable"):
        form_files([("a.pdf", io.BufferedReader(Pipe()))])


def test_a_missing_path_or_a_directory_is_refused(tmp_path: Path) -> None:
    """A path that does not exist is FileNotFoundError, a directory a ValueError."""
    with pytest.raises(FileNotFoundError):
        form_files([tmp_path / "missing.pdf"])
    with pytest.raises(ValueError, match="regular files"):
        form_files([tmp_path])


async def test_a_file_that_shrank_after_it_was_measured_is_an_error(tmp_path: Path) -> None:
    """A file cut shorter between making the body and sending it raises OSError rather than
    send a body shorter than its declared length."""
    path = tmp_path / "a.pdf"
    path.write_bytes(b"x" * 1000)
    body = form_files([path])
    path.write_bytes(b"x" * 10)
    with pytest.raises(OSError, match="shorter"):
        await _read(body)


# --- through a transport that only sends -------------------------------------------------------


class SendOnly:
    """A narrow transport with ``send`` only: a token, and for a file request ``payload``."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.bodies: list[bytes | None] = []

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
        if template == "oauth/token":
            return RawResponse(200, {}, b'{"access_token": "t", "expires_in": 3600}')
        self.bodies.append(body)
        if method == "POST":
            files = [{"id": "00000000-0000-4000-8000-000000000001", "originalName": "a.pdf"}]
            return RawResponse(201, {}, json.dumps(files).encode())
        length = str(len(self.payload))
        return RawResponse(
            200, {"Content-Type": "application/pdf", "Content-Length": length}, self.payload
        )

    async def aclose(self) -> None:
        return None


def _client(transport: SendOnly) -> WelkinClient:
    return WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials("client-id", "secret"),
        transport=transport,
    )


async def test_a_send_only_transport_still_downloads(tmp_path: Path) -> None:
    """Through a transport without ``open``, a download gets the whole answer and writes it."""
    transport = SendOnly(b"%PDF" * 1000)
    target = tmp_path / "a.pdf"
    async with _client(transport) as client:
        saved = await client.documents("p1").download("s1", "f1", target)
    assert target.read_bytes() == transport.payload
    assert (saved.size, saved.content_type) == (4000, "application/pdf")


async def test_a_send_only_transport_still_uploads_the_whole_body() -> None:
    """Through a transport without ``open``, an upload is sent as one ``bytes`` body holding
    every part."""
    transport = SendOnly(b"")
    async with _client(transport) as client:
        (added,) = await client.documents("p1").upload("s1", ("a.pdf", b"%PDF-1.4"))
    assert added.original_name == "a.pdf"
    (sent,) = transport.bodies
    assert sent is not None
    assert b"%PDF-1.4" in sent
    assert sent.endswith(b"--\r\n")
