"""``client.emails(pid)``, ``client.sms(pid)``, ``client.chat(pid)``: a patient's messages;
``client.unrecognized``: the emails and text messages no patient's address or number matched.

Emails and text messages list as Spring pages, filtered as the keywords of ``list()`` say, and
are read one by id. ``send()`` sends one to the patient at once, or schedules it for
``scheduled_at``; an email may carry attachments (sent as ``multipart/form-data``, the fields
beside the files, as the vendor documents it). What an update may change depends on the
message's state: everything while it is ``SCHEDULED`` (``update()``), its star always
(``star()``), and the patient of an inbound one (``assign()``); only a ``SCHEDULED`` or
``UNRECOGNISED`` message may be deleted. The API answers any other change ``BadRequest``
(``EMAIL_NOT_EDITABLE``, ``SMS_NOT_EDITABLE``, ``..._NOT_DELETABLE`` in the emulator).

The chat lists newest first in token pages (``meta.nextPageToken`` leads to older messages); a
search answers token pages of hits, each hit carrying the tokens of the chat pages around the
message it found (:meth:`Chat.list` with ``page_token=`` reads them). The vendor documents
``pageToken`` as exclusive with ``pageSize`` on the chat, and with every other parameter on a
search; so the chat's later pages send ``includeArchived`` and the token, a search's later pages
the token alone. :meth:`Chat.archive` hides the messages posted before a moment (lists show them
with ``include_archived=True``), :meth:`Chat.restore` brings them back.

Every method raises ``NotFound`` (``PATIENT_NOT_FOUND``) for a patient that does not exist and
``PermissionDenied`` (``ACCESS_FOR_API_CLIENT_RESTRICTED``) where the API client's security
policy does not grant the messages (or the change: ``create``, ``update``, ``delete``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack
from uuid import UUID

from welkin_async._config import Timeouts
from welkin_async._multipart import FileSource, form_files
from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._serde import loads, unstructure
from welkin_async.models import (
    ChatInbound,
    ChatMessage,
    ChatSearchHit,
    Email,
    EmailSend,
    EmailStatus,
    EmailUpdate,
    EmailUpdateFields,
    MessageDirection,
    SmsMessage,
    SmsSend,
    SmsStatus,
    SmsUpdate,
    SmsUpdateFields,
)
from welkin_async.resources._base import (
    PatientResource,
    Resource,
    aware,
    call_options,
    changes,
    query_list,
    some_change,
    text_arg,
    uuid_arg,
)

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

M = TypeVar("M", Email, SmsMessage)

_EMAILS = "patients/{patient_id}/emails"
_SMSES = "patients/{patient_id}/sms"
_UNRECOGNIZED_EMAILS = "unrecognized-patients/emails"
_UNRECOGNIZED_SMSES = "unrecognized-patients/sms"
_CHAT = "patients/{patient_id}/chat"
_SEARCH = "patients/{patient_id}/chat/search"
_INBOUND = "patients/{patient_id}/chat/inbound"
_ARCHIVE = "patients/{patient_id}/chat/archive"
_RESTORE = "patients/{patient_id}/chat/restore"
_ATTACHMENTS = "attachmentsAsFiles"


def _query_text(name: str, value: str | UUID) -> str:
    """An id or text the call sends as given; ``name`` (a wire name) says where it goes."""
    if not isinstance(value, str | UUID):
        raise TypeError(f"{name!r} takes a str, not {type(value).__name__}")
    return str(value)


def _filters(
    texts: Mapping[str, str | UUID | None],
    *,
    direction: MessageDirection | str | None,
    starred: bool | None,
    status: str | None,
) -> dict[str, QueryValue]:
    """The query of a message list: the filters given (``None`` ones are not sent)."""
    params: dict[str, QueryValue] = {
        name: _query_text(name, value) for name, value in texts.items() if value is not None
    }
    if direction is not None:
        params["direction"] = str(MessageDirection(direction).value)
    if starred is not None:
        if not isinstance(starred, bool):
            raise TypeError(f"starred must be a bool, not {type(starred).__name__}")
        params["starred"] = starred
    if status is not None:
        params["status"] = status
    return params


class _Messages(Resource, Generic[M]):
    """What a patient's emails or text messages and the unrecognized ones share."""

    __slots__ = ("_item", "_path", "_path_params")

    def __init__(
        self,
        client: WelkinClient,
        item: type[M],
        path: str,
        path_params: Mapping[str, str | UUID],
    ) -> None:
        super().__init__(client)
        self._item: type[M] = item
        self._path = path
        self._path_params = dict(path_params)

    def _one(self, message_id: str | UUID) -> dict[str, str | UUID]:
        return {**self._path_params, "message_id": message_id}

    def _list(
        self, params: dict[str, QueryValue], size: int, options: RequestOptions
    ) -> Paginator[M]:
        return self._client.paginate(
            "GET",
            self._path,
            path_params=self._path_params,
            params=params,
            size=size,
            item_type=self._item,
            options=options,
        )

    async def _put(
        self,
        message_id: str | UUID,
        body: Mapping[str, Any],
        options: RequestOptions,
        *,
        idempotent: bool = True,
    ) -> M:
        response = await self._client._send(
            "PUT",
            self._path + "/{message_id}",
            path_params=self._one(message_id),
            json=body,
            idempotent=idempotent,
            options=options,
        )
        return loads(response.body, self._item)

    async def get(self, message_id: str | UUID, /, **options: Unpack[RequestOptions]) -> M:
        """One message by its id.

        Raises ``NotFound`` (``EMAIL_NOT_FOUND``, ``SMS_NOT_FOUND``) when there is no such
        message here (another patient's is not found either).
        """
        return await self._call(
            self._item,
            "GET",
            self._path + "/{message_id}",
            path_params=self._one(message_id),
            options=options,
        )

    async def star(
        self, message_id: str | UUID, /, starred: bool = True, **options: Unpack[RequestOptions]
    ) -> M:
        """Mark a message as important (``starred=False`` takes the mark off), in any state.

        Raises ``NotFound`` as :meth:`get`, ``TypeError`` at once for a ``starred`` that is not
        a bool.
        """
        if not isinstance(starred, bool):
            raise TypeError(f"starred must be a bool, not {type(starred).__name__}")
        return await self._put(message_id, {"starred": starred}, options)

    async def assign(
        self, message_id: str | UUID, patient_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> M:
        """File an inbound message under the patient of ``patient_id`` (its sender): an
        unrecognized one becomes that patient's, a patient's moves to another.

        Not retried: once it has moved, the message is no longer where a retry would look.
        Raises ``NotFound`` as :meth:`get`, and (``PATIENT_NOT_FOUND``) for no patient of that
        id; ``BadRequest`` (``..._NOT_EDITABLE``) for a message the care team sent.
        """
        body = {"sender": _query_text("patient_id", patient_id)}
        return await self._put(message_id, body, options, idempotent=False)

    async def delete(self, message_id: str | UUID, /, **options: Unpack[RequestOptions]) -> None:
        """Delete a message that is ``SCHEDULED`` (not sent yet) or ``UNRECOGNISED``.

        Raises ``NotFound`` as :meth:`get`, ``BadRequest`` (``EMAIL_NOT_DELETABLE``,
        ``SMS_NOT_DELETABLE``) for a message in another state.
        """
        await self._call_no_content(
            "DELETE",
            self._path + "/{message_id}",
            path_params=self._one(message_id),
            options=options,
        )


class _EmailList(_Messages[Email]):
    __slots__ = ()

    def list(
        self,
        *,
        search: str | None = None,
        sender: str | UUID | None = None,
        receiver: str | UUID | None = None,
        direction: MessageDirection | str | None = None,
        starred: bool | None = None,
        from_: str | None = None,
        to: str | None = None,
        email: str | None = None,
        sender_name: str | None = None,
        receiver_name: str | None = None,
        status: EmailStatus | str | Iterable[EmailStatus | str] | None = None,
        sort: str | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[Email]:
        """The emails, ``size`` per page, in stored order or as ``sort`` (``"date,desc"``) asks,
        kept by every filter given: ``search`` (text in the subject or body), ``sender`` and
        ``receiver`` (ids), ``from_``, ``to`` and ``email`` (either address), ``sender_name``
        and ``receiver_name``, ``direction``, ``starred``, ``status`` (one or several).

        Raises ``BadRequest`` for a filter or sort the server cannot take (``INVALID_PARAMETER``,
        ``INVALID_SORT``), or a ``size`` below 1 (``INVALID_PAGE_REQUEST``), as it iterates.
        """
        texts = {
            "search": search,
            "sender": sender,
            "receiver": receiver,
            "from": from_,
            "to": to,
            "email": email,
            "senderName": sender_name,
            "receiverName": receiver_name,
            "sort": sort,
        }
        joined = None if status is None else query_list("status", status)
        params = _filters(texts, direction=direction, starred=starred, status=joined)
        return self._list(params, size, options)


class _SmsList(_Messages[SmsMessage]):
    __slots__ = ()

    def list(
        self,
        *,
        search: str | None = None,
        sender: str | UUID | None = None,
        receiver: str | UUID | None = None,
        direction: MessageDirection | str | None = None,
        starred: bool | None = None,
        from_: str | None = None,
        to: str | None = None,
        phone: str | None = None,
        sender_name: str | None = None,
        receiver_name: str | None = None,
        status: SmsStatus | str | Iterable[SmsStatus | str] | None = None,
        sort: str | None = None,
        size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> Paginator[SmsMessage]:
        """The text messages, ``size`` per page, in stored order or as ``sort``
        (``"date,desc"``) asks, kept by every filter given: ``search`` (text in the message),
        ``sender`` and ``receiver`` (ids), ``from_``, ``to`` and ``phone`` (either number),
        ``sender_name`` and ``receiver_name``, ``direction``, ``starred``, ``status`` (one or
        several).

        Raises ``BadRequest`` for a filter or sort the server cannot take (``INVALID_PARAMETER``,
        ``INVALID_SORT``), or a ``size`` below 1 (``INVALID_PAGE_REQUEST``), as it iterates.
        """
        texts = {
            "search": search,
            "sender": sender,
            "receiver": receiver,
            "from": from_,
            "to": to,
            "phone": phone,
            "senderName": sender_name,
            "receiverName": receiver_name,
            "sort": sort,
        }
        joined = None if status is None else query_list("status", status)
        params = _filters(texts, direction=direction, starred=starred, status=joined)
        return self._list(params, size, options)


def _sending(scheduled_at: datetime | None) -> dict[str, Any]:
    """``sendNow``, or the aware moment to send at."""
    if scheduled_at is None:
        return {"send_now": True}
    return {"send_now": False, "scheduled_at": aware("scheduled_at", scheduled_at)}


def _repeatable(body: Mapping[str, Any]) -> bool:
    """Whether an update may be sent again after a lost answer: not once it moves the message
    (``sender``: a retry would look where it no longer is) or sends it (``sendNow``: a sent
    message no longer takes the change), each of which the first attempt may have done."""
    return "sender" not in body and body.get("sendNow") is not True


def _attachments(given: Iterable[FileSource]) -> list[FileSource]:
    """The attachments as a list. A lone file where an iterable of them belongs (a path, or one
    ``(name, content)`` tuple, whose items would be read as files) is a ``TypeError``."""
    lone_tuple = (
        isinstance(given, tuple)
        and len(given) in (2, 3)
        and isinstance(given[0], str)
        and not isinstance(given[1], str | os.PathLike | tuple)
    )
    if (
        lone_tuple
        or isinstance(given, str | bytes | os.PathLike)
        or not isinstance(given, Iterable)
    ):
        raise TypeError(
            "attachments must be an iterable of files (paths or (name, content) tuples), "
            f"not one {type(given).__name__}: wrap a single file in a list"
        )
    return list(given)


def _form_value(value: Any) -> str:
    """A field's JSON value as a multipart form carries it: flags as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Emails(_EmailList):
    """One patient's emails."""

    __slots__ = ("_patient_id",)

    def __init__(self, client: WelkinClient, patient_id: str | UUID) -> None:
        super().__init__(client, Email, _EMAILS, {"patient_id": patient_id})
        self._patient_id = patient_id

    async def send(
        self,
        subject: str,
        body: str,
        /,
        *,
        scheduled_at: datetime | None = None,
        secure: bool = False,
        attachments: Iterable[FileSource] = (),
        **options: Unpack[RequestOptions],
    ) -> Email:
        """Send an email to the patient now, or at ``scheduled_at`` (an aware date-time: the
        email is ``SCHEDULED`` until then); ``secure=True`` sends it through the secure email
        service. Returns the email as stored.

        ``attachments`` (each a path, or ``(name, content[, content_type])`` as
        :meth:`Documents.upload <welkin_async.resources.Documents.upload>` takes them) send
        the email as ``multipart/form-data``: the fields as text, each file under
        ``attachmentsAsFiles``, read a chunk at a time.

        Not retried (a POST). Raises ``BadRequest`` for an empty subject
        (``INVALID_REQUEST_BODY``), a ``scheduled_at`` that has passed
        (``SCHEDULED_AT_IN_PAST``), a patient without an email address
        (``PATIENT_HAS_NO_EMAIL``); ``APIError`` with status 413 for attachments too large;
        ``TypeError``/``ValueError`` at once for a naive date-time, a file that cannot be sent,
        a lone file given as ``attachments`` (wrap it in a list) or a ``patient_id`` that is no
        UUID.
        """
        fields = EmailSend(
            subject=subject,
            body=body,
            receiver=uuid_arg("patient_id", self._patient_id),
            secure=secure,
            **_sending(scheduled_at),
        )
        wire: dict[str, Any] = unstructure(fields)
        files = _attachments(attachments)
        if not files:
            return await self._call(
                Email, "POST", _EMAILS, path_params=self._path_params, json=wire, options=options
            )
        text = {name: _form_value(value) for name, value in wire.items()}
        form = form_files(files, field=_ATTACHMENTS, text=text)
        response = await self._client._send(
            "POST", _EMAILS, path_params=self._path_params, body=form, options=options
        )
        return loads(response.body, Email)

    async def update(
        self,
        email_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[EmailUpdateFields],
    ) -> Email:
        """Change the given fields of an email (a PUT of those only): ``subject``, ``body``,
        ``scheduled_at``, ``secure``, ``send_now=True`` (send it now) while it is
        ``SCHEDULED``; ``starred`` in any state; ``sender`` (see :meth:`assign`) on an inbound
        one. Returns the email as stored.

        Not retried when it gives ``sender`` or ``send_now=True`` (as :meth:`assign`: once the
        email has moved or gone, a retry would fail). Raises ``NotFound``
        (``EMAIL_NOT_FOUND``), ``BadRequest`` (``EMAIL_NOT_EDITABLE``) for a field the email's
        state does not let change, ``TypeError`` for an unknown field or none, ``ValueError``
        for a naive date-time.
        """
        body = some_change("Emails.update", changes(EmailUpdate, fields))
        options = call_options(extra_headers, extra_query, timeout)
        return await self._put(email_id, body, options, idempotent=_repeatable(body))


class Sms(_SmsList):
    """One patient's text messages."""

    __slots__ = ("_patient_id",)

    def __init__(self, client: WelkinClient, patient_id: str | UUID) -> None:
        super().__init__(client, SmsMessage, _SMSES, {"patient_id": patient_id})
        self._patient_id = patient_id

    async def send(
        self,
        message: str,
        /,
        *,
        scheduled_at: datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> SmsMessage:
        """Send a text message to the patient now, or at ``scheduled_at`` (an aware date-time:
        the message is ``SCHEDULED`` until then). Returns the message as stored.

        Not retried (a POST). Raises ``BadRequest`` for an empty message
        (``INVALID_REQUEST_BODY``), a ``scheduled_at`` that has passed
        (``SCHEDULED_AT_IN_PAST``), a patient without a phone number
        (``PATIENT_HAS_NO_PHONE``); ``ValueError`` at once for a naive date-time or a
        ``patient_id`` that is no UUID.
        """
        fields = SmsSend(
            message=message,
            receiver=uuid_arg("patient_id", self._patient_id),
            **_sending(scheduled_at),
        )
        return await self._call(
            SmsMessage,
            "POST",
            _SMSES,
            path_params=self._path_params,
            json=fields,
            options=options,
        )

    async def update(
        self,
        sms_id: str | UUID,
        /,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, QueryValue] | None = None,
        timeout: float | Timeouts | None = None,
        **fields: Unpack[SmsUpdateFields],
    ) -> SmsMessage:
        """Change the given fields of a text message (a PUT of those only): ``message``,
        ``scheduled_at``, ``send_now=True`` (send it now) while it is ``SCHEDULED``;
        ``starred`` in any state; ``sender`` (see :meth:`assign`) on an inbound one. Returns
        the message as stored.

        Not retried when it gives ``sender`` or ``send_now=True`` (as :meth:`assign`: once the
        message has moved or gone, a retry would fail). Raises ``NotFound``
        (``SMS_NOT_FOUND``), ``BadRequest`` (``SMS_NOT_EDITABLE``) for a field the message's
        state does not let change, ``TypeError`` for an unknown field or none, ``ValueError``
        for a naive date-time.
        """
        body = some_change("Sms.update", changes(SmsUpdate, fields))
        options = call_options(extra_headers, extra_query, timeout)
        return await self._put(sms_id, body, options, idempotent=_repeatable(body))


class UnrecognizedEmails(_EmailList):
    """The emails whose sender no patient's address matched (status ``UNRECOGNISED``)."""

    __slots__ = ()

    def __init__(self, client: WelkinClient) -> None:
        super().__init__(client, Email, _UNRECOGNIZED_EMAILS, {})


class UnrecognizedSms(_SmsList):
    """The text messages whose sender no patient's number matched (status ``UNRECOGNISED``)."""

    __slots__ = ()

    def __init__(self, client: WelkinClient) -> None:
        super().__init__(client, SmsMessage, _UNRECOGNIZED_SMSES, {})


class Unrecognized(Resource):
    """The environment's emails and text messages from senders no patient matched: list and
    read them, star them, :meth:`~UnrecognizedEmails.assign` them to a patient (which files
    them under that patient), delete them."""

    __slots__ = ("emails", "sms")

    def __init__(self, client: WelkinClient) -> None:
        super().__init__(client)
        self.emails = UnrecognizedEmails(client)
        """The unrecognized emails."""
        self.sms = UnrecognizedSms(client)
        """The unrecognized text messages."""


class Chat(PatientResource):
    """One patient's chat."""

    __slots__ = ()

    def list(
        self,
        *,
        include_archived: bool = False,
        page_size: int = 20,
        page_token: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Paginator[ChatMessage]:
        """The patient's chat messages, newest first, ``page_size`` per page.

        ``page_token`` starts elsewhere: at a search hit's ``meta.next_page_token`` (the
        messages before the hit) or ``meta.prev_page_token`` (a first page of those after it;
        as from any page, the next pages lead to older messages). The token carries its own
        page size, so ``page_size`` is not sent with it.

        Raises ``BadRequest`` (``INVALID_PAGE_TOKEN``) for a token the API did not issue for
        this chat, (``INVALID_PAGE_REQUEST``) for a ``page_size`` below 1; ``ValueError`` at
        once for an empty ``page_token``.
        """
        params: dict[str, QueryValue] = {"includeArchived": include_archived}
        if page_token is not None:
            if not text_arg("page_token", page_token):
                raise ValueError("page_token is empty: pass None to start at the newest message")
            params["pageToken"] = page_token
        return self._client.paginate(
            "GET",
            _CHAT,
            path_params=self._patient,
            params=params,
            size=page_size if page_token is None else None,
            item_type=ChatMessage,
            options=options,
        )

    def search(
        self,
        query: str,
        /,
        *,
        include_archived: bool = False,
        page_size: int = 20,
        content_page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> Paginator[ChatSearchHit]:
        """The patient's chat messages whose text holds ``query``, newest first.

        Each :class:`~welkin_async.models.ChatSearchHit` has the ``message`` found and, in
        ``meta``, tokens of the ``content_page_size`` messages before and after it, for
        :meth:`list` (``page_token=``). Later pages are asked for with their token alone.

        Raises ``BadRequest`` for an empty ``query`` (``INVALID_PARAMETER``) or a size below 1
        (``INVALID_PAGE_REQUEST``); ``TypeError`` at once for a ``query`` that is not a string.
        """
        params: dict[str, QueryValue] = {
            "query": text_arg("query", query),
            "contentPageSize": content_page_size,
            "includeArchived": include_archived,
        }
        return self._client.paginate(
            "GET",
            _SEARCH,
            path_params=self._patient,
            params=params,
            size=page_size,
            item_type=ChatSearchHit,
            options=options,
        )

    async def send_inbound(self, message: str, /, **options: Unpack[RequestOptions]) -> ChatMessage:
        """Post ``message`` to the chat as the patient (to the care team); returns it as stored.

        Not retried (a POST). Raises ``BadRequest`` (``INVALID_REQUEST_BODY``) for an empty
        message, ``TypeError`` before sending for a message that is not a string.
        """
        return await self._call(
            ChatMessage,
            "POST",
            _INBOUND,
            path_params=self._patient,
            json=ChatInbound(message=text_arg("message", message)),
            options=options,
        )

    async def archive(self, before: datetime, /, **options: Unpack[RequestOptions]) -> None:
        """Archive the chat messages posted before ``before`` (an aware date-time): lists and
        searches leave them out unless ``include_archived=True``.

        The vendor documents this call as closed to API clients: a live tenant may answer
        ``PermissionDenied`` whatever the role. Raises ``ValueError`` at once for a naive
        date-time.
        """
        params: dict[str, QueryValue] = {"archiveDate": unstructure(aware("before", before))}
        await self._client._send(
            "POST", _ARCHIVE, path_params=self._patient, params=params, options=options
        )

    async def restore(self, **options: Unpack[RequestOptions]) -> None:
        """Bring back every archived chat message of the patient.

        The vendor documents this call as closed to API clients, as :meth:`archive`: a live
        tenant may answer ``PermissionDenied`` whatever the role (the emulator: a role that may
        not update messages).
        """
        await self._call_no_content("POST", _RESTORE, path_params=self._patient, options=options)
