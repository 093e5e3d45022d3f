"""welkin_async: an asyncio client SDK for the Welkin Health care-management API."""

from welkin_async._credentials import ApiClientSecret, ClientCredentials
from welkin_async._serde import loads, structure, unstructure
from welkin_async._unset import UNSET, UnsetType
from welkin_async.errors import DecodeError, DecodeProblem, WelkinError

__all__ = [
    "UNSET",
    "ApiClientSecret",
    "ClientCredentials",
    "DecodeError",
    "DecodeProblem",
    "UnsetType",
    "WelkinError",
    "loads",
    "structure",
    "unstructure",
]
