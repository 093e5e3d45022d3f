"""Values that would escape their path segment are refused before anything is sent: an empty
id would address the collection, ``.``/``..`` would be resolved as dot segments."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hostile._server import HostileServer
from welkin_async import ApiClientSecret, WelkinClient
from welkin_async.errors import ConfigurationError

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
