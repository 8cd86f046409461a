"""Check results kept on disk, so that a second `asalint check` over
unchanged configs needs no device model at all, only each file's text.

Two kinds of entry sit beside the parsed models (same folder, same
atomic writes, same header-then-pickle layout as `entry.py`):

- per config, `<path digest>.result`: its single-config findings and
  what the run needs of the device without the device (`DeviceResult`:
  report summary, pairing facts, index record, its keys stripped of
  their values);
- per pair of configs, `<digest of both paths>.pair`: the simulation's
  tunnels and findings.

Both are keyed by the content digests (masked text, see `text.py`), the
asalint version and a fingerprint of asalint's own code, so a changed
check or simulation is never answered by an old result.

Keys. A masked text cannot tell a key from `*****`, nor one key from
another: the digest is deliberately blind to keys. Single-config checks
read only a key's state, so a device entry keeps each key's state and
line, and a hit reads every key again from its line, as the model cache
does: a different state is a miss. The simulation also compares keys,
and nothing about a value may reach the disk, not even whether two keys
are equal. So a pair of devices that both hold readable keys is served
from its entry only while neither file has been written since the entry
was (same inode, modification and change times); any write may have
changed a key. A file written in the last two seconds may change again
within the clock's resolution: such a pair is not kept.
"""

from __future__ import annotations

import copyreg
import dataclasses
import enum
import hashlib
import io
import ipaddress
import json
import logging
import os
import pickle
import sys
import time
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

import pydantic
from pydantic import BaseModel, SecretStr

from asalint import __version__
from asalint.cache import ModelCache, _write_atomically
from asalint.cache.entry import code_fingerprint, path_digest
from asalint.cache.keys import (
    MASK,
    StaleEntry,
    keys_of,
    reread_key,
    strip_keys,
)
from asalint.cache.text import ConfigText
from asalint.memory import collection_paused
from asalint.model import Device, KeyState, Platform, PreSharedKey
from asalint.reach import Reach, reach_of
from asalint.repository.scan import ScanRecord, scan_text
from asalint.results import Finding, PairResult
from asalint.summary import DeviceSummary, summarize

log = logging.getLogger(__name__)

# Bump when what an entry holds changes shape or meaning.
FORMAT = 1
# A file changed this recently may change again unseen (see above).
RACY_NS = 2_000_000_000

# (inode, modification time, change time) in ns: the file unwritten.
Signature = tuple[int, int, int]


@dataclass(frozen=True)
class DeviceResult:
    """One config's part of a check, with no key value in it."""

    platform: Platform
    findings: tuple[Finding, ...]  # the single-config checks'
    summary: DeviceSummary
    reach: Reach
    scan: ScanRecord
    # The keys a masked line hides (state and origin, no value), to read
    # again on a hit; and whether any key is readable, so comparable.
    masked_keys: tuple[PreSharedKey, ...]
    readable_keys: bool


def device_result(
    device: Device, config: ConfigText, findings: Sequence[Finding]
) -> DeviceResult:
    """What a check keeps of a parsed device."""
    return DeviceResult(
        platform=device.platform,
        findings=tuple(findings),
        summary=summarize(device),
        reach=reach_of(device),
        scan=scan_text(config.path, config.text, config.digest),
        masked_keys=tuple(
            key for key in keys_of(strip_keys(device))
            if key.origin is not None and MASK in key.origin.text.split()
        ),
        readable_keys=any(
            key.state == KeyState.PLAIN for key in keys_of(device)
        ),
    )


def signature(path: str) -> Signature | None:
    """The file's signature, taken before it is read; None when it was
    written too recently to be trusted, or cannot be examined."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) < RACY_NS:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_ctime_ns


class Keyed(Protocol):
    """A config as entries are keyed: its path and content digest."""

    @property
    def path(self) -> str: ...

    @property
    def digest(self) -> str: ...


class ResultCache:
    """Device and pair results under `directory`, beside the models."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.models = ModelCache(directory)
        self.directory = Path(directory)

    # --- one config ---------------------------------------------------------

    def device(self, config: ConfigText) -> DeviceResult | None:
        """The config's result if its text and its keys' states hold."""
        header = _header("device", [config])
        found = self._read(self._device_path(config.path), header)
        if found is None or not isinstance(found[1], DeviceResult):
            return None
        result = found[1]
        try:
            for key in result.masked_keys:
                reread_key(result.platform, key, config)
        except StaleEntry as stale:
            log.debug("%s: result stale: %s", config.path, stale)
            return None
        return result

    def unchanged_device(
        self, path: str, taken: Signature
    ) -> tuple[DeviceResult, str] | None:
        """The result, and the digest it was computed for, of a file not
        written since its entry was: no need to read it, nor its keys."""
        header = _common("device") | {
            "paths": [path_digest(path)],
            "files": [list(taken)],
        }
        found = self._read(self._device_path(path), header)
        if found is None or not isinstance(found[1], DeviceResult):
            return None
        content = found[0].get("content")
        if not isinstance(content, list) or len(content) != 1:
            return None
        return found[1], str(content[0])

    def store_device(
        self,
        config: ConfigText,
        result: DeviceResult,
        taken: Signature | None = None,
    ) -> None:
        """Keep the result; `taken` is the file's signature from before
        it was read, if it is settled."""
        header = _header("device", [config], (taken,) if taken else None)
        self._write(self._device_path(config.path), header, result)

    # --- a pair of configs --------------------------------------------------

    def pair(
        self,
        configs: tuple[Keyed, Keyed],
        guard: tuple[Signature | None, Signature | None] | None,
        variant: str = "",
    ) -> PairResult | None:
        """The pair's simulation; `guard` the files' signatures when the
        simulation compared keys (None when it could not); `variant`
        what else the simulation depended on (declared NAT)."""
        if guard is not None and None in guard:
            return None
        header = _header("pair", list(configs), guard) | {"variant": variant}
        found = self._read(self._pair_path(configs), header)
        if found is None or not isinstance(found[1], PairResult):
            return None
        return found[1]

    def store_pair(
        self,
        configs: tuple[Keyed, Keyed],
        guard: tuple[Signature | None, Signature | None] | None,
        result: PairResult,
        variant: str = "",
    ) -> None:
        if guard is not None and None in guard:
            return  # a file too fresh to vouch for its keys
        header = _header("pair", list(configs), guard) | {"variant": variant}
        self._write(self._pair_path(configs), header, result)

    # --- files ---------------------------------------------------------------

    def _device_path(self, path: str) -> Path:
        return self.directory / f"{path_digest(path)}.result"

    def _pair_path(self, configs: tuple[Keyed, Keyed]) -> Path:
        both = "\0".join(path_digest(c.path) for c in configs)
        name = hashlib.sha256(f"asalint-pair\0{both}".encode()).hexdigest()
        return self.directory / f"{name}.pair"

    def _read(
        self, file: Path, expected: dict
    ) -> tuple[dict, object] | None:
        if not self.models.usable():
            return None  # not our folder: trust nothing in it
        try:
            raw = file.read_bytes()
        except OSError:
            return None
        return decode_entry(raw, expected)

    def _write(self, file: Path, header: dict, body: object) -> None:
        if not self.models.usable():
            return
        try:
            data = encode(header, body)
        except UnsafeResult as error:
            log.debug("%s: not kept: %s", file.name, error)
            return
        _write_atomically(file, data)


