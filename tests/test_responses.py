"""Reading answers without a server: ``api_error`` picks the typed error of a status and reads
each kind of error body; ``decode_json`` reads a successful body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from welkin_async._responses import api_error, decode_json
from welkin_async._transport import RawResponse
from welkin_async.errors import (
    APIError,
    AuthenticationError,
    BadRequest,
    Conflict,
    DecodeError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    UnprocessableEntity,
)

CANARY = "Zelda-7731-canary"
TEMPLATE = "patients/{id}"


def answer(status: int, body: Any = b"") -> RawResponse:
    """An answer with ``body`` as given (bytes) or as JSON (anything else)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return RawResponse(status, {}, raw)


def live_error(**overrides: Any) -> dict[str, Any]:
    """One item of the live API's error array."""
    item: dict[str, Any] = {
        "errorCode": "PATIENT_NOT_FOUND",
        "componentType": "PATIENT",
        "message": "Patient doesn't exist",
        "details": {"parameter": "type"},
        "date": "2025-01-01T00:00:00.000Z",
    }
    return {**item, **overrides}


def error_of(response: RawResponse, **options: Any) -> APIError:
    return api_error(response, "GET", TEMPLATE, **options)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequest),
        (401, AuthenticationError),
        (403, PermissionDenied),
        (404, NotFound),
        (409, Conflict),
        (422, UnprocessableEntity),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
        (418, APIError),
    ],
)
def test_each_status_maps_to_its_error_class(status: int, cls: type[APIError]) -> None:
    """An error status gives exactly its class (an unlisted 4xx the plain APIError)."""
    error = error_of(answer(status, [live_error()]))
    assert type(error) is cls
    assert (error.status, error.method, error.path) == (status, "GET", TEMPLATE)


def test_a_rate_limited_error_carries_the_wait() -> None:
    """A 429 keeps the retry_after it was given."""
    error = error_of(answer(429), retry_after=2.5)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 2.5


@pytest.mark.parametrize("body", [[live_error()], live_error()], ids=["array", "object"])
def test_a_live_error_is_read_from_an_array_or_a_single_object(body: Any) -> None:
    """The code, component, message and details come from the array's item or a lone object."""
    error = error_of(answer(404, body))
    assert (error.error_code, error.component_type) == ("PATIENT_NOT_FOUND", "PATIENT")
    assert (error.message, error.details) == ("Patient doesn't exist", {"parameter": "type"})


def test_an_oauth_error_body_is_read() -> None:
    """``error`` becomes the code and ``error_description`` the message."""
    body = {"error": "invalid_client", "error_description": "Client authentication failed"}
    error = error_of(answer(401, body), token_endpoint=True)
    assert (error.error_code, error.message) == ("invalid_client", "Client authentication failed")
    assert (error.component_type, error.details) == (None, {})


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502</h1>Bad gateway</body></html>",
        b"",
        b"  \n",
        b"[]",
        b'["not an object"]',
        b'"a string"',
    ],
    ids=["html", "empty", "blank", "empty-array", "array-of-string", "string"],
)
def test_a_body_without_an_error_document_gives_no_fields(body: bytes) -> None:
    """An HTML page, an empty body or JSON that is no error document leaves every field unset."""
    error = error_of(answer(502, body))
    assert isinstance(error, ServerError)
    fields = (error.error_code, error.component_type, error.message, error.details)
    assert fields == (None, None, None, {})


def test_details_that_are_not_an_object_are_dropped() -> None:
    """A ``details`` value that is not an object leaves ``details`` empty."""
    error = error_of(answer(400, [live_error(details=["field", "mrn"])]))
    assert error.details == {}


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500, 503])
def test_the_token_endpoint_always_gives_authentication_error(status: int) -> None:
    """Any error answer of the token endpoint is an AuthenticationError with its status."""
    error = api_error(answer(status, [live_error()]), "POST", "oauth/token", token_endpoint=True)
    assert type(error) is AuthenticationError
    assert error.status == status


def test_the_servers_message_and_details_stay_out_of_the_text() -> None:
    """The server's message and a detail such as requestURI never reach str() or repr()."""
    body = [live_error(message=f"bad {CANARY}", details={"requestURI": f"/acme/{CANARY}"})]
    error = error_of(answer(403, body))
    assert error.message == f"bad {CANARY}"
    assert error.details == {"requestURI": f"/acme/{CANARY}"}
    assert CANARY not in str(error)
    assert CANARY not in repr(error)


def test_naming_details_reach_the_text() -> None:
    """The detail keys that name a field or a parameter are shown in str(), after the code."""
    body = [live_error(errorCode="INVALID", details={"field": "mrn", "parameter": "size"})]
    assert str(error_of(answer(400, body))) == (
        "GET patients/{id}: HTTP 400 INVALID (PATIENT) [field=mrn, parameter=size]"
    )


@pytest.mark.parametrize("body", [b"", b" \r\n"], ids=["empty", "blank"])
def test_decode_json_of_an_empty_body_is_none(body: bytes) -> None:
    """An empty (204) or blank body decodes to None."""
    assert decode_json(answer(204, body), "DELETE", TEMPLATE) is None


def test_decode_json_returns_the_document() -> None:
    """A JSON body decodes to its document."""
    assert decode_json(answer(200, {"id": "p-1", "tags": [1]}), "GET", TEMPLATE) == {
        "id": "p-1",
        "tags": [1],
    }


def test_decode_json_of_malformed_json_raises_decode_error_without_context() -> None:
    """Malformed JSON raises DecodeError naming the call, with no chained parser error (which
    would hold the body) and no part of the body in its text."""
    with pytest.raises(DecodeError) as caught:
        decode_json(answer(200, b'{"id": "' + CANARY.encode() + b'"'), "GET", TEMPLATE)
    error = caught.value
    assert error.__context__ is None
    assert error.__cause__ is None
    assert str(error) == (
        "cannot decode the answer to GET patients/{id}: $: expected JSON document, "
        "got malformed JSON"
    )
