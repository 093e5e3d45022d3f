"""welkin_async: an asyncio client SDK for the Welkin Health care-management API."""

from welkin_async import _logging
from welkin_async._checkpoint import Checkpoint, CheckpointError, CheckpointStore, ExportPosition
from welkin_async._client import ClientOptions, WelkinClient
from welkin_async._config import Layout, Limits, RateLimit, RetryPolicy, Timeouts
from welkin_async._credentials import ApiClientSecret, ClientCredentials
from welkin_async._events import RequestEvent, ResponseEvent, RetryEvent
from welkin_async._map import Err, Ok, Result
from welkin_async._options import RequestOptions
from welkin_async._pagination import Page, Paginator
from welkin_async._raw import APIResponse
from welkin_async._serde import loads, structure, unstructure
from welkin_async._stats import ClientStats
from welkin_async._tenant_models import ModelVersionWarning
from welkin_async._unset import UNSET, UnsetType
from welkin_async.errors import (
    DecodeError,
    DecodeProblem,
    ModelsBehindWarning,
    PaginationError,
    ResponseTooLarge,
    WelkinError,
)
from welkin_async.resources._export_stream import ExportPage, ExportStream

_logging.configure_from_env()  # WELKIN_LOG=debug shows the SDK's log lines

__all__ = [
    "UNSET",
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
    "UnsetType",
    "WelkinClient",
    "WelkinError",
    "loads",
    "structure",
    "unstructure",
]
