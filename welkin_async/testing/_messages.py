"""A patient's messages in the emulator: emails, text messages and chat, and their seed.

Emails and text messages are rows in the vendor reference's shape (no recording lists one),
listed per patient in the order they were stored; those whose sender no patient's address or
number matched (``UNRECOGNISED``) are filed under no patient until one is assigned. What an
update may change depends on the message's state (:meth:`Kind.editable`): everything while it is
SCHEDULED, its star and its patient when it came in, only its star once sent; only a SCHEDULED
or UNRECOGNISED message may be deleted. Chat messages are kept per patient in time
order; a chat page is a window of them before or after a border message, and its page tokens
name that border (opaque base64 JSON to clients, like the live API's). Archived chat messages are
hidden unless a request includes them.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._ids import family_rng, random_uuid
from welkin_async.testing._records import Actor, full_name
from welkin_async.testing._store import ChildIndex, Row, Table
from welkin_async.testing._users import display_name

if TYPE_CHECKING:
    from welkin_async.testing._tenants import Environment, Tenant

PATIENT, USER = "PATIENT", "USER"
MESSAGES_EPOCH_MS = 1_738_368_000_000  # 2025-02-01T00:00:00Z: after the seeded patients
_STEP_MS = 37 * 60_000
_EVERY = 5  # one seeded patient in five has messages...
_AT_MOST = 100  # ... up to this many patients, whatever the seed's size
_PATIENT_LINES = (
    "Thanks, I got the reminder about my appointment.",
    "My blood pressure was a bit higher this morning.",
    "Can we move the appointment to next week?",
    "I finished the questionnaire you sent.",
    "Feeling better today, thank you.",
)
_CARE_LINES = (
    "Hi! Just checking in: how are you feeling this week?",
    "Your lab results are in; everything looks stable.",
    "Please remember to log your readings daily.",
    "Your appointment is confirmed for Thursday morning.",
    "Let us know if the new plan works for you.",
)
_UNRECOGNIZED_EACH = 3  # unrecognized emails, and text messages, per environment
OUTBOUND_NUMBER = "+1-555-0400"  # the number text messages sent through the API come from
_SUBJECTS = ("Appointment reminder", "Your care plan", "Lab results", "Weekly check-in")


@attrs.define
class Messages:
    """One environment's emails, text messages and chat messages."""

    emails: Table = attrs.field(factory=Table)
    sms: Table = attrs.field(factory=Table)
    chat: Table = attrs.field(factory=Table)
    # patient id -> email / sms ids, in the order they were stored (the order lists serve); under
    # UNRECOGNIZED (None), those whose sender no patient's address or number matched
    emails_of: ChildIndex = attrs.field(factory=ChildIndex)
    sms_of: ChildIndex = attrs.field(factory=ChildIndex)
    # patient id -> (createdAt in ms, externalId) of its chat messages, oldest first
    chat_of: dict[str, list[tuple[int, str]]] = attrs.field(factory=dict)
    archived: set[str] = attrs.field(factory=set)

    def add(self, kind: Kind, patient_id: str | None, row: Row, stamp: int) -> None:
        """Store a new email or text message of the patient (``UNRECOGNIZED``: of none)."""
        kind.table(self).put(row["id"], row, stamp)
        kind.index(self).add(patient_id, row["id"])

    def move(self, kind: Kind, row_id: str, old: str | None, new: str) -> None:
        """File a message under patient ``new``, no longer under ``old``."""
        index = kind.index(self)
        index.remove(old, row_id)
        index.add(new, row_id)

    def delete(self, kind: Kind, row_id: str, patient_id: str | None) -> None:
        kind.table(self).delete(row_id)
        kind.index(self).remove(patient_id, row_id)

    def add_chat(
        self, patient_id: str, row: Row, at_ms: int, stamp: int, *, archived: bool = False
    ) -> None:
        """Store a chat message created at ``at_ms`` (written at ``stamp``)."""
        message_id = row["externalId"]
        self.chat.put(message_id, row, stamp)
        bisect.insort(self.chat_of.setdefault(patient_id, []), (at_ms, message_id))
        if archived:
            self.archived.add(message_id)

    def chat_positions(self, patient_id: str, *, include_archived: bool) -> list[tuple[int, str]]:
        """The patient's chat messages, oldest first, archived ones only when asked for."""
        positions = self.chat_of.get(patient_id, [])
        if include_archived or not self.archived:
            return positions
        return [p for p in positions if p[1] not in self.archived]

    def archive_chat(self, patient_id: str, before_ms: int) -> None:
        """Archive the patient's chat messages created before ``before_ms``."""
        for at_ms, message_id in self.chat_of.get(patient_id, []):
            if at_ms < before_ms:
                self.archived.add(message_id)

    def restore_chat(self, patient_id: str) -> None:
        """Bring back every archived chat message of the patient."""
        self.archived.difference_update(m for _, m in self.chat_of.get(patient_id, []))


