"""Parsed device models kept on disk, so that an unchanged config is parsed
once: a pre-commit hook or CI job pays for the parser only on what changed.

The cache is a folder (`.asalint_cache/` unless the caller names another),
created owner-only with its own `.gitignore` holding `*`. It holds one
entry per config path, named by a SHA-256 of the path, written atomically
(`entry.py` says what an entry holds).

Keys never reach the disk in any form: not the value (each key is stored
with its state and masked origin only), not a digest (the content digest
covers the text with every secret masked, see `text.py`). On a hit the
keys are read again from the file's text, read anyway to compute the
digest, at the lines their origins name (`keys.py`).

An entry that cannot be read, is truncated or damaged, of another format,
version, path or content, is ignored and rebuilt, never trusted. A device
whose keys cannot be restored exactly from their lines is not cached.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from asalint.cache.entry import (
    UnsafeEntry,
    decode_entry,
    encode_entry,
    path_digest,
)
from asalint.cache.keys import (
    StaleEntry,
    restorable,
    restore_keys,
    secret_holders,
    shows_a_key,
    strip_keys,
)
from asalint.cache.text import ConfigText, read_config_text
from asalint.memory import collection_paused
from asalint.model import Device, PreSharedKey

log = logging.getLogger(__name__)

DEFAULT_DIRECTORY = ".asalint_cache"
GITIGNORE = "# written by asalint: its parsed-model cache\n*\n"


class ModelCache:
    """Parsed devices under `directory`, read through by `load`."""

    def __init__(self, directory: str | os.PathLike = DEFAULT_DIRECTORY):
        self.directory = Path(directory)
        self._usable: bool | None = None

    def load(self, path: str) -> Device:
        """The device in `path`, from the cache when its text is unchanged.

        Raises InputError, as `load_device` does, for a file that cannot
        be read or parsed.
        """
        config = read_config_text(path)
        device = self.lookup(config)
        if device is None:
            device = parse_config_text(config)
            self.store(config, device)
        return device

    def lookup(self, config: ConfigText) -> Device | None:
        """The cached device for this text, or None when there is none.

        Only from a folder of ours: one that another user could write to
        could hand us a device made to hide a finding.
        """
        if not self.usable():
            return None
        try:
            raw = self.entry_path(config.path).read_bytes()
        except OSError:
            return None

        device = decode_entry(raw, config)
        if device is None:
            log.debug("%s: cache entry not current, ignored", config.path)
            return None
        try:
            return restore_keys(device, config)
        except StaleEntry as stale:
            log.debug("%s: cache entry stale: %s", config.path, stale)
            return None

    def store(self, config: ConfigText, device: Device) -> None:
        """Write the device's entry, unless it cannot be kept safely."""
        if not _cacheable(device, config) or not self.usable():
            return

        stripped = strip_keys(device)
        if not restorable(device, stripped, config):
            log.debug("%s: keys not restorable, not cached", config.path)
            return
        try:
            data = encode_entry(config, stripped)
        except UnsafeEntry as error:
            log.debug("%s: not cached: %s", config.path, error)
            return
        _write_atomically(self.entry_path(config.path), data)

    def entry_path(self, path: str) -> Path:
        return self.directory / f"{path_digest(path)}.entry"

    def usable(self) -> bool:
        """Create the folder on first use; False when it is not ours."""
        if self._usable is None:
            self._usable = _prepare_directory(self.directory)
        return self._usable


def parse_config_text(config: ConfigText) -> Device:
    """Parse the text read for the digest: the file is read only once.

    Without cyclic garbage collection meanwhile: a parse builds a few
    objects per line, and collections walking them again and again cost
    a tenth of it. The parser's own tree, cyclic, is collected after.
    """
    from asalint.parse import parse_device
    from asalint.source import config_from_text

    source = config_from_text(config.path, config.text, list(config.notes))
    with collection_paused():
        return parse_device(source)


def _cacheable(device: Device, config: ConfigText) -> bool:
    holders = secret_holders(type(device)) - {PreSharedKey}
    if holders:
        names = sorted(holder.__name__ for holder in holders)
        log.debug("%s: secrets held in %s, not cached", config.path, names)
        return False
    if shows_a_key(device):
        log.debug("%s: a key shows in its line's text, not cached",
                  config.path)
        return False
    return True


# --- the folder --------------------------------------------------------------


def _prepare_directory(directory: Path) -> bool:
    """Create the folder owner-only with a `.gitignore`; check it is ours."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = directory.lstat()
    except OSError as error:
        log.info("cache folder %s unusable: %s", directory, error.strerror)
        return False

    if not _owned_folder(directory, status):
        return False
    if status.st_mode & 0o077:
        # An existing folder of ours that others may read: tighten it.
        os.chmod(directory, 0o700)
    _write_gitignore(directory)
    return True


def _owned_folder(directory: Path, status: os.stat_result) -> bool:
    # Another user's folder (in a shared /tmp, say) could feed us entries
    # made to hide a finding: use only a real folder that we own.
    if directory.is_symlink() or not directory.is_dir():
        log.info("cache folder %s is not a plain folder; unused", directory)
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is not None and status.st_uid != getuid():
        log.info("cache folder %s belongs to another user", directory)
        return False
    return True


def _write_gitignore(directory: Path) -> None:
    ignore = directory / ".gitignore"
    if not ignore.exists():
        _write_atomically(ignore, GITIGNORE.encode())


def _write_atomically(target: Path, data: bytes) -> None:
    # A temporary file in the same folder, renamed over the target: a
    # reader sees the old entry or the new one, never part of one.
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=".write-", suffix=".tmp"
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except OSError as error:
        log.info("cache file %s not written: %s", target, error.strerror)
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)


__all__ = [
    "DEFAULT_DIRECTORY",
    "ConfigText",
    "ModelCache",
    "parse_config_text",
    "read_config_text",
]
