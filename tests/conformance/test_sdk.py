"""The SDK against the live-API recordings: one test per recording, replayed over loopback HTTP.

For a recording the catalog covers, the public SDK method is called against a server that
answers with the recording, and the test checks that the method sent exactly the recorded
request, that the recorded answer decodes into the method's model with every key typed and
round-trips exactly, and that the method returns that model (or raises the typed error of a
recorded error status, whose text leaks neither ids, details nor the server's message).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conformance._catalog import UntypedRequest, family_of, find_operation, page_items
from tests.conformance._operation import Operation
from tests.conformance._recordings import Recording, require_recordings
from tests.conformance._registry import Registry
from tests.conformance._replay import (
    CLIENT_NAME,
    EXHAUSTED,
    INSTANCE,
    SECRET,
    TENANT,
    CapturedRequest,
    ReplayServer,
)
from tests.conformance._shapes import (
    request_matches,
    untyped_keys,
    value_differences,
)
from welkin_async._serde import structure, unstructure
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
    WelkinError,
)

RECORDINGS = require_recordings()
pytestmark = pytest.mark.conformance("sdk")

_ERRORS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: UnprocessableEntity,
    429: RateLimited,
}
# errors.py promises that an error's text may show these detail keys' values (they name a field
# or a parameter, never a value); every other detail stays off the text.
_NAMING_DETAILS = frozenset({"cdtName", "field", "parameter", "path", "row"})
_SHOWN = 8  # differences listed per check before "... and N more"


def _listed(prefix: str, differences: list[str]) -> list[str]:
    shown = [f"{prefix}{d}" for d in differences[:_SHOWN]]
    if len(differences) > _SHOWN:
        shown.append(f"{prefix}... and {len(differences) - _SHOWN} more")
    return shown


def _mentions(text: str, value: str) -> bool:
    """Whether ``value`` appears in ``text`` as a whole word (not inside a longer name)."""
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None


def _expected_error(operation: Operation, status: int) -> type[APIError]:
    if operation.token_exchange:
        return AuthenticationError  # any failure of the token endpoint
    if status >= 500:
        return ServerError
    return _ERRORS.get(status, APIError)


# --- the checks ----------------------------------------------------------------------------------


def _request_problems(
    operation: Operation, recording: Recording, server: ReplayServer
) -> list[str]:
    """(i) The request (the token exchange, for the auth recording) equals the recording."""
    sent: list[CapturedRequest]
    if operation.token_exchange:
        sent, allowed = server.token_requests, 1
    else:  # a recorded 401 is replayed once with a fresh token, by design
        sent, allowed = server.api_requests, 2 if recording.status == 401 else 1
    if not sent:
        return ["no request reached the server"]
    problems = []
    if len(sent) > allowed:
        problems.append(
            f"{len(sent)} requests were sent for one recorded exchange (at most {allowed}"
            + (
                f"; the replay stopped answering after {server.max_requests}: the SDK kept "
                "asking for pages past a last page)"
                if len(sent) > server.max_requests
                else ")"
            )
        )
    for index, request in enumerate(sent[:allowed]):
        differences = request_matches(
            recording, request, tenant=TENANT, instance=INSTANCE, client_name=CLIENT_NAME
        )
        problems += _listed(f"request {index + 1}: ", differences)
    return problems


def _write_model_problems(operation: Operation, recording: Recording) -> list[str]:
    """The recorded request body is what the SDK's write model represents, key for key."""
    if operation.write_model is None:
        return []
    body = recording.request_body if recording.request_body is not None else {}
    try:
        model = structure(body, operation.write_model)
    except DecodeError as exc:
        return [f"the recorded request body does not fit {exc}"]
    problems = _listed("request body: ", untyped_keys(model))
    return problems + _listed(
        "request body round trip: ", value_differences(body, unstructure(model))
    )