# --- rows ----------------------------------------------------------------------------------------


def participant(
    kind: str,
    participant_id: str,
    *,
    title_name: str | None = None,
    patient_full_name: str | None = None,
) -> dict[str, Any]:
    """A chat message's sender or receiver; ``title_name`` is a user's name."""
    return {
        "clientType": kind,
        "id": participant_id,
        "titleName": title_name,
        "patientFullName": patient_full_name,
    }


def chat_row(
    message_id: str,
    text: str,
    at_ms: int,
    sender: dict[str, Any],
    receiver: dict[str, Any] | None = None,
) -> Row:
    """A chat message as stored; a user's message names its receiver (the patient)."""
    row: Row = {"sender": sender}
    if receiver is not None:
        row["receiver"] = receiver
    row.update(message=text, externalId=message_id, createdAt=iso_ms(at_ms))
    return row


def chat_message_id(rng: random.Random) -> str:
    return f"IM{rng.getrandbits(128):032x}"


def sms_message_id(rng: random.Random) -> str:
    return f"SM{rng.getrandbits(128):032x}"


def email_message_id(rng: random.Random, at_ms: int) -> str:
    moment = iso_ms(at_ms).replace("-", "").replace(":", "").replace("T", "")[:14]
    return f"{moment}.1.{rng.getrandbits(64):016X}@mail.example.org"


@attrs.frozen
class Exchange:
    """Who a message goes between and when: a patient (None: a sender no patient matched) and
    the care team's side (a user, or the API client that sent it)."""

    patient: Mapping[str, Any] | None
    care: Actor
    outbound: bool  # from the care team to the patient
    at_ms: int

    def ends(self, patient_address: str | None, care_address: str | None) -> dict[str, Any]:
        """The fields emails and text messages share; ``from``/``to`` are the given addresses."""
        person = self.patient or {}
        patient = (person.get("id"), patient_address, full_name(person))
        care = (self.care.id, care_address, self.care.name)
        (sender, source, sender_name), (receiver, target, receiver_name) = (
            (care, patient) if self.outbound else (patient, care)
        )
        when = iso_ms(self.at_ms)
        return {
            "id": None,
            "sendNow": False,
            "scheduledAt": iso_ms(self.at_ms - 1_000) if self.outbound else None,
            "sentAt": when if self.outbound else None,
            "receivedAt": None if self.outbound else when,
            "date": when,
            "careTeam": self.care.name,
            "patientInfo": full_name(person),
            "timezone": person.get("timezone"),
            "sender": sender,
            "from": source,
            "receiver": receiver,
            "to": target,
            "direction": OUT if self.outbound else IN,
            "externalId": None,
            "starred": False,
            "senderName": sender_name,
            "receiverName": receiver_name,
        }


def care_of(user: Mapping[str, Any]) -> Actor:
    """A user as the care-team side of a message."""
    return Actor(id=user["id"], name=display_name(user))


def email_row(
    email_id: str,
    exchange: Exchange,
    *,
    subject: str,
    body: str,
    external_id: str,
    care_address: str | None,
    status: str,
    secure: bool = False,
    attachments: list[Row] | None = None,
) -> Row:
    """An email as the vendor reference shows it."""
    patient_address = (exchange.patient or {}).get("email")
    row = exchange.ends(patient_address, care_address)
    row.update(
        id=email_id,
        externalId=external_id,
        subject=subject,
        body=body,
        status=status,
        secure=secure,
        attachments=attachments,
    )
    return row


def sms_row(
    sms_id: str, exchange: Exchange, *, text: str, external_id: str, number: str, status: str
) -> Row:
    """A text message as the vendor reference shows it."""
    row = exchange.ends((exchange.patient or {}).get("phone"), number)
    row.update(
        id=sms_id, externalId=external_id, message=text, parts=sms_parts(text), status=status
    )
    return row


