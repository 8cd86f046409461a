"""What reports say about a device, kept apart from the device.

A report names each device (path, host name, platform, version, era,
how many lines the model leaves out, how its keys are stored) and, in
SARIF, the masked text of each line a finding points at. A run served
from the result cache has no device model at all: it has the
`DeviceSummary` the cache kept. Renderers and suppressions read a device
through the functions here, so that either will do.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from pydantic import BaseModel

from asalint.model import (
    Device,
    Era,
    KeyState,
    Origin,
    Platform,
    PreSharedKey,
)

# How a device's keys are stored, as SARIF reports it per device.
SECRETS_OF_STATE = {
    KeyState.PLAIN: "cleartext",
    KeyState.MASKED: "masked",
    KeyState.ENCRYPTED: "encrypted",
}


@dataclass(frozen=True, slots=True)
class DeviceSummary:
    """A device as reports show it; `texts` maps each line the model
    cites, by path and line number, to its masked text."""

    path: str
    hostname: str | None
    platform: Platform
    version: str | None
    era: Era
    notes: tuple[str, ...]
    not_modelled: int
    unreadable: int
    secrets: str
    texts: dict[tuple[str, int], str] = field(default_factory=dict)


Reported = Device | DeviceSummary


def summarize(device: Device) -> DeviceSummary:
    """The summary of a parsed device."""
    not_modelled, unreadable = unparsed_counts(device)
    return DeviceSummary(
        path=device.path,
        hostname=device.hostname,
        platform=device.platform,
        version=device.version,
        era=device.era,
        notes=device.notes,
        not_modelled=not_modelled,
        unreadable=unreadable,
        secrets=secrets_of(device),
        texts=line_texts(device),
    )


def unparsed_counts(device: Reported) -> tuple[int, int]:
    """Lines the model does not hold, and those of them it could not read
    although it recognised them."""
    if isinstance(device, DeviceSummary):
        return device.not_modelled, device.unreadable
    unreadable = sum(1 for line in device.unparsed if line.recognised)
    return len(device.unparsed) - unreadable, unreadable


def secrets_of(device: Reported) -> str:
    """none, masked, cleartext, encrypted or mixed: how the keys look.

    Says why a key comparison was skipped (a `show running-config` dump
    masks every key) without telling anything about a key itself.
    """
    if isinstance(device, DeviceSummary):
        return device.secrets
    return secrets_kind(instances(device, PreSharedKey))


def secrets_kind(keys: typing.Iterable[PreSharedKey]) -> str:
    kinds = {
        SECRETS_OF_STATE[key.state]
        for key in keys
        if key.state in SECRETS_OF_STATE
    }
    if not kinds:
        return "none"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def line_texts(device: Reported) -> dict[tuple[str, int], str]:
    """The masked text of every line the model cites, by path and line."""
    if isinstance(device, DeviceSummary):
        return device.texts
    return {(o.path, o.line): o.text for o in instances(device, Origin)}


# --- walking a model --------------------------------------------------------


def instances(value: object, kind: type[BaseModel]) -> Iterator[typing.Any]:
    """Every `kind` inside a model, through fields, tuples and dicts.

    Only the fields whose type can hold a `kind` are entered: a device's
    ACL entries hold thousands of networks and no origin of interest
    below their own.
    """
    if isinstance(value, kind):
        yield value
    elif isinstance(value, BaseModel):
        for name in _fields_holding(type(value), kind):
            yield from instances(getattr(value, name), kind)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from instances(item, kind)
    elif isinstance(value, dict):
        for item in value.values():
            yield from instances(item, kind)


@cache
def _fields_holding(
    model: type[BaseModel], kind: type[BaseModel]
) -> tuple[str, ...]:
    return tuple(
        name
        for name, info in model.model_fields.items()
        if _can_hold(info.annotation, kind)
    )


def _can_hold(
    annotation: object,
    kind: type[BaseModel],
    seen: frozenset[type] = frozenset(),
) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation is kind:
            return True
        if annotation in seen:
            return False
        return any(
            _can_hold(info.annotation, kind, seen | {annotation})
            for info in annotation.model_fields.values()
        )
    return any(
        _can_hold(argument, kind, seen)
        for argument in typing.get_args(annotation)
    )
