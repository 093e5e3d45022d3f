"""Standard Webhooks verification: reference vectors, typed events, every failure reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook

from welkin_async import unstructure
from welkin_async.errors import ConfigurationError, DecodeError
from welkin_async.webhooks import (
    DEFAULT_TOLERANCE,
    WebhookEvent,
    WebhookEventEntity,
    WebhookEventSubtype,
    WebhookFailure,
    WebhookVerificationError,
    WebhookVerifier,
    verify,
)

# The worked example of the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

OLD_SECRET = "whsec_" + base64.b64encode(b"old secret for the rotation test").decode()
NEW_SECRET = "whsec_" + base64.b64encode(b"new secret for the rotation test").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"a secret nobody configured here").decode()

NOW = 1_700_000_000
MESSAGE_ID = "msg_2mXhVqa0Jt6Lr1pPyqH8cN3oE5d"
PATIENT_ID = "7c1f3a52-0d7e-4b8e-9a61-3f2a9b8c4d10"
SOURCE_ID = "0b9e4c7a-1f2d-4e3b-8a5c-6d7e8f901a2b"
EVENT: dict[str, Any] = {
    "tenantName": "acme",
    "instanceName": "acme-prod",
    "sourceName": "patients",
    "sourceId": SOURCE_ID,
    "patientId": PATIENT_ID,
    "eventEntity": "PATIENT",
    "eventSubtype": "PATIENT_UPDATED",
    "url": f"https://api.live.welkincloud.io/acme/acme-prod/patients/{SOURCE_ID}",
}


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _sign(secret: str, body: bytes, *, msg_id: str = MESSAGE_ID, timestamp: int = NOW) -> str:
    """The signature header the reference library's signer writes for this delivery."""
    return Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, UTC), body.decode())


def _headers(
    secret: str, body: bytes, *, msg_id: str = MESSAGE_ID, timestamp: int = NOW
) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": _sign(secret, body, msg_id=msg_id, timestamp=timestamp),
    }


def _verifier(secrets: str | list[str] = SPEC_SECRET, **options: Any) -> WebhookVerifier:
    clock: Callable[[], float] = lambda: NOW  # noqa: E731
    return WebhookVerifier(secrets, clock=clock, **options)


def _rejection(body: bytes, headers: dict[str, str], **options: Any) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as caught:
        _verifier(**options).verify(body, headers)
    return caught.value


# --- reference vectors ---------------------------------------------------------------------------


def test_reference_signer_reproduces_the_spec_example() -> None:
    """The reference signer writes the signature the specification gives for its example."""
    moment = datetime.fromtimestamp(SPEC_TIMESTAMP, UTC)
    assert Webhook(SPEC_SECRET).sign(SPEC_ID, moment, SPEC_BODY) == SPEC_SIGNATURE


def test_spec_example_verifies() -> None:
    """The specification's example delivery verifies, its unknown key kept in wire_extra."""
    verifier = WebhookVerifier(SPEC_SECRET, clock=lambda: SPEC_TIMESTAMP)
    headers = {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }
    event = verifier.verify(SPEC_BODY.encode(), headers)
    assert isinstance(event, WebhookEvent)
    assert dict(event.wire_extra) == json.loads(SPEC_BODY)


VECTOR_BODIES = {
    "ascii": {"tenantName": "acme", "note": "plain ascii text"},
    "unicode": {"tenantName": "Zoë 診療所 🩺", "sourceName": "ünïcödé\u2028line"},
    "empty-object": {},
    "event": EVENT,
}


@pytest.mark.parametrize("payload", VECTOR_BODIES.values(), ids=VECTOR_BODIES.keys())
@pytest.mark.parametrize("secret", [SPEC_SECRET, OLD_SECRET], ids=["spec-secret", "other-secret"])
def test_reference_vectors_verify(payload: dict[str, Any], secret: str) -> None:
    """A delivery signed by the reference signer verifies and decodes to the payload sent."""
    body = _body(payload)
    event = _verifier(secret).verify(body, _headers(secret, body))
    assert isinstance(event, WebhookEvent)
    assert unstructure(event) == payload


