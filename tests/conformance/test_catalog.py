"""How recordings find their SDK operation and their family, pinned on synthetic paths."""

from __future__ import annotations

import pytest

from tests.conformance._catalog import OPERATIONS, family_of, find_operation
from tests.conformance._recordings import synthetic

E = "/{tenant}/{instance}/"
A = "/{tenant}/admin/"


@pytest.mark.parametrize(
    ("method", "path", "query", "operation"),
    [
        ("GET", E + "patients/p1", {}, "patients.get"),
        ("GET", E + "patients/p1", {"type": "MRN"}, "patients.get_by_external_id"),
        ("POST", E + "by-filter/patients", {"page": "0"}, "patients.list"),
        ("PATCH", E + "patients/p1/cdts/cdt-x", {}, "cdts.bulk_update"),
        ("PATCH", E + "patients/p1/cdts/cdt-x/r1", {}, "cdts.update"),
        ("PATCH", E + "patients/p1/programs/prog-a", {}, "programs.update"),
        ("PATCH", E + "patients/p1/programs/prog-a/phases", {}, "programs.move"),
        ("GET", E + "patients/p1/programs/current/prog-a", {}, "programs.current"),
        ("GET", E + "patients/p1/encounters/e1/assessments/l1", {}, "encounters.assessments.get"),
        ("PUT", E + "patients/p1/assessment-records/r1/answers", {}, "assessment_records.answer"),
        (
            "GET",
            E + "formations/current/encounters",
            {"page": "0"},
            "formations.encounter_templates",
        ),
        ("GET", A + "users/u1", {"type": "ID"}, "users.get"),
        ("GET", A + "users/me", {}, "users.get_by_username"),  # no type: a username
        ("POST", A + "users", {}, "users.create"),
        ("DELETE", A + "users/u1", {"type": "ID"}, "users.delete"),
        ("GET", E + "users/u1/encounters", {"withCareTeam": "False"}, "users.encounters"),
        ("GET", A + "audit-data", {"page": "0"}, "audits.data"),
        ("GET", E + "formations/current/cdts/allergies", {}, "formations.cdt"),
        ("GET", E + "formations/3/goal-templates", {"page": "0"}, "formations.goal_templates"),
        (
            "GET",
            E + "formations/current/encounter-disposition",
            {},
            "formations.encounter_disposition",
        ),
        ("GET", E + "patients/p1/encounters/e1/disposition", {}, "encounters.disposition"),
        ("DELETE", E + "patients/p1/programs/pp1", {}, "programs.unassign_by_id"),
        ("GET", A + "audit-webhook", {"page": "0"}, "webhooks.deliveries"),
    ],
)
def test_a_recording_finds_its_operation_by_method_path_and_query(
    method: str, path: str, query: dict[str, str], operation: str
) -> None:
    """The operation is chosen by method, scope, path pattern and query; never by file name."""
    found = find_operation(synthetic(method, path, query=query, name="any-name"))
    assert found is not None
    assert found[0].name == operation


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("DELETE", A + "users/u1", {}),  # users.delete always sends type=ID
        ("GET", E + "patients/p1/", {}),  # the trailing slash is significant
        ("GET", E + "users/u1", {"type": "ID"}),  # users hang off the admin prefix
        ("GET", E + "formations/current/cdts/allergies/x", {}),  # no formation path this deep
    ],
)
def test_a_recording_without_an_sdk_method_finds_no_operation(
    method: str, path: str, query: dict[str, str]
) -> None:
    """Paths, scopes and queries no public method produces are not covered."""
    assert find_operation(synthetic(method, path, query=query)) is None


@pytest.mark.parametrize(
    ("method", "path", "family"),
    [
        ("GET", E + "calendar/events/e1", "calendar"),
        ("GET", E + "calendar/work-hours", "calendar"),
        ("POST", E + "patients/p1/care-plan/overview", "care-plans"),
        ("GET", E + "patients/p1/document-summary", "documents"),
        ("GET", E + "patients/p1/document-summary/d1/files/f1", "documents"),
        ("GET", E + "patients/p1/emails/m1", "messages"),
        ("GET", E + "patients/p1/sms", "messages"),
        ("GET", E + "patients/p1/chat/search", "messages"),
        ("GET", E + "patients/p1/encounters/e1/disposition", "encounters"),
        ("GET", E + "users/u1/encounters", "users"),
        ("GET", E + "formations/current/goal-templates", "formations"),
        ("GET", A + "audit-data", "audits"),
        ("GET", A + "users/me", "users"),
        ("POST", A + "users", "users"),
        ("DELETE", A + "users/u1", "users"),
        ("POST", A + "api_clients/{client_name}", "auth"),
    ],
)
def test_every_recording_has_a_family(method: str, path: str, family: str) -> None:
    """A recording's family comes from its operation or, without one, from its path."""
    assert family_of(synthetic(method, path)) == family


def test_operation_names_are_unique() -> None:
    """Each public method appears once in the table (a report names it unambiguously)."""
    names = [operation.name for operation in OPERATIONS]
    assert len(names) == len(set(names))
