"""The client a command talks to a real tenant with: ``WELKIN_*`` credentials, and the command's
``--base-url`` and ``--environment`` where given (they override the environment variables)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from welkin_async._client import WelkinClient
from welkin_async._config import checked_base_url
from welkin_async.cli._failures import CommandError
from welkin_async.errors import ConfigurationError


def client_from_env(args: argparse.Namespace, **options: Any) -> WelkinClient:
    """``WelkinClient.from_env`` with ``args.base_url``/``args.environment`` when set; a base URL
    the client refuses is named by where it came from (the flag or the variable)."""
    if args.environment:
        options["environment"] = args.environment
    base_url = args.base_url or os.environ.get("WELKIN_BASE_URL")
    if base_url:
        try:
            options["base_url"] = checked_base_url(base_url)
        except ConfigurationError as exc:
            where = "--base-url" if args.base_url else "WELKIN_BASE_URL"
            raise CommandError(f"{where}: {exc}") from None
    return WelkinClient.from_env(**options)