def test_module_level_verify_uses_the_wall_clock() -> None:
    """verify() checks a delivery signed just now against the real clock and a secret list."""
    body = _body(EVENT)
    headers = _headers(NEW_SECRET, body, timestamp=int(time.time()))
    event = verify(body, headers, [OLD_SECRET, NEW_SECRET])
    assert event.source_id == SOURCE_ID


def test_module_level_verify_passes_the_tolerance() -> None:
    """verify(tolerance=...) rejects a delivery older than the tolerance given."""
    body = _body(EVENT)
    headers = _headers(SPEC_SECRET, body, timestamp=int(time.time()) - 100)
    with pytest.raises(WebhookVerificationError) as caught:
        verify(body, headers, SPEC_SECRET, tolerance=50)
    assert caught.value.reason is WebhookFailure.TOO_OLD


# --- the typed event -----------------------------------------------------------------------------


def test_event_fields_are_typed() -> None:
    """Every predefined field of a delivery reaches its typed attribute."""
    body = _body(EVENT)
    event = _verifier().verify(body, _headers(SPEC_SECRET, body))
    assert event.tenant_name == EVENT["tenantName"]
    assert event.instance_name == EVENT["instanceName"]
    assert event.source_name == EVENT["sourceName"]
    assert event.source_id == EVENT["sourceId"]
    assert event.patient_id == UUID(EVENT["patientId"])
    assert event.event_entity is WebhookEventEntity(EVENT["eventEntity"])
    assert event.url == EVENT["url"]
    assert not event.wire_extra


def test_known_subtype_is_an_enum_member() -> None:
    """A subtype the enum declares comes back as that declared member."""
    body = _body(EVENT)
    event = _verifier().verify(body, _headers(SPEC_SECRET, body))
    assert event.event_subtype is WebhookEventSubtype.PATIENT_UPDATED
    assert event.event_subtype.known


def test_unknown_subtype_is_kept_raw() -> None:
    """A subtype the enum lacks is kept as received, not refused."""
    body = _body({**EVENT, "eventSubtype": "PATIENT_MERGED"})
    event = _verifier().verify(body, _headers(SPEC_SECRET, body))
    subtype = event.event_subtype
    assert isinstance(subtype, WebhookEventSubtype)
    assert not subtype.known
    assert subtype == "PATIENT_MERGED"


# --- any single changed byte ---------------------------------------------------------------------

FLIP_BODY = _body({**EVENT, "sourceName": "Zoë's clinic 診療所"})
FLIP_HEADERS = _headers(SPEC_SECRET, FLIP_BODY)
PARTS = ("body", "webhook-id", "webhook-timestamp", "webhook-signature")


@st.composite
def _flips(draw: st.DrawFn) -> tuple[str, int, int]:
    part = draw(st.sampled_from(PARTS))
    length = len(FLIP_BODY) if part == "body" else len(FLIP_HEADERS[part].encode())
    return part, draw(st.integers(0, length - 1)), draw(st.integers(1, 255))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(flip=_flips())
def test_any_single_changed_byte_is_rejected(flip: tuple[str, int, int]) -> None:
    """XOR-ing any one byte of the body, id, timestamp or signature makes verification fail.

    Header values are turned into bytes (ASCII), one byte is flipped with a non-zero mask and the
    result is decoded as Latin-1, the way WSGI and ASGI servers hand header bytes over: every
    flipped byte is then a real one-character change, and no example is skipped. aiohttp's
    surrogateescape decoding is pinned separately (test_undecodable_header_byte_is_rejected).
    """
    part, position, mask = flip
    body, headers = FLIP_BODY, dict(FLIP_HEADERS)
    original = body if part == "body" else headers[part].encode()
    changed = bytearray(original)
    changed[position] ^= mask
    if part == "body":
        body = bytes(changed)
    else:
        headers[part] = changed.decode("latin-1")
    with pytest.raises(WebhookVerificationError):
        _verifier().verify(body, headers)


def test_unchanged_flip_delivery_verifies() -> None:
    """The delivery the byte-flip property starts from verifies as sent."""
    assert _verifier().verify(FLIP_BODY, FLIP_HEADERS).source_id == SOURCE_ID


