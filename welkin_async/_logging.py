"""``WELKIN_LOG``: turn on the SDK's log lines from the environment, without touching the code.

``WELKIN_LOG=debug`` (or ``info``, ``warning``, ``error``) sets the ``welkin_async`` logger's
level and gives it a handler that prints to stderr while the application has configured no
logging of its own (no handler on the root logger). Once it has, the lines reach the
application's handlers by propagation instead, so they are never printed twice. Unset or empty:
nothing changes (a library configures no handlers). An unknown value is reported and ignored.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import TextIO

ENV_VAR = "WELKIN_LOG"
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

logger = logging.getLogger("welkin_async")


class _UntilConfigured(logging.StreamHandler[TextIO]):
    """Prints to the current stderr until the app configures a handler of its own: on the root
    logger or on ``welkin_async`` itself."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(logging.Formatter(FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        if logging.getLogger().handlers or any(h is not self for h in logger.handlers):
            return  # the app's own handlers print it (the root's by propagation)
        self.stream = sys.stderr  # tests and apps may swap sys.stderr after the import
        super().emit(record)


def configure_from_env(environ: Mapping[str, str] = os.environ) -> None:
    """Apply ``WELKIN_LOG``; done once, as ``welkin_async`` is imported."""
    value = environ.get(ENV_VAR, "").strip().lower()
    if not value:
        return
    level = LEVELS.get(value)
    if level is None:
        logger.warning("%s=%r is not one of %s; ignored", ENV_VAR, value[:20], ", ".join(LEVELS))
        return
    logger.setLevel(level)
    if not any(isinstance(handler, _UntilConfigured) for handler in logger.handlers):
        logger.addHandler(_UntilConfigured())
