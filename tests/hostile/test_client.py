"""Values that would escape their path segment are refused before anything is sent: an empty
id would address the collection, ``.``/``..`` would be resolved as dot segments."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hostile._server import HostileServer, json_answer
from welkin_async import ApiClientSecret, ClientCredentials, WelkinClient
from welkin_async.errors import BadRequest, ConfigurationError

BAD_IDS: list[Any] = ["", ".", "..", None, True, b"p1", ["p1"], {"id": "p1"}, ("p1",)]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
async def test_a_path_parameter_that_is_not_one_segment_is_refused_before_sending(
    server: HostileServer, bad: Any
) -> None:
    async with server.client() as client:
        with pytest.raises(ValueError, match="'id'"):
            await client.request("DELETE", "patients/{id}", path_params={"id": bad})
        with pytest.raises(ValueError, match=r"path parameter '(patient_)?id'"):
            await client.patients.delete(bad)
        with pytest.raises(ValueError, match="'patient_id'"):
            async for _ in client.encounters(bad).list():
                pass
    assert server.seen == []


@pytest.mark.parametrize("good", ["...", "a.b", "%2E", " p1", "p/1", "p?1", 7, 0])
async def test_other_values_stay_inside_their_segment(server: HostileServer, good: Any) -> None:
    """Only the three values are refused; anything else is percent-encoded into one segment."""
    async with server.client() as client:
        with pytest.raises(Exception, match="404"):
            await client.request("GET", "patients/{id}", path_params={"id": good})
    [seen] = server.seen
    assert seen.path.count("/") == 1
    assert seen.path.startswith("patients/")


@pytest.mark.parametrize("field", ["tenant", "environment"])
@pytest.mark.parametrize(
    "bad", ["", ".", "..", "a/b", "a\r\nb", "a\x00b", " a", "a ", "\t", None, 7], ids=repr
)
def test_tenant_and_environment_must_be_one_segment(field: str, bad: Any) -> None:
    options: dict[str, Any] = {"tenant": "acme", "environment": "live", field: bad}
    with pytest.raises(ConfigurationError, match=field):
        WelkinClient(credentials=ApiClientSecret("c", "s"), **options)


async def test_text_no_encoding_can_carry_is_a_value_error_naming_where(
    server: HostileServer,
) -> None:
    """A lone surrogate in a path or query parameter cannot be percent-encoded: a ValueError
    naming the parameter, before anything is sent."""
    async with server.client() as client:
        with pytest.raises(ValueError, match="path parameter 'patient_id'"):
            await client.patients.get("\ud800")
        with pytest.raises(ValueError, match="query parameter 'q'"):
            await client.request("GET", "patients", params={"q": "\udcff"})
    assert server.seen == []


@pytest.mark.parametrize("make", [ApiClientSecret, ClientCredentials])
@pytest.mark.parametrize("bad", [("\ud800", "secret"), ("name", "\ud800"), ("", "s"), ("n", "")])
def test_credentials_that_cannot_be_sent_are_refused_when_made(
    make: Any, bad: tuple[str, str]
) -> None:
    with pytest.raises(ValueError, match=r"must be a non-empty string|not valid Unicode"):
        make(*bad)


async def test_an_error_answer_shows_names_only_never_values(server: HostileServer) -> None:
    """Whatever a server puts where an error names a field or a code, the exception's text
    shows it only when it is a short name; values stay on the attributes."""
    leaky = {
        "errorCode": "SSN 123-45-6789",
        "componentType": "x" * 5000,
        "details": {"field": "patient p-1234 is", "path": "patients/p-1234", "row": 10**30},
    }
    server.answer("GET", "patients/p1", lambda: json_answer([leaky], status=400))
    async with server.client() as client:
        with pytest.raises(BadRequest) as caught:
            await client.request("GET", "patients/{id}", path_params={"id": "p1"})
    text = str(caught.value)
    assert text == "GET patients/{id}: HTTP 400"
    assert caught.value.error_code == "SSN 123-45-6789"
    assert caught.value.details["path"] == "patients/p-1234"
