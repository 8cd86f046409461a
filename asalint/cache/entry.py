"""One cache entry: a JSON header line, then the stripped device pickled.

Why pickle, and why it is safe here. A pickle of a device loads three
times faster than pydantic's JSON validation of the same device, whose
time goes into parsing thousands of IPv4 networks from text; on a hit
that load is most of the work. Pickle is unsafe when loading runs code
named by the data, so loading here goes through an unpickler that
resolves only the classes a `Device` is made of (asalint's model
classes and enums, the `ipaddress` IPv4 types, and `network` below) and
refuses any other global: no other function, no builtin, nothing that
runs code. Before loading,
the header must match this asalint, pydantic, path and content exactly,
and the body's SHA-256 must match the header, so a truncated or damaged
entry is never loaded at all. Writing refuses any `SecretStr`: the device
is stripped of key values first, and a value left over stops the write.
"""

from __future__ import annotations

import copyreg
import enum
import hashlib
import io
import ipaddress
import json
import pickle
import sys
import typing
from functools import cache, lru_cache
from pathlib import Path

import pydantic
from pydantic import SecretStr

from asalint import __version__
from asalint.cache.keys import model_classes
from asalint.cache.text import ConfigText
from asalint.memory import collection_paused
from asalint.model import Device

# Bump when the entry layout changes, or what a stored field means,
# without a new asalint version (a development install, say).
FORMAT = 2


class UnsafeEntry(Exception):
    """A device still holds a secret value; it is never written."""


def path_digest(path: str) -> str:
    """The entry's name: one entry per config path, as given."""
    return hashlib.sha256(f"asalint-cache-path\0{path}".encode()).hexdigest()


def encode_entry(config: ConfigText, device: Device) -> bytes:
    """Header line and pickled body for a device stripped of key values."""
    body = _dumps(device)
    header = _header(config) | {"body": hashlib.sha256(body).hexdigest()}
    return json.dumps(header, sort_keys=True).encode() + b"\n" + body


def decode_entry(raw: bytes, config: ConfigText) -> Device | None:
    """The entry's device if whole, current and this file's; else None."""
    head, _, body = raw.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        return None
    if not isinstance(header, dict) or not _current(header, config, body):
        return None

    try:
        with collection_paused():
            device = _ModelUnpickler(io.BytesIO(body)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, IndexError, KeyError):
        return None
    if not isinstance(device, Device) or device.path != config.path:
        return None
    return device


def _header(config: ConfigText) -> dict[str, object]:
    return {
        "format": FORMAT,
        "asalint": __version__,
        "code": code_fingerprint(),
        "pydantic": pydantic.VERSION,
        "python": list(sys.version_info[:2]),
        "path": path_digest(config.path),
        "content": config.digest,
    }


@cache
def code_fingerprint() -> str:
    """A digest of the size and time of every module and rule file.

    A development install changes code without changing the version: a
    model parsed, or a result computed, by other code is not this code's
    (a field added to the model would be missing from an older entry).
    Some three hundred file times: a few milliseconds.
    """
    from asalint.rule_index import find_rules

    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py"))
    rules = find_rules()
    if rules is not None:
        files += sorted(rules.glob("*.toml"))
    digest = hashlib.sha256()
    for file in files:
        status = file.stat()
        digest.update(f"{file}\0{status.st_size}\0".encode())
        digest.update(f"{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _current(header: dict, config: ConfigText, body: bytes) -> bool:
    expected = _header(config)
    if {name: header.get(name) for name in expected} != expected:
        return False
    return header.get("body") == hashlib.sha256(body).hexdigest()


# --- pickling ----------------------------------------------------------------


def _refuse_secret(secret: SecretStr) -> typing.NoReturn:
    raise UnsafeEntry("a secret value is left in the device")


@lru_cache(maxsize=1 << 16)
def network(address: int, prefix: int) -> ipaddress.IPv4Network:
    """An IPv4 network from its numbers, shared across loads.

    A device repeats the same networks in many ACL entries and groups,
    and building one from text is most of the cost of a load.
    """
    return ipaddress.IPv4Network((address, prefix))


def _reduce_network(value: ipaddress.IPv4Network):
    return network, (int(value.network_address), value.prefixlen)


def _dumps(device: Device) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {
        SecretStr: _refuse_secret,
        ipaddress.IPv4Network: _reduce_network,
    }
    pickler.dump(device)
    return buffer.getvalue()


def device_bytes(device: Device) -> bytes:
    """A whole device, keys included, for a worker to hand to its parent
    process: never for the disk."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {
        ipaddress.IPv4Network: _reduce_network,
    }
    pickler.dump(device)
    return buffer.getvalue()


def device_from_bytes(data: bytes) -> Device:
    """The device `device_bytes` gave in a worker of this process.

    A plain load, as the process pool's own would be: the bytes come
    from our own worker through a pipe, never from a file.
    """
    with collection_paused():
        device = pickle.loads(data)
    if not isinstance(device, Device):
        raise TypeError("not a device")
    return device


class _ModelUnpickler(pickle.Unpickler):
    """Resolves the classes of the device model and nothing else."""

    def find_class(self, module: str, name: str) -> object:
        found = allowed_globals().get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed")
        return found


@cache
def allowed_globals() -> dict[tuple[str, str], object]:
    """(module, name) -> class, for every class a Device can hold.

    And `network`, which builds an IPv4 network from two numbers.
    """
    allowed: dict[tuple[str, str], object] = {(__name__, "network"): network}
    for model in model_classes(Device):
        allowed[(model.__module__, model.__qualname__)] = model
        for field in model.model_fields.values():
            for kind in _value_types(field.annotation):
                allowed[(kind.__module__, kind.__qualname__)] = kind
    return allowed


def _value_types(annotation: object) -> list[type]:
    """The enum and IPv4 types a field annotation names."""
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return [annotation]
        if annotation.__module__ == ipaddress.__name__:
            return [annotation]
        return []
    return [t for arg in typing.get_args(annotation)
            for t in _value_types(arg)]