# --- the timestamp -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(-301, WebhookFailure.TOO_OLD), (301, WebhookFailure.TOO_NEW)],
    ids=["301s-old", "301s-ahead"],
)
def test_timestamp_beyond_default_tolerance_is_rejected(
    offset: int, reason: WebhookFailure
) -> None:
    """A timestamp 301 s away from now, either way, fails with too_old or too_new."""
    assert DEFAULT_TOLERANCE == 300
    body = _body(EVENT)
    error = _rejection(body, _headers(SPEC_SECRET, body, timestamp=NOW + offset))
    assert error.reason is reason


@pytest.mark.parametrize("offset", [-300, 300], ids=["300s-old", "300s-ahead"])
def test_timestamp_at_default_tolerance_verifies(offset: int) -> None:
    """A timestamp exactly 300 s away from now, either way, still verifies."""
    body = _body(EVENT)
    event = _verifier().verify(body, _headers(SPEC_SECRET, body, timestamp=NOW + offset))
    assert event.source_id == SOURCE_ID


@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (-11, WebhookFailure.TOO_OLD),
        (11, WebhookFailure.TOO_NEW),
        (-10, None),
        (10, None),
    ],
)
def test_custom_tolerance_bounds_the_timestamp(offset: int, reason: WebhookFailure | None) -> None:
    """With tolerance=10 a timestamp 10 s away verifies and one 11 s away does not."""
    body = _body(EVENT)
    headers = _headers(SPEC_SECRET, body, timestamp=NOW + offset)
    if reason is None:
        assert _verifier(tolerance=10).verify(body, headers).source_id == SOURCE_ID
    else:
        assert _rejection(body, headers, tolerance=10).reason is reason


def test_negative_tolerance_is_refused() -> None:
    """A negative tolerance is a configuration error."""
    with pytest.raises(ConfigurationError):
        _verifier(tolerance=-1)


# --- secret rotation and several signatures ------------------------------------------------------


@pytest.mark.parametrize("secret", [OLD_SECRET, NEW_SECRET], ids=["old", "new"])
def test_either_rotated_secret_verifies(secret: str) -> None:
    """During a rotation a delivery signed with the old or the new secret verifies."""
    body = _body(EVENT)
    event = _verifier([OLD_SECRET, NEW_SECRET]).verify(body, _headers(secret, body))
    assert event.source_id == SOURCE_ID


def test_third_secret_is_rejected() -> None:
    """A delivery signed with a secret outside the rotation fails with no_matching_signature."""
    body = _body(EVENT)
    error = _rejection(body, _headers(OTHER_SECRET, body), secrets=[OLD_SECRET, NEW_SECRET])
    assert error.reason is WebhookFailure.NO_MATCHING_SIGNATURE


@pytest.mark.parametrize("matching_first", [True, False], ids=["match-first", "match-last"])
def test_one_matching_entry_among_several_verifies(matching_first: bool) -> None:
    """A signature header with several v1 entries verifies when any one of them matches."""
    body = _body(EVENT)
    good = _sign(SPEC_SECRET, body)
    other = _sign(OTHER_SECRET, body)
    entries = [good, other] if matching_first else [other, good]
    headers = {**_headers(SPEC_SECRET, body), "webhook-signature": " ".join(entries)}
    assert _verifier().verify(body, headers).source_id == SOURCE_ID


# --- each failure reason -------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
@pytest.mark.parametrize("empty", [False, True], ids=["absent", "empty"])
def test_missing_header_is_rejected(header: str, empty: bool) -> None:
    """An absent or empty required header fails with missing_header naming that header."""
    body = _body(EVENT)
    headers = _headers(SPEC_SECRET, body)
    if empty:
        headers[header] = ""
    else:
        del headers[header]
    error = _rejection(body, headers)
    assert error.reason is WebhookFailure.MISSING_HEADER
    assert error.header == header


def test_header_names_are_case_insensitive() -> None:
    """Header names in any letter case are found."""
    body = _body(EVENT)
    headers = _headers(SPEC_SECRET, body)
    spelled = {
        "Webhook-Id": headers["webhook-id"],
        "WEBHOOK-TIMESTAMP": headers["webhook-timestamp"],
        "Webhook-Signature": headers["webhook-signature"],
    }
    assert _verifier().verify(body, spelled).source_id == SOURCE_ID


