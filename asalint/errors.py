"""The small exception tree the CLI turns into one line and exit code 2."""

from __future__ import annotations


class AsalintError(Exception):
    """Base of every error asalint reports to the user as one line."""


class InputError(AsalintError):
    """A file cannot be read, or is not a config asalint understands."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class UsageError(AsalintError):
    """The command line asks for something that cannot be done."""
