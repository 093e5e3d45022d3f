"""The public names other code and the acceptance checks rely on; a change here is a break."""

from __future__ import annotations

import welkin_async
import welkin_async.models
import welkin_async.testing
import welkin_async.webhooks
from welkin_async import errors


def test_package_exports() -> None:
    """welkin_async exports exactly its documented top-level names."""
    assert sorted(welkin_async.__all__) == [
        "APIResponse",
        "ApiClientSecret",
        "Checkpoint",
        "CheckpointError",
        "CheckpointStore",
        "ClientCredentials",
        "ClientOptions",
        "ClientStats",
        "DecodeError",
        "DecodeProblem",
        "Err",
        "ExportPage",
        "ExportPosition",
        "ExportStream",
        "Layout",
        "Limits",
        "ModelVersionWarning",
        "ModelsBehindWarning",
        "Ok",
        "Page",
        "PaginationError",
        "Paginator",
        "RateLimit",
        "RequestEvent",
        "RequestOptions",
        "ResponseEvent",
        "ResponseTooLarge",
        "Result",
        "RetryEvent",
        "RetryPolicy",
        "Timeouts",
        "UNSET",
        "UnsetType",
        "WelkinClient",
        "WelkinError",
        "loads",
        "structure",
        "unstructure",
    ]


def test_error_tree() -> None:
    """welkin_async.errors holds the error tree that the client-core issue names."""
    tree = {
        errors.TransportError: errors.WelkinError,
        errors.ConnectError: errors.TransportError,
        errors.TLSError: errors.ConnectError,
        errors.TimeoutError: errors.TransportError,
        errors.APIError: errors.WelkinError,
        errors.DecodeError: errors.WelkinError,
        errors.WebhookVerificationError: errors.WelkinError,
        errors.WebhookSourceError: errors.WelkinError,
        welkin_async.CheckpointError: errors.WelkinError,
    }
    for api_error in (
        errors.BadRequest,
        errors.AuthenticationError,
        errors.PermissionDenied,
        errors.NotFound,
        errors.Conflict,
        errors.UnprocessableEntity,
        errors.RateLimited,
        errors.ServerError,
    ):
        tree[api_error] = errors.APIError
    for child, parent in tree.items():
        assert issubclass(child, parent), (child, parent)


def test_tracing_exports() -> None:
    """welkin_async.tracing exports the OpenTelemetry tracing and the protocol it implements."""
    import welkin_async.tracing

    assert sorted(welkin_async.tracing.__all__) == ["CallTrace", "OpenTelemetryTracing", "Tracing"]


def test_fleet_exports() -> None:
    """welkin_async.fleet exports the Redis coordination, its stores and the protocol."""
    import welkin_async.fleet

    assert sorted(welkin_async.fleet.__all__) == [
        "Coordination",
        "FleetMember",
        "FleetStoreError",
        "Gate",
        "IssuedToken",
        "Membership",
        "RedisCheckpoint",
        "RedisCoordination",
        "RedisDedupe",
        "TokenRefreshFailed",
    ]


def test_webhook_exports() -> None:
    """welkin_async.webhooks exports what the webhooks issue names, and the receiver's parts."""
    assert sorted(welkin_async.webhooks.__all__) == [
        "DEFAULT_TOLERANCE",
        "DedupeStore",
        "Handler",
        "LruDedupe",
        "WEBHOOK_RECEIVER",
        "WebhookEvent",
        "WebhookEventEntity",
        "WebhookEventSubtype",
        "WebhookFailure",
        "WebhookReceiver",
        "WebhookVerificationError",
        "WebhookVerifier",
        "verify",
        "webhook_app",
    ]
    assert {reason.value for reason in welkin_async.webhooks.WebhookFailure} == {
        "missing_header",
        "bad_timestamp",
        "too_old",
        "too_new",
        "no_matching_signature",
    }


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
        "ReceivedRequest",
        "RedisServer",
        "Role",
        "ServerRateLimit",
        "Tenant",
        "WebhookRetry",
        "WebhookSubscription",
        "WelkinEmulator",
    ]
