"""``multipart/form-data`` request bodies of files, made afresh for every attempt.

:func:`form_files` turns what a caller gives (paths, or ``(name, bytes | binary file[,
content_type])`` tuples) into a :class:`~welkin_async._transport.StreamedBody`: its length is
known before sending (so it goes out with a ``Content-Length``, not chunk-encoded), and each pass
reads the files again from the start, a chunk at a time, off the event loop. A retry thus sends
the whole body again, and no file is held in memory whole unless it was given as ``bytes``.

Part headers follow RFC 7578 as browsers write them (the WHATWG form encoding): the file name in
``filename="..."`` as UTF-8, with ``"``, CR and LF percent-encoded.
"""

from __future__ import annotations

import asyncio
import io
import mimetypes
import os
import secrets
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import IO, TypeAlias

import attrs

from welkin_async._transport import StreamedBody

FileSource: TypeAlias = (
    str | os.PathLike[str] | tuple[str, bytes | IO[bytes]] | tuple[str, bytes | IO[bytes], str]
)
"""A file to upload: a path, or ``(name, content)``, or ``(name, content, content_type)``;
``content`` is ``bytes`` or a binary file opened for reading (seekable, so that a retry can
read it again from where it stood)."""

CHUNK_SIZE = 256 * 1024
_DEFAULT_TYPE = "application/octet-stream"
_NAME_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


@attrs.frozen
class _Part:
    """One file part: its header block, and where its content comes from."""

    head: bytes
    size: int
    content: bytes | Path | IO[bytes]
    offset: int = 0  # where a file object's content starts


def _content_type(name: str, given: str | None) -> str:
    if given is not None and not isinstance(given, str):
        raise TypeError(f"a content type is a str, not {type(given).__name__}")
    chosen = given or mimetypes.guess_type(name, strict=False)[0] or _DEFAULT_TYPE
    if not chosen.isprintable() or not chosen.isascii() or not chosen.strip():
        raise ValueError("a content type must be printable ASCII text")
    return chosen


def _head(boundary: str, field: str, name: str, content_type: str) -> bytes:
    quoted = name.translate(_NAME_ESCAPES)
    try:
        return (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
    except UnicodeEncodeError:  # a lone surrogate
        raise ValueError("a file's name must be valid Unicode text") from None


def _size_of(stream: IO[bytes]) -> tuple[int, int]:
    """``(start, size)`` of a file object's remaining content; it must be a seekable binary
    file opened for reading (anything else is a ``TypeError`` or ``ValueError`` now, not a
    failure halfway through sending)."""
    if isinstance(stream, io.TextIOBase) or not all(
        callable(getattr(stream, method, None)) for method in ("read", "seek", "seekable", "tell")
    ):
        raise TypeError(
            "a file's content is bytes or a binary file opened for reading, "
            f"not {type(stream).__name__}"
        )
    readable = getattr(stream, "readable", None)
    if callable(readable) and not readable():
        raise ValueError("a file object to upload must be opened for reading")
    if not stream.seekable():
        raise ValueError(
            "a file object to upload must be seekable, so that a retry can send it again"
        )
    if not isinstance(stream.read(0), bytes):  # reads nothing: a text stream answers ""
        raise TypeError("a file's content is bytes or a binary file opened for reading")
    start = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(start)
    return start, end - start


def _part(boundary: str, field: str, source: FileSource) -> _Part:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        size = path.stat().st_size  # FileNotFoundError, IsADirectoryError... before sending
        if not path.is_file():
            raise ValueError("only regular files can be uploaded")
        head = _head(boundary, field, path.name, _content_type(path.name, None))
        return _Part(head, size, path)
    if not isinstance(source, tuple) or len(source) not in (2, 3):
        raise TypeError(
            "a file is a path or a (name, bytes | binary file[, content_type]) tuple, "
            f"not {type(source).__name__}"
        )
    name, content = source[0], source[1]
    given = source[2] if len(source) == 3 else None
    if not isinstance(name, str) or not name:
        raise ValueError("a file's name must be a non-empty string")
    head = _head(boundary, field, name, _content_type(name, given))
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        return _Part(head, len(data), data)
    start, size = _size_of(content)
    return _Part(head, size, content, start)


def _read_at(source: Path | IO[bytes], offset: int, size: int) -> bytes:
    """Up to ``size`` bytes of ``source`` from ``offset``; a path is opened for this read only,
    so no file stays open between chunks (a body abandoned half-sent leaves none open)."""
    if isinstance(source, Path):
        with source.open("rb") as stream:
            stream.seek(offset)
            return stream.read(size)
    source.seek(offset)
    return source.read(size)


async def _file_chunks(part: _Part) -> AsyncIterator[bytes]:
    """A part's content, read from its start in chunks, off the event loop; exactly ``size``
    bytes (a file that shrank meanwhile is an ``OSError``: the body would be malformed)."""
    if isinstance(part.content, bytes):
        yield part.content
        return
    offset, end = part.offset, part.offset + part.size
    while offset < end:
        chunk = await asyncio.to_thread(
            _read_at, part.content, offset, min(CHUNK_SIZE, end - offset)
        )
        if not chunk:
            raise OSError("a file being uploaded grew shorter while it was read")
        offset += len(chunk)
        yield chunk


def _text_part(boundary: str, name: str, value: str) -> _Part:
    """A form field's part: its value as UTF-8 text."""
    content = value.encode()
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{name.translate(_NAME_ESCAPES)}"\r\n\r\n'
    ).encode()
    return _Part(head, len(content), content)


def form_files(
    sources: Iterable[FileSource],
    *,
    field: str = "files",
    text: Mapping[str, str] | None = None,
) -> StreamedBody:
    """A ``multipart/form-data`` body holding each of ``sources`` under ``field``, after the
    ``text`` fields (name to value), if any.

    Paths are checked (they exist, are regular files) and measured now; their bytes are read
    on each attempt. ``ValueError`` for no files, a name or content type that cannot be sent,
    or a file object that cannot be read again.
    """
    boundary = f"welkin-{secrets.token_hex(16)}"
    files = [_part(boundary, field, source) for source in sources]
    if not files:
        raise ValueError("give at least one file to upload")
    parts = [_text_part(boundary, name, value) for name, value in (text or {}).items()] + files
    closing = f"--{boundary}--\r\n".encode()
    length = sum(len(p.head) + p.size + 2 for p in parts) + len(closing)

    async def chunks() -> AsyncIterator[bytes]:
        for part in parts:
            yield part.head
            async for chunk in _file_chunks(part):
                yield chunk
            yield b"\r\n"
        yield closing

    return StreamedBody(f"multipart/form-data; boundary={boundary}", length, chunks)