def _answer_problems(
    operation: Operation,
    recording: Recording,
    server: ReplayServer,
    returned: Any,
    error: BaseException | None,
) -> list[str]:
    """(ii) A 2xx answer decodes exactly, every key typed, and is what the method returns."""
    problems = []
    if error is not None:
        problems.append(f"the call raised {type(error).__name__}: {error}")
    if operation.answer is None:
        if returned is not None:
            problems.append(f"the method returned {type(returned).__name__}, not None")
        return problems
    try:
        model = structure(recording.response_body, operation.answer)
    except DecodeError as exc:
        return [*problems, f"the recorded answer does not decode: {exc}"]
    problems += _listed(
        "answer round trip: ", value_differences(recording.response_body, unstructure(model))
    )
    problems += _listed("answer: ", untyped_keys(model))
    if error is not None:
        return problems
    if operation.token_exchange:
        authorization = [r.headers.get("Authorization") for r in server.api_requests]
        wanted = f"Bearer {model.token}"
        if authorization[:1] != [wanted]:
            problems.append("the call after the exchange did not carry the recorded token")
        return problems
    expected = page_items(model) if operation.listing else model
    if returned != expected:
        differences = value_differences(unstructure(expected), unstructure(returned))
        problems += _listed(
            "returned value (vs. the structured recording): ",
            differences or [f"equal JSON, but {type(returned).__name__} != model"],
        )
    return problems


def _error_problems(
    operation: Operation, recording: Recording, found: re.Match[str], error: BaseException | None
) -> list[str]:
    """(iii) An error status raises its typed error; the text leaks no id, detail or message."""
    wanted = _expected_error(operation, recording.status)
    if error is None:
        return [f"the call returned instead of raising {wanted.__name__}"]
    if not isinstance(error, wanted):
        return [f"the call raised {type(error).__name__}: {error}; expected {wanted.__name__}"]
    assert isinstance(error, APIError)
    problems = []
    recorded = recording.error or {}
    expected_fields: dict[str, object] = {
        "status": recording.status,
        "error_code": recorded.get("errorCode"),
        "component_type": recorded.get("componentType"),
        "message": recorded.get("message"),
        "details": recorded.get("details") if isinstance(recorded.get("details"), dict) else {},
    }
    for attribute, value in expected_fields.items():
        if getattr(error, attribute) != value:
            problems.append(f".{attribute} is {getattr(error, attribute)!r}, recorded {value!r}")
    text = str(error)
    message = recorded.get("message")
    if isinstance(message, str) and message and message in text:
        problems.append("the error's text quotes the server's message (kept for .message)")
    ids = [] if operation.token_exchange else [v for v in found.groupdict().values() if v]
    problems += [f"the error's text shows the path value {v!r}" for v in ids if _mentions(text, v)]
    body = recording.request_body
    secret = body.get("secret") if operation.token_exchange and isinstance(body, dict) else None
    if isinstance(secret, str) and secret and secret in text:
        problems.append("the error's text shows the API client's secret")
    allowed = {recorded.get("errorCode"), recorded.get("componentType")}
    details = recorded.get("details")
    for key, value in details.items() if isinstance(details, dict) else ():
        if key in _NAMING_DETAILS or not isinstance(value, str) or not value:
            continue
        if value not in allowed and _mentions(text, value):
            problems.append(f"the error's text shows details[{key!r}]")
    return problems


async def _replay(operation: Operation, found: re.Match[str], recording: Recording) -> list[str]:
    secret = SECRET
    if operation.token_exchange and isinstance(recording.request_body, dict):
        secret = str(recording.request_body.get("secret", SECRET))
    returned: Any = None
    error: BaseException | None = None
    async with ReplayServer(recording) as server, server.client(secret=secret) as client:
        try:
            returned = await operation.invoke(client, found, recording)
        except (WelkinError, UntypedRequest) as exc:
            error = exc
    problems = _request_problems(operation, recording, server)
    problems += _write_model_problems(operation, recording)
    if isinstance(error, APIError) and error.error_code == EXHAUSTED:
        return problems  # the page bound, already reported with the requests
    if 200 <= recording.status < 300:
        problems += _answer_problems(operation, recording, server, returned, error)
    else:
        problems += _error_problems(operation, recording, found, error)
    return problems


@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
async def test_sdk_conforms_to_the_recording(recording: Recording, conformance: Registry) -> None:
    """The SDK method for a recorded exchange sends the recorded request and decodes (or raises
    the typed error for) the recorded answer exactly."""
    located = find_operation(recording)
    if located is None:
        family = family_of(recording)
        conformance.report("sdk", recording.name, "not covered", family=family)
        pytest.skip(f"not covered: {family}")
    operation, found = located
    problems = await _replay(operation, found, recording)
    assert not problems, f"{recording.name} via {operation.name}:\n  " + "\n  ".join(problems)