# --- entries -----------------------------------------------------------------


class UnsafeResult(Exception):
    """A result still holds a secret value; it is never written."""


def _common(kind: str) -> dict[str, object]:
    """What every entry of `kind` must match: this asalint, this code."""
    return {
        "format": FORMAT,
        "kind": kind,
        "asalint": __version__,
        "code": code_fingerprint(),
        "pydantic": pydantic.VERSION,
        "python": list(sys.version_info[:2]),
    }


def _header(
    kind: str,
    configs: Sequence[Keyed],
    guard: Sequence[Signature | None] | None = None,
) -> dict[str, object]:
    """The header of an entry for these configs' contents.

    `files` holds the signatures the entry may be trusted by: a pair's,
    that compared keys, and a config's, whose file a later run need not
    read while it stays unwritten.
    """
    header = _common(kind) | {
        "paths": [path_digest(config.path) for config in configs],
        "content": [config.digest for config in configs],
    }
    if guard is not None or kind == "pair":
        header["files"] = (
            None if guard is None else [list(s or ()) for s in guard]
        )
    return header


def encode(header: dict, body: object) -> bytes:
    """The header line, then the pickled body; refuses any secret."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {
        SecretStr: _refuse_secret,
        ipaddress.IPv4Address: _reduce_address,
    }
    pickler.dump(body)
    data = buffer.getvalue()
    line = header | {"body": hashlib.sha256(data).hexdigest()}
    return json.dumps(line, sort_keys=True).encode() + b"\n" + data


def decode(raw: bytes, expected: dict) -> object | None:
    """The body if the entry is whole and its header is `expected`."""
    found = decode_entry(raw, expected)
    return None if found is None else found[1]


def decode_entry(raw: bytes, expected: dict) -> tuple[dict, object] | None:
    """Header and body, if the entry is whole and matches `expected`."""
    head, _, data = raw.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        return None
    if not isinstance(header, dict):
        return None
    if {name: header.get(name) for name in expected} != expected:
        return None
    if header.get("body") != hashlib.sha256(data).hexdigest():
        return None
    try:
        with collection_paused():
            return header, _ResultUnpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, IndexError, KeyError):
        return None


def _refuse_secret(secret: SecretStr) -> typing.NoReturn:
    raise UnsafeResult("a secret value is left in the result")


@lru_cache(maxsize=1 << 16)
def address(number: int) -> ipaddress.IPv4Address:
    """An IPv4 address from its number, shared across loads: the index
    records of a repository repeat the same peers many times."""
    return ipaddress.IPv4Address(number)


def _reduce_address(value: ipaddress.IPv4Address):
    return address, (int(value),)


class _ResultUnpickler(pickle.Unpickler):
    """Resolves the classes a result is made of, and nothing else."""

    def find_class(self, module: str, name: str) -> object:
        found = allowed_globals().get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed")
        return found


@cache
def allowed_globals() -> dict[tuple[str, str], object]:
    """(module, name) -> class, for every class a result can hold."""
    allowed: dict[tuple[str, str], object] = {(__name__, "address"): address}
    pending: list[type] = [DeviceResult, PairResult]
    while pending:
        kind = pending.pop()
        key = (kind.__module__, kind.__qualname__)
        if key in allowed:
            continue
        allowed[key] = kind
        for annotation in _field_types(kind):
            pending.extend(_classes_in(annotation))
    return allowed


def _field_types(kind: type) -> list[object]:
    if issubclass(kind, BaseModel):
        return [field.annotation for field in kind.model_fields.values()]
    if dataclasses.is_dataclass(kind):
        return list(typing.get_type_hints(kind).values())
    return []


def _classes_in(annotation: object) -> list[type]:
    """The models, dataclasses, enums and IPv4 types `annotation` names
    (never SecretStr: no result holds a key's value)."""
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel | enum.Enum):
            return [annotation]
        if dataclasses.is_dataclass(annotation):
            return [annotation]
        if annotation.__module__ == ipaddress.__name__:
            return [annotation]
        return []
    return [c for a in typing.get_args(annotation) for c in _classes_in(a)]