@pytest.mark.parametrize(
    "stamp",
    [
        f"{NOW}x",
        "17OOOOOOOO",
        f"{NOW}.0",
        f"{NOW}.5",
        f"0{NOW}",
        f"-{NOW}",
        f"+{NOW}",
        f" {NOW}",
        "1.7e9",
        "".join(chr(0x0660 + int(d)) for d in str(NOW)),  # Arabic-Indic digits
        "9" * 13,
    ],
    ids=[
        "trailing-letter",
        "letters",
        "fraction-zero",
        "fraction",
        "leading-zero",
        "negative",
        "plus-sign",
        "leading-space",
        "exponent",
        "non-ascii-digits",
        "13-digits",
    ],
)
def test_bad_timestamp_is_rejected(stamp: str) -> None:
    """A timestamp that is not whole Unix seconds in canonical digits fails with bad_timestamp."""
    body = _body(EVENT)
    headers = {**_headers(SPEC_SECRET, body), "webhook-timestamp": stamp}
    error = _rejection(body, headers)
    assert error.reason is WebhookFailure.BAD_TIMESTAMP
    assert error.header == "webhook-timestamp"


@pytest.mark.parametrize("version", ["v1a", "v2", "V1", "v0", "v11"])
def test_other_signature_versions_are_ignored(version: str) -> None:
    """A correct signature labelled with any version but v1 does not verify."""
    body = _body(EVENT)
    digest = _sign(SPEC_SECRET, body).removeprefix("v1,")
    headers = {**_headers(SPEC_SECRET, body), "webhook-signature": f"{version},{digest}"}
    assert _rejection(body, headers).reason is WebhookFailure.NO_MATCHING_SIGNATURE


MALFORMED_ENTRIES = ["v1", "v1,", ",,,", "v1,a,b", "garbage", "v1,%%%%", "\t"]


def test_malformed_entries_are_ignored_beside_a_match() -> None:
    """Malformed signature entries are skipped, and a matching entry among them verifies."""
    body = _body(EVENT)
    good = _sign(SPEC_SECRET, body)
    headers = {
        **_headers(SPEC_SECRET, body),
        "webhook-signature": " ".join([*MALFORMED_ENTRIES, good]),
    }
    assert _verifier().verify(body, headers).source_id == SOURCE_ID


@pytest.mark.parametrize("entry", MALFORMED_ENTRIES)
def test_malformed_entry_alone_is_no_matching_signature(entry: str) -> None:
    """A header of only a malformed entry fails with no_matching_signature, not ValueError."""
    body = _body(EVENT)
    headers = {**_headers(SPEC_SECRET, body), "webhook-signature": entry}
    assert _rejection(body, headers).reason is WebhookFailure.NO_MATCHING_SIGNATURE


def test_non_utf8_body_is_no_matching_signature() -> None:
    """A body that is not UTF-8 fails with no_matching_signature even under an HMAC of its bytes."""
    body = b'{"tenantName": "acme\xff"}'
    key = base64.b64decode(SPEC_SECRET.removeprefix("whsec_"))
    digest = hmac.new(key, f"{MESSAGE_ID}.{NOW}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "webhook-id": MESSAGE_ID,
        "webhook-timestamp": str(NOW),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    error = _rejection(body, headers)
    assert error.reason is WebhookFailure.NO_MATCHING_SIGNATURE
    # A UnicodeDecodeError in the context would hold the whole body in its ``object``.
    assert error.__context__ is None
    assert error.__cause__ is None


# --- exact signature text ------------------------------------------------------------------------


def _same_bytes_other_text(signature: str) -> dict[str, str]:
    """Spellings of ``v1,<base64>`` that decode to the same bytes but differ as text."""
    digest = signature.removeprefix("v1,")
    assert digest.endswith("=")
    assert not digest.endswith("==")  # 32 bytes: one pad character, two unused bits before it
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(digest[-2])
    padding_bits = alphabet[(last & ~0b11) | (~last & 0b11)]
    return {
        "padding-bits": f"v1,{digest[:-2]}{padding_bits}=",
        "unpadded": f"v1,{digest[:-1]}",
        "extra-padding": f"v1,{digest}=",
    }


SIGNATURE_SPELLINGS = _same_bytes_other_text(FLIP_HEADERS["webhook-signature"])


@pytest.mark.parametrize("spelling", SIGNATURE_SPELLINGS.values(), ids=SIGNATURE_SPELLINGS.keys())
def test_other_base64_spelling_is_rejected(spelling: str) -> None:
    """A signature spelled differently in base64 but decoding to the same bytes does not verify."""
    original = FLIP_HEADERS["webhook-signature"]
    assert spelling != original

    def decoded(text: str) -> bytes:
        digest = text.removeprefix("v1,")
        return base64.b64decode(digest + "=" * (-len(digest) % 4))

    assert decoded(spelling) == decoded(original)
    headers = {**FLIP_HEADERS, "webhook-signature": spelling}
    error = _rejection(FLIP_BODY, headers)
    assert error.reason is WebhookFailure.NO_MATCHING_SIGNATURE


# --- secrets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        SPEC_SECRET.removeprefix("whsec_"),
        "WHSEC_" + SPEC_SECRET.removeprefix("whsec_"),
        "whsec",
        "",
        "your-webhook-secret-here",
    ],
    ids=["bare-base64", "upper-prefix", "prefix-only-no-underscore", "empty", "placeholder"],
)
def test_secret_without_whsec_prefix_is_refused(secret: str) -> None:
    """A secret that does not start with whsec_ is a configuration error."""
    with pytest.raises(ConfigurationError):
        WebhookVerifier(secret)


