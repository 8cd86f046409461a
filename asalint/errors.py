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


def frames_only(error: BaseException) -> str:
    """A traceback with the exception's type but not its message.

    Messages of the parser library's exceptions (and of our own bugs) can
    quote a config line, and a config line can hold a key: logs under
    `-v` get the frames, which hold file names and code only.
    """
    import traceback

    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"Traceback (most recent call last):\n{frames}" + type(
        error
    ).__name__
