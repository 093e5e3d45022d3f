"""Hostile request bodies on every write route: whatever the body, the emulator answers 400 with
its error array (the form-encoded OAuth route with its OAuth error), never a 500.

The routes come from the emulator's route table, so a new write route is covered without a
change here; its path parameters are filled with records that exist, so a route that looks its
records up before it reads the body reaches the body all the same.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import attrs
import pytest

from tests.testing.conftest import Answer, Api
from welkin_async.testing import WelkinEmulator, _app
from welkin_async.testing._app import full_path
from welkin_async.testing._assessments import questions
from welkin_async.testing._body import MAX_DEPTH
from welkin_async.testing._routing import Layout, Route
from welkin_async.testing._tenants import Environment
from welkin_async.testing.routes import ROUTES

WRITE_ROUTES = [route for route in ROUTES if route.method in {"POST", "PUT", "PATCH"}]
# Writes that read a JSON body (chat's archive and restore take none, and ignore one).
JSON_ROUTES = [
    route
    for route in WRITE_ROUTES
    if route.request_media_type == "application/json" and route.request_body is not None
]
FORM = "application/x-www-form-urlencoded"
# Multipart uploads read their own bodies (their hostile ones: tests/testing/test_documents.py).
FORM_ROUTES = [route for route in WRITE_ROUTES if route.request_media_type == FORM]


def nested(depth: int, opener: str = "[", closer: str = "]") -> bytes:
    return (opener * depth + closer * depth).encode()


def nested_objects(depth: int) -> bytes:
    return ('{"a":' * depth + "1" + "}" * depth).encode()


# Bodies no JSON route can read: refused as MALFORMED_JSON before any schema or handler sees them.
UNREADABLE: dict[str, bytes] = {
    "arrays-1000-deep": nested(1000),
    "objects-1000-deep": nested_objects(1000),
    "arrays-100000-deep": nested(100_000),
    "arrays-65-deep": nested(65),
    "deep-under-a-key": b'{"answers": ' + nested(1000) + b"}",
    "unclosed-deep": b"[" * 50_000,
    "not-json": b"this is not JSON",
    "truncated": b'{"firstName": "Ada"',
    "trailing-garbage": b'{"firstName": "Ada"} {}',
    "invalid-utf8": b'{"firstName": "\xff\xfe"}',
    "utf16": '{"firstName": "Ada"}'.encode("utf-16"),
    "utf8-bom": b'\xef\xbb\xbf{"firstName": "Ada"}',
    "lone-surrogate": b'{"firstName": "\\ud800"}',
    "lone-surrogate-key": b'{"\\udfff": 1}',
    "nan": b'{"firstName": NaN}',
    "infinity": b'{"answers": {"q": -Infinity}}',
    "float-overflow": b'{"answers": {"q": 1e999}}',
    "int-5000-digits": b'{"answers": {"q": ' + b"9" * 5000 + b"}}",
    "int-over-64-bits": b'{"answers": {"q": 18446744073709551616}}',
    "nul-bytes": b"\x00\x00\x00",
}
# Readable JSON of a shape no write route takes: refused by the schema or the handler.
WRONG_SHAPE: dict[str, bytes] = {
    "top-level-array": b"[]",
    "top-level-string": b'"text"',
    "top-level-number": b"42",
    "top-level-null": b"null",
    "top-level-true": b"true",
    "array-of-objects": b'[{"firstName": "Ada"}]',
}
HOSTILE = {**UNREADABLE, **WRONG_SHAPE}


# --- path parameters: records that exist, named by the segment before the parameter -------------


def _first(ids: list[str]) -> str:
    assert ids, "the seeded emulator lacks a record a write route needs"
    return ids[0]


class Records:
    """Existing acme/live records for each kind of path parameter."""

    def __init__(
        self, emulator: WelkinEmulator, env: Environment, assessment_id: str, made: Made
    ) -> None:
        link = next(iter(env.encounter_links.rows.values()))
        self.patient = str(link["patientId"])
        self.encounter = str(link["jsonBody"]["source_id"])
        self.link = str(link["id"])
        self.program = _first([name for (pid, name) in env.program_of if pid == self.patient])
        cdt_records = env.cdt_records.rows.values()
        record = next(row for row in cdt_records if row["patientId"] == self.patient)
        self.cdt_name, self.cdt_record = str(record["cdtName"]), str(record["id"])
        self.assessment = assessment_id
        self.client_name = emulator.tenant().client_for_role("admin").name
        self.user = str(emulator.tenant().users[0]["id"])
        self.calendar_event = _first(env.calendar_events.ids())
        self.made = made
        self.task = _first(env.tasks.ids())
        tenant = emulator.tenant()
        self.formation_items = {
            "programs": next(iter(tenant.programs)),
            "encounters": next(iter(tenant.encounter_templates)),
            "assessments": next(iter(tenant.assessment_templates)),
            "dictionaries": next(
                n for n, d in tenant.dictionaries.items() if not d.get("internal")
            ),
        }
        self.dictionary = self.formation_items["dictionaries"]
        self.dictionary_record = _first(list(env.dictionary_records.of(self.dictionary)))

    def value(self, path: str, name: str) -> str:
        before = path.split("{" + name + "}", maxsplit=1)[0].rstrip("/").rsplit("/", 1)[-1]
        by_segment = {
            "patients": self.patient,
            "encounters": self.encounter,
            "assessments": self.link,
            "assessment-records": self.assessment,
            "programs": self.program,
            "cdts": self.cdt_name,
            "{cdt_name}": self.cdt_record,
            "api_clients": self.client_name,
            "users": self.user,
            "events": self.calendar_event,
        }
        if "/formations/" in path:  # the tenant's draft: an item of the kind the path names
            return "draft" if name == "version" else self.formation_items[before]
        by_segment |= {
            "user-permissions": self.user,
            "user-territories": self.user,
            "application-accesses": self.user,
            "dictionaries": self.dictionary,
            "{dictionary_name}": self.dictionary_record,
            "goals": self.made.goal,
            "comments": self.made.encounter_comment,
            "emails": self.made.email if path.startswith("/patients/") else self.made.lost_email,
            "sms": self.made.sms if path.startswith("/patients/") else self.made.lost_sms,
            "tasks": self.task,
        }
        if before in by_segment:
            return by_segment[before]
        if name == "program_name":
            return self.program
        raise AssertionError(f"no record for {{{name}}} in {path}: extend Records.value")

    def url(self, base: str, route: Route) -> str:
        layout = Layout.LIVE if Layout.LIVE in route.layouts else Layout.DOCUMENTED
        path = full_path(route, layout)
        filled = path.replace("{tenant}", "acme").replace("{environment}", "live")
        for name in re.findall(r"{(\w+)}", filled):
            filled = filled.replace("{" + name + "}", self.value(route.path, name))
        return base + filled


@pytest.fixture
async def records(emulator: WelkinEmulator, api: Api) -> Records:
    env = emulator.tenant().environments["live"]
    link = next(iter(env.encounter_links.rows.values()))
    template = next(iter(emulator.tenant().assessment_templates))
    made = await api.call(
        "POST",
        f"patients/{link['patientId']}/assessment-records",
        json_body={"assessmentName": template},
    )
    assert made.status == 201, made.body
    return Records(emulator, env, str(made.body["id"]), await _made(api, emulator, link))


@attrs.frozen
class Made:
    """Records of the families whose seed may leave the chosen patient or encounter without one,
    made through the API."""

    goal: str
    encounter_comment: str
    email: str
    sms: str
    lost_email: str  # of a sender no patient matched
    lost_sms: str


async def _made(api: Api, emulator: WelkinEmulator, link: dict[str, Any]) -> Made:
    patient, encounter = link["patientId"], link["jsonBody"]["source_id"]
    later = "2099-01-01T00:00:00.000Z"  # scheduled: a message that is still editable
    answers = [
        await api.call(
            "POST",
            f"patients/{patient}/care-plan/goals",
            json_body={"goalTemplateName": next(iter(emulator.tenant().goal_templates))},
        ),
        await api.call(
            "POST",
            f"patients/{patient}/encounters/{encounter}/comments",
            json_body={"text": "Seen."},
        ),
        await api.call(
            "POST",
            f"patients/{patient}/emails",
            json_body={"receiver": patient, "subject": "s", "body": "b", "scheduledAt": later},
        ),
        await api.call(
            "POST",
            f"patients/{patient}/sms",
            json_body={"receiver": patient, "message": "m", "scheduledAt": later},
        ),
    ]
    assert [a.status for a in answers] == [201] * 4, [a.body for a in answers]
    lost = [await api.call("GET", f"unrecognized-patients/{kind}") for kind in ("emails", "sms")]
    assert [a.status for a in lost] == [200, 200]
    return Made(
        *(str(a.body["id"]) for a in answers),
        *(str(a.body["content"][0]["id"]) for a in lost),
    )


async def post_raw(api: Api, route: Route, url: str, body: bytes, content_type: str) -> Answer:
    headers = {"Content-Type": content_type}
    return await api.send(route.method, url, data=body, headers=headers)


def assert_error_array(answer: Answer) -> None:
    assert answer.status == 400, (answer.status, answer.body)
    assert answer.error["message"]  # the single live-style item, with its keys


def route_id(route: Route) -> str:
    return route.key


@pytest.mark.parametrize("route", JSON_ROUTES, ids=route_id)
async def test_every_hostile_body_is_a_400_error_array(
    api: Api, emulator: WelkinEmulator, records: Records, route: Route
) -> None:
    """Each hostile body on each JSON write route: 400 with one live-style error item (an
    unreadable one as MALFORMED_JSON), and the emulator serves on afterwards."""
    url = records.url(emulator.url, route)
    wrong: dict[str, object] = {}
    for name, body in HOSTILE.items():
        answer = await post_raw(api, route, url, body, "application/json")
        if answer.status != 400 or not isinstance(answer.body, list):
            wrong[name] = answer.status
            continue
        code = answer.error["errorCode"]
        if name in UNREADABLE and code != "MALFORMED_JSON":
            wrong[name] = code
    assert wrong == {}
    after = await api.call("GET", f"patients/{records.patient}")
    assert after.status == 200


@pytest.mark.parametrize("route", JSON_ROUTES, ids=route_id)
async def test_a_body_at_the_depth_limit_is_judged_on_its_shape(
    api: Api, emulator: WelkinEmulator, records: Records, route: Route
) -> None:
    """A body nested exactly as deep as allowed is read, and answered on its shape: never a
    500, never refused as unreadable."""
    url = records.url(emulator.url, route)
    answer = await post_raw(api, route, url, nested_objects(MAX_DEPTH), "application/json")
    assert answer.status != 500
    if answer.status == 400:
        assert answer.error["errorCode"] != "MALFORMED_JSON"


# --- values a route's own checks let through ----------------------------------------------------


def a_question(emulator: WelkinEmulator) -> str:
    template = next(iter(emulator.tenant().assessment_templates.values()))
    return next(iter(questions(template)))


@pytest.mark.parametrize(
    "value",
    [nested(300), nested_objects(MAX_DEPTH), b"18446744073709551616", b'"\\udbff"'],
    ids=["300-deep", "past-the-limit", "over-64-bits", "lone-surrogate"],
)
async def test_an_answer_the_emulator_could_not_render_is_refused(
    api: Api, emulator: WelkinEmulator, records: Records, value: bytes
) -> None:
    """A value under a real question that the answers route would store as given is refused
    with 400 MALFORMED_JSON, and the record still renders afterwards."""
    path = f"patients/{records.patient}/assessment-records/{records.assessment}"
    body = b'{"' + a_question(emulator).encode() + b'": ' + value + b"}"
    answer = await api.send("PUT", f"{api.prefix}/{path}/answers", data=body)
    assert answer.status == 400, answer.status
    assert answer.error["errorCode"] == "MALFORMED_JSON"
    after = await api.call("GET", path)
    assert after.status == 200


async def test_a_repeated_key_keeps_its_last_value(api: Api, emulator: WelkinEmulator) -> None:
    """A patient body that names a field twice is read as the live API's parser (Jackson, by
    default) reads it: the last value wins."""
    body = b'{"firstName": "Ada", "firstName": "Grace", "lastName": "Byron"}'
    answer = await api.send("POST", f"{api.prefix}/patients", data=body)
    assert answer.status in (200, 201), answer.status
    assert answer.body["firstName"] == "Grace"


def cdt_field(emulator: WelkinEmulator, kind: str, *, multiple: bool | None = None) -> str:
    """``cdt/field`` of the first acme CDT field of ``kind`` (and select multiplicity)."""
    for cdt in emulator.tenant().cdts.values():
        for field in cdt["fields"]:
            many = bool((field.get("meta") or {}).get("multiple"))
            if field.get("type") == kind and (multiple is None or many == multiple):
                return f"{cdt['name']}/{field['name']}"
    raise AssertionError(f"acme has no CDT field of type {kind}")


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (("list", None), nested(MAX_DEPTH + 1)),
        (("select", False), b"[]"),
        (("select", False), b'{"a": 1}'),
        (("select", True), b"[[1]]"),
        (("select", True), b'[{"a": 1}]'),
    ],
    ids=["list-too-deep", "select-list", "select-object", "multi-list-item", "multi-object"],
)
async def test_a_cdt_value_of_the_wrong_kind_is_a_400(
    api: Api,
    emulator: WelkinEmulator,
    records: Records,
    kind: tuple[str, bool | None],
    value: bytes,
) -> None:
    """A CDT create whose field value is a list or object where an option is expected, or a
    list nested past the limit, is a 400 and stores nothing."""
    cdt, field = cdt_field(emulator, kind[0], multiple=kind[1]).split("/")
    stored = emulator.tenant().environments["live"].cdt_records
    before = len(stored)
    body = b'{"' + field.encode() + b'": ' + value + b"}"
    url = f"{api.prefix}/patients/{records.patient}/cdts/{cdt}"
    answer = await api.send("POST", url, data=body)
    assert answer.status == 400, answer.status
    assert answer.error["errorCode"] in {"CDT_FIELD_VALIDATION_FAILED", "MALFORMED_JSON"}
    assert len(stored) == before


@pytest.mark.parametrize("error", [RecursionError, ValueError, TypeError])
async def test_a_check_that_breaks_on_a_body_is_a_400_not_a_500(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: type[Exception],
) -> None:
    """The last resort: a body validation that raises RecursionError, ValueError or TypeError
    answers 400 INVALID_REQUEST_BODY, and the log names the exception type only."""

    def broken(_schema: str, _document: object) -> None:
        raise error("canary-7d1e")

    monkeypatch.setattr(_app, "validate", broken)
    answer = await api.call("POST", "patients", json_body={"firstName": "A", "lastName": "B"})
    assert answer.status == 400, answer.status
    assert answer.error["errorCode"] == "INVALID_REQUEST_BODY"
    warnings = [r.getMessage() for r in caplog.records if r.name == "welkin_async.testing"]
    assert any(error.__name__ in line for line in warnings)
    assert "canary-7d1e" not in caplog.text


@pytest.mark.parametrize("route", FORM_ROUTES, ids=route_id)
async def test_a_form_route_answers_hostile_bodies_with_its_oauth_error(
    emulator: WelkinEmulator, session: aiohttp.ClientSession, route: Route
) -> None:
    """The form-encoded token route answers each hostile body 400 with its OAuth error."""
    api = Api(session, emulator.url, "acme", "live")
    url = emulator.url + full_path(route, Layout.DOCUMENTED).replace("{tenant}", "acme")
    statuses = {}
    for name, body in HOSTILE.items():
        answer = await post_raw(api, route, url, body, "application/x-www-form-urlencoded")
        statuses[name] = answer.status
        if answer.status == 400:
            assert isinstance(answer.body, dict)
            assert "error" in answer.body
    assert set(statuses.values()) == {400}


@pytest.mark.parametrize("route", JSON_ROUTES, ids=route_id)
async def test_a_body_that_cannot_be_decompressed_is_a_400_error_array(
    api: Api, emulator: WelkinEmulator, records: Records, route: Route
) -> None:
    """A gzip Content-Encoding over bytes that are not gzip: the live 400 error array."""
    url = records.url(emulator.url, route)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    answer = await api.send(route.method, url, data=b"not gzip at all", headers=headers)
    assert_error_array(answer)
    assert answer.error["errorCode"] == "MALFORMED_JSON"
