"""Diagnostics on stderr, configured by the command line only.

The library logs to the `asalint` logger and never configures it. The
CLI calls `configure_logging` once per run: without `-v` nothing is
shown (a NullHandler keeps Python's last-resort handler from printing
warnings), with `-v` every record goes to stderr. Findings never travel
through logging, so stdout stays clean JSON or SARIF either way.
"""

from __future__ import annotations

import logging
import sys

LOGGER_NAME = "asalint"
FORMAT = "asalint: %(levelname)s: %(name)s: %(message)s"


class _CliHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler we installed, so a later run can replace it."""


def configure_logging(verbosity: int) -> None:
    """Silence the `asalint` logger, or send it to stderr when verbose."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, (_CliHandler, logging.NullHandler)):
            logger.removeHandler(handler)

    if verbosity <= 0:
        logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.WARNING)
        return

    handler = _CliHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def verbose() -> bool:
    """Whether this run asked for diagnostics (`-v`)."""
    logger = logging.getLogger(LOGGER_NAME)
    return any(isinstance(h, _CliHandler) for h in logger.handlers)
