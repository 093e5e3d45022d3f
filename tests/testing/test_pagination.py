"""Pages past the end of a list, as Spring and the recordings answer them: empty, last, with
the list's totals (what a client that guesses the page count relies on)."""

from __future__ import annotations

from tests.testing.conftest import Api


async def test_a_spring_page_past_the_end_is_empty_and_last_with_the_totals(api: Api) -> None:
    """by-filter/patients page 5 of a 25-patient list, 20 to a page: no content, last, its own
    number, and the list's totals."""
    page = (await api.call("POST", "by-filter/patients", json_body={}, params={"page": "5"})).body
    assert (page["content"], page["last"], page["empty"], page["number"]) == ([], True, True, 5)
    assert (page["totalElements"], page["totalPages"], page["numberOfElements"]) == (25, 2, 0)


async def test_a_meta_info_page_past_the_end_is_empty_and_last_with_the_totals(api: Api) -> None:
    """The users list's page 9: no data, lastPage, its own page number, and the list's totals."""
    users = (await api.admin("GET", "users")).body["metaInfo"]
    page = (await api.admin("GET", "users", params={"page": "9"})).body
    assert (page["data"], page["metaInfo"]["lastPage"], page["metaInfo"]["page"]) == ([], True, 9)
    totals = ("totalElements", "totalPages")
    assert [page["metaInfo"][key] for key in totals] == [users[key] for key in totals]
