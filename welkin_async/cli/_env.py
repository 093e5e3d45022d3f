"""The client a command talks to a real tenant with: ``WELKIN_*`` credentials, and the command's
``--base-url`` and ``--environment`` where given (they override the environment variables)."""

from __future__ import annotations

import argparse
from typing import Any

from welkin_async._client import WelkinClient


def client_from_env(args: argparse.Namespace, **options: Any) -> WelkinClient:
    """``WelkinClient.from_env`` with ``args.base_url``/``args.environment`` when set."""
    if args.base_url:
        options["base_url"] = args.base_url
    if args.environment:
        options["environment"] = args.environment
    return WelkinClient.from_env(**options)