@pytest.mark.parametrize("secret", ["whsec_", "whsec_=", "whsec_a"], ids=["empty", "pad", "short"])
def test_whsec_secret_without_key_bytes_is_refused(secret: str) -> None:
    """A whsec_ secret whose base64 is empty or undecodable is a configuration error."""
    with pytest.raises(ConfigurationError):
        WebhookVerifier(secret)


def test_secret_in_list_without_prefix_is_refused() -> None:
    """One secret of a rotation list lacking whsec_ is refused, not skipped."""
    with pytest.raises(ConfigurationError):
        WebhookVerifier([OLD_SECRET, NEW_SECRET.removeprefix("whsec_")])


def test_empty_secret_list_is_refused() -> None:
    """An empty list of secrets is a configuration error."""
    with pytest.raises(ConfigurationError):
        WebhookVerifier([])


@pytest.mark.parametrize(
    "canary",
    ["CANARYsecretVALUE", "whsec_CANARYsecretVALUE"],
    ids=["no-prefix", "undecodable"],  # 17 base64 characters cannot be decoded
)
def test_refused_secret_is_not_in_the_error(canary: str) -> None:
    """The error refusing a malformed secret does not quote the secret, nor does its context."""
    with pytest.raises(ConfigurationError) as caught:
        WebhookVerifier(["whsec_" + base64.b64encode(b"fine").decode(), canary])
    chain: list[BaseException] = []
    error: BaseException | None = caught.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    for link in chain:
        assert "CANARY" not in f"{link!s} {link!r} {link.args!r}"


def test_verifier_repr_hides_the_secrets() -> None:
    """repr(WebhookVerifier) names how many secrets it holds, never their text."""
    text = repr(_verifier([OLD_SECRET, NEW_SECRET]))
    for secret in (OLD_SECRET, NEW_SECRET):
        assert secret.removeprefix("whsec_") not in text
        assert secret.removeprefix("whsec_")[:8] not in text
    assert "2 secrets" in text


BODY_CANARY = "CANARY-body-7f3a91"
LEAK_BODY = _body({**EVENT, "sourceName": BODY_CANARY, "tenantName": BODY_CANARY + "-tenant"})


def _leak_cases() -> dict[str, tuple[bytes, dict[str, str]]]:
    good = _headers(SPEC_SECRET, LEAK_BODY)
    return {
        "no-match": (LEAK_BODY, _headers(OTHER_SECRET, LEAK_BODY)),
        "too-old": (LEAK_BODY, _headers(SPEC_SECRET, LEAK_BODY, timestamp=NOW - 3600)),
        "too-new": (LEAK_BODY, _headers(SPEC_SECRET, LEAK_BODY, timestamp=NOW + 3600)),
        "bad-timestamp": (LEAK_BODY, {**good, "webhook-timestamp": "soon"}),
        "missing-header": (LEAK_BODY, {k: v for k, v in good.items() if k != "webhook-id"}),
        "non-utf8": (LEAK_BODY + b"\xff", good),
    }


LEAK_CASES = _leak_cases()


