"""``client.emails(pid)``, ``client.sms(pid)``, ``client.chat(pid)``: a patient's messages."""

from __future__ import annotations

from welkin_async.resources._base import PatientResource


class Emails(PatientResource):
    """One patient's emails."""

    __slots__ = ()


class Sms(PatientResource):
    """One patient's text messages."""

    __slots__ = ()


class Chat(PatientResource):
    """One patient's chat."""

    __slots__ = ()
