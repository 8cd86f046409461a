"""Config paths as code review sees them: relative to the repository.

GitHub reads a SARIF location and a workflow-command annotation as a
path relative to the checkout root, and CI runs asalint from that root.
So every machine-read output names a file relative to the working
folder, with forward slashes, whatever was typed on the command line
(`./hq.cfg`, an absolute path, a symlink). A path on another drive has
no relative form; the renderers then fall back to what they can.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from urllib.parse import quote


def relative_path(path: str, root: str | os.PathLike) -> str | None:
    """`path` relative to `root` in forward slashes, symlinks resolved.

    None when no relative form exists (Windows: another drive). A path
    outside `root` keeps its `..` steps: it still names the file.
    """
    # GitHub cannot show a file reached through a symlink, so both ends
    # are resolved before they are compared.
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, path))
    try:
        relative = os.path.relpath(target, base)
    except ValueError:
        return None
    return PurePath(relative).as_posix()


def relative_uri(path: str, root: str | os.PathLike) -> str | None:
    """`relative_path` as a URI reference: reserved characters escaped."""
    relative = relative_path(path, root)
    if relative is None:
        return None
    # `:` is escaped too, so that `a:b.cfg` is not read as a scheme.
    return quote(relative, safe="/")


def file_uri(path: str, root: str | os.PathLike) -> str:
    """An absolute `file:` URI, for a path with no relative form."""
    return Path(os.path.realpath(os.path.join(root, path))).as_uri()
