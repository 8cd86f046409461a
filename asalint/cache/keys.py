"""Taking the pre-shared keys out of a device, and reading them back.

A cache entry keeps each key's state and origin, never its value. On a
hit, each key whose origin text shows the mask `*****` is read again from
its line with the parser's own key reader; the line is found by the
origin's line number in the text whose digest matched. A placeholder such
as `<removed>` is no secret and is covered by the digest as it stands.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from functools import cache

from pydantic import BaseModel, SecretStr

from asalint.cache.text import ConfigText
from asalint.model import Device, KeyState, Platform, PreSharedKey

MASK = "*****"
# Key types written before the key: plain (0), IOS AES (6), IOS type 7,
# ASA master passphrase (8). The readers need them to tell the state.
_KEY_TYPES = frozenset({"0", "6", "7", "8"})


class StaleEntry(Exception):
    """A key's line no longer holds a key of the state the entry kept."""


# --- where keys can be -------------------------------------------------------


_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def _key_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields of `model` that can hold a PreSharedKey."""
    if model not in _FIELDS:
        classes = model_classes(model)
        holders = _key_holders(classes)
        for current in classes:
            _FIELDS[current] = tuple(
                name
                for name, field in current.model_fields.items()
                if set(_models_in(field.annotation)) & holders
            )
    return _FIELDS[model]


def _key_holders(
    classes: frozenset[type[BaseModel]],
) -> set[type[BaseModel]]:
    """The classes that hold a PreSharedKey, at any depth.

    Grown to a fixed point, so that models nesting each other are right.
    """
    holders: set[type[BaseModel]] = {PreSharedKey}
    grown = True
    while grown:
        grown = False
        for current in classes - holders:
            inner = {
                model
                for field in current.model_fields.values()
                for model in _models_in(field.annotation)
            }
            if inner & holders:
                holders.add(current)
                grown = True
    return holders


def replace_keys(
    value: object, change: Callable[[PreSharedKey], PreSharedKey]
) -> object:
    """`value` with every PreSharedKey inside it replaced by `change`."""
    if isinstance(value, PreSharedKey):
        return change(value)
    if isinstance(value, BaseModel):
        fields = _key_fields(type(value))
        if not fields:
            return value
        update = {
            name: replace_keys(getattr(value, name), change) for name in fields
        }
        return value.model_copy(update=update)
    if isinstance(value, tuple | list):
        return type(value)(replace_keys(item, change) for item in value)
    if isinstance(value, dict):
        return {
            name: replace_keys(item, change) for name, item in value.items()
        }
    return value


def keys_of(value: object) -> list[PreSharedKey]:
    """Every PreSharedKey inside `value`, in field order."""
    found: list[PreSharedKey] = []

    def collect(key: PreSharedKey) -> PreSharedKey:
        found.append(key)
        return key

    replace_keys(value, collect)
    return found


@cache
def secret_holders(
    model: type[BaseModel] = Device,
) -> frozenset[type[BaseModel]]:
    """The model classes with a SecretStr field: PreSharedKey alone.

    The cache strips and restores PreSharedKey values only; a secret held
    anywhere else could not be kept off the disk, so a device model with
    one is not cached (and a test fails, so that the cache learns it).
    """
    holders: set[type[BaseModel]] = set()
    for current in model_classes(model):
        for field in current.model_fields.values():
            if _mentions(field.annotation, SecretStr):
                holders.add(current)
    return frozenset(holders)


@cache
def model_classes(
    model: type[BaseModel] = Device,
) -> frozenset[type[BaseModel]]:
    """`model` and every model class its fields can hold."""
    found: set[type[BaseModel]] = set()
    pending = [model]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        for field in current.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return frozenset(found)


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _mentions(annotation: object, wanted: type) -> bool:
    if annotation is wanted:
        return True
    return any(_mentions(arg, wanted) for arg in typing.get_args(annotation))


# --- stripping and restoring -------------------------------------------------


def strip_keys(device: Device) -> Device:
    """The device with every key's value removed; state and origin kept."""

    def strip(key: PreSharedKey) -> PreSharedKey:
        return key.model_copy(update={"value": None})

    return typing.cast(Device, replace_keys(device, strip))


def restore_keys(device: Device, config: ConfigText) -> Device:
    """Read every masked key of a stripped device again from its line.

    Raises StaleEntry when a line no longer holds a key of the state the
    entry recorded (a plain key replaced by `*****` masks to the same
    text, so the digest alone cannot tell).
    """

    def restore(key: PreSharedKey) -> PreSharedKey:
        return reread_key(device.platform, key, config)

    return typing.cast(Device, replace_keys(device, restore))


def reread_key(
    platform: Platform, key: PreSharedKey, config: ConfigText
) -> PreSharedKey:
    """The key at `key.origin`, read by the platform parser's reader."""
    if key.origin is None or MASK not in key.origin.text.split():
        return key

    try:
        line = config.line(key.origin.line)
    except IndexError:
        raise StaleEntry(f"line {key.origin.line} is gone") from None
    words = _key_words(key.origin.text, line)
    found = _read_key(platform, words, key) if words else None
    if found is None or found.state != key.state:
        raise StaleEntry(f"line {key.origin.line} holds another key")
    return found


def _key_words(masked: str, line: str) -> list[str] | None:
    """The line's words from the key (or its type digit) to the end.

    `mask_line` replaces the key by `*****` and keeps every other word,
    so the mask's place among the words is the key's place in the line.
    """
    masked_words, words = masked.split(), line.split()
    if len(masked_words) != len(words):
        return None
    index = masked_words.index(MASK)
    if index and words[index - 1] in _KEY_TYPES:
        index -= 1
    return words[index:]


def _read_key(
    platform: Platform, words: list[str], key: PreSharedKey
) -> PreSharedKey | None:
    assert key.origin is not None
    if platform == Platform.IOS:
        from asalint.parse.ioslike import read_key as read_ios_key

        found = read_ios_key(words, 0, key.origin)
        return found[0] if found else None

    from asalint.parse.common import read_key

    return read_key(words, key.origin)


def restorable(device: Device, stripped: Device, config: ConfigText) -> bool:
    """Whether every key reads back from its line exactly as parsed.

    Checked before an entry is written, so that a key syntax the readers
    or `mask_line` see differently is never cached, only parsed again.
    """
    try:
        restored = keys_of(restore_keys(stripped, config))
    except StaleEntry:
        return False
    return restored == keys_of(device)


def shows_a_key(device: Device) -> bool:
    """Whether a plain key's value is a word of its own origin's text.

    Origins are masked by the parser; this guards against a key syntax
    that `mask_line` does not know, which would leave the key in the
    origin's text and so in the entry.
    """
    for key in keys_of(device):
        if key.state != KeyState.PLAIN or key.value is None:
            continue
        if key.origin is None or MASK not in key.origin.text.split():
            return True
        if key.value.get_secret_value() in key.origin.text.split():
            return True
    return False
