"""``client.emails(pid)``, ``client.sms(pid)``, ``client.chat(pid)``: a patient's messages.

Emails and text messages list as Spring pages and are read one by id. The chat lists newest
first in token pages (``meta.nextPageToken`` leads to older messages); a search answers token
pages of hits, each hit carrying the tokens of the chat pages around the message it found
(:meth:`Chat.list` with ``page_token=`` reads them). The vendor documents ``pageToken`` as
exclusive with ``pageSize`` on the chat, and with every other parameter on a search; so the
chat's later pages send ``includeArchived`` and the token, a search's later pages the token
alone.

Every method raises ``NotFound`` (``PATIENT_NOT_FOUND``) for a patient that does not exist and
``PermissionDenied`` (``ACCESS_FOR_API_CLIENT_RESTRICTED``) where the API client's security
policy does not grant the messages.
"""

from __future__ import annotations

from typing import Unpack
from uuid import UUID

from welkin_async._options import QueryValue, RequestOptions
from welkin_async._pagination import Paginator
from welkin_async.models import ChatInbound, ChatMessage, ChatSearchHit, Email, SmsMessage
from welkin_async.resources._base import PatientResource

_EMAILS = "patients/{patient_id}/emails"
_EMAIL = "patients/{patient_id}/emails/{email_id}"
_SMSES = "patients/{patient_id}/sms"
_SMS = "patients/{patient_id}/sms/{sms_id}"
_CHAT = "patients/{patient_id}/chat"
_SEARCH = "patients/{patient_id}/chat/search"
_INBOUND = "patients/{patient_id}/chat/inbound"


def _text(name: str, value: str) -> str:
    """A token the caller passes on: a non-empty string (an empty one names no page)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} is empty: pass None to start at the newest message")
    return value


class Emails(PatientResource):
    """One patient's emails."""

    __slots__ = ()

    def list(self, *, size: int = 100, **options: Unpack[RequestOptions]) -> Paginator[Email]:
        """Every email to or from the patient, ``size`` per page.

        Raises ``BadRequest`` (``INVALID_PAGE_REQUEST``) for a ``size`` below 1.
        """
        return self._client.paginate(
            "GET", _EMAILS, path_params=self._patient, size=size, item_type=Email, options=options
        )

    async def get(self, email_id: str | UUID, /, **options: Unpack[RequestOptions]) -> Email:
        """One of the patient's emails by its id.

        Raises ``NotFound`` (``EMAIL_NOT_FOUND``) when the patient has no email with that id.
        """
        return await self._call(
            Email, "GET", _EMAIL, path_params=self._under(email_id=email_id), options=options
        )


class Sms(PatientResource):
    """One patient's text messages."""

    __slots__ = ()

    def list(self, *, size: int = 100, **options: Unpack[RequestOptions]) -> Paginator[SmsMessage]:
        """Every text message to or from the patient, ``size`` per page.

        Raises ``BadRequest`` (``INVALID_PAGE_REQUEST``) for a ``size`` below 1.
        """
        return self._client.paginate(
            "GET",
            _SMSES,
            path_params=self._patient,
            size=size,
            item_type=SmsMessage,
            options=options,
        )

    async def get(self, sms_id: str | UUID, /, **options: Unpack[RequestOptions]) -> SmsMessage:
        """One of the patient's text messages by its id.

        Raises ``NotFound`` (``SMS_NOT_FOUND``) when the patient has no text message with that id.
        """
        return await self._call(
            SmsMessage, "GET", _SMS, path_params=self._under(sms_id=sms_id), options=options
        )


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
            params["pageToken"] = _text("page_token", page_token)
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
        if not isinstance(query, str):
            raise TypeError(f"a search query is a str, not {type(query).__name__}")
        params: dict[str, QueryValue] = {
            "query": query,
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
        if not isinstance(message, str):
            raise TypeError(f"a chat message is a str, not {type(message).__name__}")
        return await self._call(
            ChatMessage,
            "POST",
            _INBOUND,
            path_params=self._patient,
            json=ChatInbound(message=message),
            options=options,
        )
