"""``client.documents(patient_id)``: a patient's document summaries and their files.

A document summary is a record of the tenant's system CDT ``_document_summary``, served in the
CDT-record envelope (:data:`DocumentSummaryRecord`): ``record.json_body`` is a
:class:`~welkin_async.models.DocumentSummary`, whose ``type`` names one of the tenant's document
types and whose ``files`` (None until one is uploaded) list
:class:`~welkin_async.models.DocumentFile`.

Files travel as bytes, never whole in memory: :meth:`Documents.stream` hands out a file's chunks
as they arrive and :meth:`Documents.download` writes them to a path, atomically (the target
holds the whole file or is left as it was). Both go through the client's pipeline (limiter,
token, retries until the first byte is handed out, typed errors) and its size cap
(:class:`~welkin_async.Limits`, ``ResponseTooLarge``): raise ``max_response_bytes`` to fetch
files larger than its 64 MiB default. :meth:`Documents.upload` sends files as
``multipart/form-data`` read from disk a chunk at a time, the whole body again on a retry.

Errors: a patient, summary or file that does not exist is
:class:`~welkin_async.errors.NotFound` (``PATIENT_NOT_FOUND``, and in the emulator
``DOCUMENT_SUMMARY_NOT_FOUND``, ``DOCUMENT_FILE_NOT_FOUND``); a role without access to documents
is :class:`~welkin_async.errors.PermissionDenied` (``ACCESS_FOR_API_CLIENT_RESTRICTED``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import IO, Unpack
from uuid import UUID

import attrs

from welkin_async._multipart import FileSource, form_files
from welkin_async._options import RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import loads
from welkin_async._transport import StreamedResponse
from welkin_async.errors import ReadError
from welkin_async.models import CdtRecord, DocumentFile, DocumentSummary, DocumentSummaryCreate
from welkin_async.resources._base import PatientResource

DocumentSummaryRecord = CdtRecord[DocumentSummary]
"""A document summary as served: the record envelope (``cdtName`` ``_document_summary``), with
the summary's fields in ``json_body``."""

_LIST = "patients/{patient_id}/document-summary"
_ONE = "patients/{patient_id}/document-summary/{summary_id}"
_FILES = "patients/{patient_id}/document-summary/{summary_id}/files"
_FILE = "patients/{patient_id}/document-summary/{summary_id}/files/{file_id}"
_WRITE_BATCH = 1024 * 1024  # bytes gathered before one write to disk, off the event loop
_FileList = list[DocumentFile]  # what an upload answers (``Documents.list`` hides the builtin)


@attrs.frozen
class DownloadedFile:
    """Where :meth:`Documents.download` put a file, its size in bytes and its content type."""

    path: Path
    size: int
    content_type: str | None


class FileDownload:
    """A file's bytes as they arrive, from :meth:`Documents.stream`.

    Iterate it once (``async for chunk in download``) or ``await download.read()`` (the whole
    file in memory: for small files). ``content_type`` and ``content_length`` are what the
    server declared (``content_length`` None when it did not, or sent the body compressed);
    ``bytes_read`` counts what has been handed out. A body that ends short of its declared
    length is a :class:`~welkin_async.errors.ReadError`; one that breaks off, stalls past the
    read timeout or grows past ``Limits.max_response_bytes`` raises ``ReadError``,
    ``TimeoutError`` or ``ResponseTooLarge`` from the iteration.
    """

    __slots__ = ("_response", "_template", "bytes_read", "content_length", "content_type")

    def __init__(self, response: StreamedResponse, template: str) -> None:
        self._response = response
        self._template = template
        self.content_type: str | None = response.headers.get("Content-Type")
        self.content_length: int | None = _declared_length(response)
        self.bytes_read = 0

    def __repr__(self) -> str:
        return (
            f"FileDownload(content_type={self.content_type!r}, "
            f"content_length={self.content_length!r}, bytes_read={self.bytes_read})"
        )

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.iter_bytes()

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """The file's chunks, as they arrive (sizes vary; none is empty)."""
        async for chunk in self._response.chunks():
            self.bytes_read += len(chunk)
            yield chunk
        declared = self.content_length
        if declared is not None and self.bytes_read != declared:
            raise ReadError("GET", self._template, "the file ended before its declared length")

    async def read(self) -> bytes:
        """The whole file (what is left of it), in memory."""
        return b"".join([chunk async for chunk in self.iter_bytes()])