def sms_parts(text: str) -> int:
    """How many 160-character segments carry ``text``."""
    return -(-len(text) // 160)


def attachment_entry(
    file_id: str, email_id: str, *, name: str, content_type: str, size: int, env: Environment
) -> Row:
    """A file sent with an email; ``storageKey`` is where the live API keeps it."""
    return {
        "id": file_id,
        "size": size,
        "storageKey": f"{env.tenant}/{env.name}/emails/{email_id}/{file_id}",
        "contentType": content_type,
        "originalName": name,
    }


# --- what tells emails and text messages apart ---------------------------------------------------

IN, OUT = "IN", "OUT"
SCHEDULED, ACCEPTED, UNRECOGNISED = "SCHEDULED", "ACCEPTED", "UNRECOGNISED"
UNRECOGNIZED: None = None  # the index key of messages whose sender no patient matched


@attrs.frozen
class Kind:
    """Emails or text messages: where they are kept and how their rules differ."""

    component: str  # EMAIL, SMS: the error component, and the stem of its error codes
    table: Callable[[Messages], Table]
    index: Callable[[Messages], ChildIndex]
    statuses: frozenset[str]
    received: str  # the status of an inbound message of a known patient
    texts: tuple[str, ...]  # the fields ``search`` looks in
    contact: str  # the patient's field a message goes to, and the filter on either address
    drafts: frozenset[str]  # what an update may change while the message is SCHEDULED

    def editable(self, row: Row) -> frozenset[str]:
        """The fields an update may change on ``row`` in its state: a SCHEDULED message all
        of them, an inbound one its star and its patient (``sender``), a sent one its star."""
        if row["status"] == SCHEDULED:
            return self.drafts | {"starred"}
        if row["direction"] == IN:
            return frozenset({"starred", "sender"})
        return frozenset({"starred"})

    @staticmethod
    def deletable(row: Row) -> bool:
        """Only a message not sent yet, or one no patient's address matched, may be deleted."""
        return row["status"] in (SCHEDULED, UNRECOGNISED)


EMAIL = Kind(
    "EMAIL",
    lambda messages: messages.emails,
    lambda messages: messages.emails_of,
    frozenset({SCHEDULED, ACCEPTED, "DELIVERED", "REJECTED", "FAILED", UNRECOGNISED}),
    "DELIVERED",
    ("subject", "body"),
    "email",
    frozenset({"subject", "body", "receiver", "scheduledAt", "secure", "sendNow"}),
)
SMS = Kind(
    "SMS",
    lambda messages: messages.sms,
    lambda messages: messages.sms_of,
    frozenset(
        {
            SCHEDULED,
            ACCEPTED,
            "SENT",
            "RECEIVED",
            "DELIVERED",
            "UNDELIVERED",
            "FAILED",
            UNRECOGNISED,
        }
    ),
    "RECEIVED",
    ("message",),
    "phone",
    frozenset({"message", "receiver", "scheduledAt", "sendNow"}),
)


# --- chat page tokens ----------------------------------------------------------------------------

FIND, SEARCH = "LOCAL_FIND", "LOCAL_SEARCH"


class BadToken(ValueError):
    """A page token this emulator did not issue (or not for this list)."""


def encode_token(fields: Mapping[str, Any]) -> str:
    text = json.dumps(dict(fields), separators=(",", ":"), sort_keys=True)
    return base64.b64encode(text.encode()).decode()


def decode_token(token: str, kind: str) -> dict[str, Any]:
    """The fields of a token of ``kind``; ``BadToken`` for anything else."""
    try:
        fields = json.loads(base64.b64decode(token.encode("ascii"), validate=True))
    except (UnicodeError, binascii.Error, ValueError):
        raise BadToken("not a page token") from None
    if not isinstance(fields, dict) or fields.get("type") != kind:
        raise BadToken("not a page token of this list")
    border = fields.get("border")
    size = fields.get("pageSize")
    valid = (
        isinstance(border, list)
        and len(border) == 2
        and type(border[0]) is int
        and isinstance(border[1], str)
        and type(size) is int
        and size >= 1
        and isinstance(fields.get("before"), bool)
    )
    if not valid:
        raise BadToken("not a page token of this list")
    return fields


def window(
    positions: list[tuple[int, str]], border: tuple[int, str] | None, before: bool, size: int
) -> list[tuple[int, str]]:
    """Up to ``size`` positions, newest first: the newest ones (no ``border``), the newest ones
    older than ``border`` (``before``), or the oldest ones newer than it."""
    if border is None:
        return positions[::-1][:size]
    if before:
        end = bisect.bisect_left(positions, border)
        return positions[max(0, end - size) : end][::-1]
    start = bisect.bisect_right(positions, border)
    return positions[start : start + size][::-1]


def neighbours(
    positions: list[tuple[int, str]], page: list[tuple[int, str]]
) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """The borders of the pages after (older) and before (newer) ``page``, None at an end."""
    if not page:
        return None, None
    oldest, newest = page[-1], page[0]
    older = oldest if positions and positions[0] < oldest else None
    newer = newest if positions and positions[-1] > newest else None
    return older, newer


# --- the seed ------------------------------------------------------------------------------------


def _messaged(env: Environment) -> Iterator[Row]:
    ids = env.patients.ids()[::_EVERY][:_AT_MOST]
    for patient_id in ids:
        yield env.patients.rows[patient_id]


def seed_messages(tenant: Tenant, env: Environment, seed: int) -> None:
    """A few emails, text messages and chat messages for some of ``env``'s patients."""
    if not tenant.users:
        return
    rng = family_rng(seed, "messages", tenant.name, env.name)
    clock = MESSAGES_EPOCH_MS
    number = f"+1-555-02{rng.randrange(100):02d}"
    for index, patient in enumerate(_messaged(env)):
        user = rng.choice(tenant.users)
        moments = []
        for _ in range(8):
            clock += _STEP_MS
            moments.append(env.seed_stamp(clock))
        _seed_chat(env.messages, rng, patient, user, moments[:4], archive_first=index % 2 == 0)
        _seed_mail(env.messages, rng, patient, user, moments[4:6])
        _seed_texts(env.messages, rng, patient, user, moments[6:], number=number)
    _seed_unrecognized(tenant, env, seed, clock)


def _seed_chat(
    messages: Messages,
    rng: random.Random,
    patient: Row,
    user: Row,
    moments: Iterable[int],
    *,
    archive_first: bool,
) -> None:
    patient_end = participant(PATIENT, patient["id"])
    user_end = participant(USER, user["id"], title_name=display_name(user))
    for turn, at_ms in enumerate(moments):
        message_id = chat_message_id(rng)
        if turn % 2 == 0:
            row = chat_row(message_id, rng.choice(_CARE_LINES), at_ms, user_end, patient_end)
        else:
            row = chat_row(message_id, rng.choice(_PATIENT_LINES), at_ms, patient_end)
        messages.add_chat(patient["id"], row, at_ms, at_ms, archived=archive_first and turn == 0)


def _seed_mail(
    messages: Messages, rng: random.Random, patient: Row, user: Row, moments: Iterable[int]
) -> None:
    for turn, at_ms in enumerate(moments):
        exchange = Exchange(patient, care_of(user), outbound=turn == 0, at_ms=at_ms)
        subject = rng.choice(_SUBJECTS)
        row = email_row(
            random_uuid(rng),
            exchange,
            subject=subject if turn == 0 else f"Re: {subject}",
            body=rng.choice(_CARE_LINES if turn == 0 else _PATIENT_LINES),
            external_id=email_message_id(rng, at_ms),
            care_address=user.get("email"),
            status="DELIVERED",
        )
        messages.add(EMAIL, patient["id"], row, at_ms)


def _seed_texts(
    messages: Messages,
    rng: random.Random,
    patient: Row,
    user: Row,
    moments: Iterable[int],
    *,
    number: str,
) -> None:
    for turn, at_ms in enumerate(moments):
        exchange = Exchange(patient, care_of(user), outbound=turn == 0, at_ms=at_ms)
        text = rng.choice(_CARE_LINES if turn == 0 else _PATIENT_LINES)
        row = sms_row(
            random_uuid(rng),
            exchange,
            text=text,
            external_id=sms_message_id(rng),
            number=number,
            status="DELIVERED" if turn == 0 else SMS.received,
        )
        messages.add(SMS, patient["id"], row, at_ms)


def _seed_unrecognized(tenant: Tenant, env: Environment, seed: int, clock: int) -> None:
    """A few inbound emails and text messages from addresses and numbers no patient has."""
    rng = family_rng(seed, "unrecognized-messages", tenant.name, env.name)
    messages = env.messages
    for turn in range(_UNRECOGNIZED_EACH):
        user = rng.choice(tenant.users)
        at_ms = env.seed_stamp(clock + (2 * turn + 1) * _STEP_MS)
        exchange = Exchange(None, care_of(user), outbound=False, at_ms=at_ms)
        row = email_row(
            random_uuid(rng),
            exchange,
            subject=rng.choice(_SUBJECTS),
            body=rng.choice(_PATIENT_LINES),
            external_id=email_message_id(rng, at_ms),
            care_address=user.get("email"),
            status=UNRECOGNISED,
        )
        row["from"] = f"someone{rng.randrange(1000):03d}@mail.example.org"
        messages.add(EMAIL, UNRECOGNIZED, row, at_ms)
        at_ms = env.seed_stamp(at_ms + _STEP_MS)
        exchange = Exchange(None, care_of(user), outbound=False, at_ms=at_ms)
        row = sms_row(
            random_uuid(rng),
            exchange,
            text=rng.choice(_PATIENT_LINES),
            external_id=sms_message_id(rng),
            number=OUTBOUND_NUMBER,
            status=UNRECOGNISED,
        )
        row["from"] = f"+1-555-03{rng.randrange(100):02d}"
        messages.add(SMS, UNRECOGNIZED, row, at_ms)