@pytest.mark.parametrize(("body", "headers"), LEAK_CASES.values(), ids=LEAK_CASES.keys())
def test_verification_error_hides_secret_signature_and_body(
    body: bytes, headers: dict[str, str]
) -> None:
    """A verification error's text never holds the secret, the signature or the body."""
    error = _rejection(body, headers)
    text = f"{error!s} {error!r} {error.args!r}"
    assert BODY_CANARY not in text
    for secret in (SPEC_SECRET, OTHER_SECRET):
        assert secret.removeprefix("whsec_") not in text
    digest = headers["webhook-signature"].removeprefix("v1,")
    assert digest not in text
    assert digest[:12] not in text


# --- verification before parsing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"not json " + BODY_CANARY.encode(), b"[1, 2]", b'"a string"', b"null", b"42", b""],
    ids=["not-json", "array", "string", "null", "number", "empty"],
)
def test_signed_non_event_body_is_decode_error(body: bytes) -> None:
    """A correctly signed body that is not a JSON object raises DecodeError, its text unquoted."""
    with pytest.raises(DecodeError) as caught:
        _verifier().verify(body, _headers(SPEC_SECRET, body))
    assert BODY_CANARY not in f"{caught.value!s} {caught.value!r}"


def test_unsigned_garbage_body_is_verification_error() -> None:
    """A garbage body under a signature of another body fails verification before any parsing."""
    garbage = b"not json at all {{{"
    headers = _headers(SPEC_SECRET, _body(EVENT))
    assert _rejection(garbage, headers).reason is WebhookFailure.NO_MATCHING_SIGNATURE


def test_check_returns_the_id_without_parsing() -> None:
    """check() returns the webhook-id of a correctly signed body even when it is not JSON."""
    body = b"not json"
    assert _verifier().check(body, _headers(SPEC_SECRET, body)) == MESSAGE_ID


# --- library bugs --------------------------------------------------------------------------------


# Was a bug: aiohttp decodes header bytes with surrogateescape, so a byte that is not UTF-8
# arrives as a lone surrogate, and the verifier's .encode() raised UnicodeEncodeError (a 500).
def test_undecodable_signature_entry_is_ignored_beside_a_match() -> None:
    """A signature entry carrying a non-UTF-8 byte (as aiohttp decodes it) is skipped; the valid
    entry beside it still verifies."""
    signatures = FLIP_HEADERS["webhook-signature"] + " v1,\udcff"
    headers = {**FLIP_HEADERS, "webhook-signature": signatures}
    assert isinstance(_verifier().verify(FLIP_BODY, headers), WebhookEvent)


def test_undecodable_id_byte_is_rejected() -> None:
    """A webhook-id carrying a non-UTF-8 byte (as aiohttp decodes it) was never signed: it fails
    with no_matching_signature, not an encoding error."""
    headers = {**FLIP_HEADERS, "webhook-id": MESSAGE_ID + "\udcff"}
    with pytest.raises(WebhookVerificationError) as caught:
        _verifier().verify(FLIP_BODY, headers)
    assert caught.value.reason is WebhookFailure.NO_MATCHING_SIGNATURE


# Was a bug: with a tolerance wide enough, a 12-digit timestamp passed the time check and then
# datetime.fromtimestamp raised ValueError ("year 33658 is out of range").
def test_unrepresentable_timestamp_is_a_bad_timestamp() -> None:
    """A timestamp past the year 9999 is bad_timestamp, even when its age would be tolerated."""
    headers = {**FLIP_HEADERS, "webhook-timestamp": "999999999999"}
    with pytest.raises(WebhookVerificationError) as caught:
        _verifier(tolerance=1e13).verify(FLIP_BODY, headers)
    assert caught.value.reason is WebhookFailure.BAD_TIMESTAMP


def test_infinite_tolerance_is_refused() -> None:
    """An infinite tolerance is a configuration error (use a large finite one)."""
    with pytest.raises(ConfigurationError):
        _verifier(tolerance=math.inf)


# Was a bug: tolerance=nan passed the "cannot be negative" check, and every comparison with nan is
# false, so the timestamp check was silently switched off.
def test_nan_tolerance_is_refused() -> None:
    """A tolerance that is not a number is a configuration error."""
    with pytest.raises(ConfigurationError):
        _verifier(tolerance=math.nan)