def _declared_length(response: StreamedResponse) -> int | None:
    text = response.headers.get("Content-Length")
    if text is None or not text.isdigit() or "Content-Encoding" in response.headers:
        return None
    return int(text)


class Documents(PatientResource):
    """One patient's document summaries and their files."""

    __slots__ = ()

    def _one(self, summary_id: str | UUID) -> dict[str, str | UUID]:
        return self._under(summary_id=summary_id)

    def list(
        self, *, size: int = 100, **options: Unpack[RequestOptions]
    ) -> Paginator[DocumentSummaryRecord]:
        """Every document summary of the patient (``async for``; ``.pages()`` for pages).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``) and ``PermissionDenied`` as it iterates.
        The options apply to every page.
        """
        return self._client.paginate(
            "GET",
            _LIST,
            path_params=self._patient,
            size=size,
            item_type=DocumentSummaryRecord,
            options=options,
        )

    async def get(
        self, summary_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> DocumentSummaryRecord:
        """One document summary, with its files.

        Raises ``NotFound`` (the emulator: ``DOCUMENT_SUMMARY_NOT_FOUND``, ``PATIENT_NOT_FOUND``)
        and ``PermissionDenied``.
        """
        return await self._call(
            DocumentSummaryRecord, "GET", _ONE, path_params=self._one(summary_id), options=options
        )

    async def create(
        self, document_type: str, /, **options: Unpack[RequestOptions]
    ) -> DocumentSummaryRecord:
        """A new document summary of ``document_type`` (a name from
        ``client.formations`` document types, e.g. ``doc-type-others``), without files.

        Raises ``BadRequest`` for a type the tenant does not have (the emulator:
        ``DOCUMENT_TYPE_NOT_FOUND``), ``NotFound`` (``PATIENT_NOT_FOUND``) and
        ``PermissionDenied``.
        """
        body = DocumentSummaryCreate(type=document_type)
        return await self._call(
            DocumentSummaryRecord,
            "POST",
            _LIST,
            path_params=self._patient,
            json=body,
            options=options,
        )

    async def delete(self, summary_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete a document summary and its files.

        Raises ``NotFound`` (``DOCUMENT_SUMMARY_NOT_FOUND`` in the emulator) and
        ``PermissionDenied``.
        """
        await self._call_no_content(
            "DELETE", _ONE, path_params=self._one(summary_id), options=options
        )

    async def upload(
        self, summary_id: str | UUID, /, *files: FileSource, **options: Unpack[RequestOptions]
    ) -> _FileList:
        """Attach files to a document summary: each a path, or ``(name, content)`` /
        ``(name, content, content_type)`` with ``content`` as ``bytes`` or a seekable binary
        file. The content type is guessed from the name when not given. Sent as
        ``multipart/form-data`` under the field ``files``, read a chunk at a time (the whole
        body again on a retry).

        Returns the files as the server lists them. No recording shows this answer: it follows
        the vendor's reference (201, a JSON array of the new files), as the emulator does.
        Raises ``BadRequest`` for a file the server refuses (the emulator takes JPEG, PNG and
        PDF only, none empty), ``APIError`` with status 413 for one too large, ``NotFound``
        and ``PermissionDenied``; ``ValueError`` before sending for no files or one that
        cannot be read again on a retry, ``OSError`` for a path that cannot be read.
        """
        body = form_files(files)
        response = await self._client._send(
            "POST", _FILES, path_params=self._one(summary_id), body=body, options=options
        )
        return loads(response.body, _FileList)

    @contextlib.asynccontextmanager
    async def stream(
        self, summary_id: str | UUID, file_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> AsyncIterator[FileDownload]:
        """The file's bytes as they arrive, as an async context manager::

            async with client.documents(pid).stream(summary_id, file_id) as download:
                async for chunk in download:
                    ...

        The request is sent on entering the block (retried, like any GET, until the first byte
        is handed out); leaving it closes the connection, read or not. While open, the download
        holds one of the client's ``max_concurrency`` slots. Raises ``NotFound`` (the
        emulator: ``DOCUMENT_SUMMARY_NOT_FOUND``, ``DOCUMENT_FILE_NOT_FOUND``),
        ``PermissionDenied`` and ``ResponseTooLarge`` (a declared length over the cap, before
        reading) on entering; see :class:`FileDownload` for the iteration.
        """
        params = {**self._one(summary_id), "file_id": file_id}
        response = await self._client._stream("GET", _FILE, path_params=params, options=options)
        try:
            yield FileDownload(response, _FILE)
        finally:
            await response.aclose()

    async def download(
        self,
        summary_id: str | UUID,
        file_id: str | UUID,
        path: str | os.PathLike[str],
        /,
        **options: Unpack[RequestOptions],
    ) -> DownloadedFile:
        """Write the file to ``path``, streamed, and return where, how large and what it is.

        The bytes go to a temporary file beside ``path``, which is flushed to disk and then
        renamed over ``path`` in one step: ``path`` holds the whole file, or what it held before
        if the download fails, hits the size cap or is cancelled (the temporary file is
        removed). A cancellation that comes during the final flush and rename waits for them,
        so ``path`` is never left half-written, and then propagates. The file is readable by
        its owner only (mode 0600, as documents hold PHI), whatever a file it replaces allowed.
        Raises what :meth:`stream` raises, and ``OSError`` for a path that cannot be written
        (before anything is sent).
        """
        target = Path(path)
        if target.is_dir():
            raise IsADirectoryError(f"{target.name!r} is a directory; give the file's path")
        temp = _SaveTo.create(target)
        try:
            async with self.stream(summary_id, file_id, **options) as download:
                await temp.write_all(download)
            await temp.commit()
        except BaseException:
            temp.discard()
            raise
        return DownloadedFile(target, download.bytes_read, download.content_type)


@attrs.define
class _SaveTo:
    """A temporary file beside ``target`` that becomes ``target`` on :meth:`commit`."""

    target: Path
    temp: Path
    file: IO[bytes]

    @classmethod
    def create(cls, target: Path) -> _SaveTo:
        """Made in the caller's thread (one quick system call): a cancellation cannot come
        between making the file and holding its handle, which would leave it behind."""
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        return cls(target, Path(name), os.fdopen(handle, "wb"))

    async def write_all(self, chunks: AsyncIterable[bytes]) -> None:
        """Write every chunk, a batch at a time, each batch off the event loop."""
        pending: list[bytes] = []
        size = 0
        async for chunk in chunks:
            pending.append(chunk)
            size += len(chunk)
            if size >= _WRITE_BATCH:
                await asyncio.to_thread(self.file.write, b"".join(pending))
                pending.clear()
                size = 0
        if pending:
            await asyncio.to_thread(self.file.write, b"".join(pending))

    async def commit(self) -> None:
        """Flush and rename, off the event loop. A cancellation waits for the thread to end
        before it propagates: the caller's clean-up must not race a rename under way."""
        task = asyncio.ensure_future(asyncio.to_thread(self._commit))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            while not task.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait({task})
            if not task.cancelled():
                task.exception()  # retrieved: the cancellation is what the caller hears of
            raise

    def _commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.temp, self.target)
        _sync_directory(self.target.parent)

    def discard(self) -> None:
        """Close and remove the temporary file (never the target)."""
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


def _sync_directory(directory: Path) -> None:
    """Flush the rename to disk where the platform allows it (a best effort)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
