"""The public names other code and the acceptance checks rely on; a change here is a break."""

from __future__ import annotations

import welkin_async
import welkin_async.models
import welkin_async.testing


def test_package_exports() -> None:
    """welkin_async exports exactly its documented top-level names."""
    assert sorted(welkin_async.__all__) == [
        "ApiClientSecret",
        "ClientCredentials",
        "DecodeError",
        "DecodeProblem",
        "UNSET",
        "UnsetType",
        "WelkinError",
        "loads",
        "structure",
        "unstructure",
    ]


def test_model_exports_include_the_contract() -> None:
    """The models the foundation issue names are importable from welkin_async.models."""
    contract = {"Patient", "PatientProgram", "ProgramPhase", "CdtRecord", "CdtDefinition"}
    contract |= {"AssessmentRecord", "User", "ErrorItem"}
    assert contract <= set(welkin_async.models.__all__)
    for name in welkin_async.models.__all__:
        assert getattr(welkin_async.models, name) is not None


def test_testing_exports() -> None:
    """welkin_async.testing exports the emulator and its configuration values."""
    assert sorted(welkin_async.testing.__all__) == [
        "ApiClient",
        "EmulatorStats",
        "Environment",
        "Fault",
        "Faults",
        "Role",
        "ServerRateLimit",
        "Tenant",
        "WebhookRetry",
        "WebhookSubscription",
        "WelkinEmulator",
    ]
