"""Which files of a repository may be configs: git's list, or a walk,
narrowed by the include and exclude globs of asalint.toml."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

# Files that are never a device config; reading them would only cost.
NOT_CONFIG_SUFFIXES = frozenset({
    ".md", ".rst", ".py", ".pyc", ".toml", ".yaml", ".yml", ".json",
    ".lock", ".sh", ".ps1", ".bat", ".js", ".ts", ".css", ".html", ".svg",
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf", ".zip", ".gz", ".tgz",
    ".bz2", ".xz", ".7z", ".whl", ".sarif",
})


def repository_root(start: str | os.PathLike = ".") -> Path:
    """The git work tree holding `start`, else `start` itself."""
    folder = Path(start)
    top = _git(folder, "rev-parse", "--show-toplevel")
    return Path(top.strip()) if top else folder


def candidate_files(
    root: Path,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[str]:
    """Files under `root` that may be configs, relative to it, sorted.

    In a git work tree, git's own list: files it tracks or has staged
    (an untracked scratch file is no part of the repository, and a
    pre-commit run sees the tree as it will be committed). Elsewhere, a
    walk that skips hidden folders.
    """
    listed = _git(root, "ls-files", "-z")
    names = listed.split("\0") if listed is not None else _walk(root)
    wanted = [
        name for name in names
        if name and _selected(name, include, exclude)
        and PurePosixPath(name).suffix.lower() not in NOT_CONFIG_SUFFIXES
    ]
    return sorted(name for name in wanted if (root / name).is_file())


def _git(folder: Path, *args: str) -> str | None:
    """git's output in `folder`, or None outside a work tree."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True, text=True, check=False, timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as error:
        log.debug("git not usable: %s", error)
        return None
    return done.stdout if done.returncode == 0 else None


def _walk(root: Path) -> list[str]:
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [s for s in subfolders if not s.startswith(".")]
        relative = Path(folder).relative_to(root)
        found += [(relative / name).as_posix() for name in files]
    return found


def _selected(
    name: str, include: Sequence[str], exclude: Sequence[str]
) -> bool:
    if include and not any(glob_matches(name, g) for g in include):
        return False
    return not any(glob_matches(name, g) for g in exclude)


def glob_matches(path: str, pattern: str) -> bool:
    """Does the repository-relative `path` match the glob `pattern`?

    `**` spans folders, `*` and `?` stay within one name. A pattern
    without a slash matches a name in any folder; a pattern that names a
    folder matches everything under it, as in `.gitignore`.
    """
    regex = _glob_regex(pattern.strip().removeprefix("./"))
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    if "/" not in pattern.rstrip("/"):
        candidates += list(parts)
    return any(regex.fullmatch(candidate) for candidate in candidates)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.rstrip("/")
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        else:
            char = pattern[index]
            out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
            index += 1
    return re.compile("".join(out))
