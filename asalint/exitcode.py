"""The one place that decides the process exit code.

0: nothing at or above the failing level; 1: findings at or above it;
2: a usage error or an input that could not be read or parsed. When
both apply, 2 wins: a run that could not read its input has not shown
that the configs are clean.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads the constants before pydantic loads
    from asalint.results import Level

CLEAN = 0
FINDINGS = 1
INPUT_ERROR = 2
USAGE_ERROR = 2
INTERNAL_ERROR = 2
INTERRUPTED = 130  # the shell's convention for SIGINT

DEFAULT_FAIL_ON = "error"


def exit_code(
    levels: Iterable[Level],
    fail_on: Level | str = DEFAULT_FAIL_ON,
    *,
    exit_zero: bool = False,
    input_error: bool = False,
) -> int:
    """The exit code for a run that reported findings at `levels`.

    `exit_zero` silences findings only; unreadable input still fails,
    because a CI job must not pass on a config it never read.
    """
    if input_error:
        return INPUT_ERROR

    if exit_zero:
        return CLEAN

    from asalint.results import Level

    threshold = Level(fail_on).rank
    failing = any(level.rank >= threshold for level in levels)
    return FINDINGS if failing else CLEAN
