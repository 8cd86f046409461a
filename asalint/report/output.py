"""Where a rendered report goes: stdout, or a file replaced atomically.

A report written with `-o` is read by CI jobs and code-scanning uploads;
a reader must see either the old file or the complete new one, never a
half-written document. So the text goes to a temporary file in the same
folder (same file system, so the rename is atomic) and `os.replace`
puts it in place.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from asalint.errors import UsageError


def write_output(text: str, path: str | None) -> None:
    """Write `text` to stdout when `path` is None, else to `path`."""
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return

    try:
        _replace_atomically(Path(path), text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"{path}: cannot write: {reason}") from None


def _replace_atomically(target: Path, text: str) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    mode = _mode_for(target)
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(target: Path) -> int:
    # mkstemp creates the file private (0600); a report is no secret, so
    # give it the mode the file had, or what the umask allows a new one.
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_output_path(path: str | None, inputs: list[str]) -> None:
    """Refuse an output path that is one of the configs being read.

    `-o hq.cfg` is an easy slip on a command line that already names
    hq.cfg; replacing the config with the report would lose it.
    """
    if path is None or path == "-":
        return

    target = Path(path)
    for given in inputs:
        if _same_file(target, Path(given)):
            raise UsageError(f"{path}: is an input config; not overwriting")


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and first.samefile(second)
    except OSError:
        return False
