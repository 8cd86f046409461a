"""The one registry of single-config checks, keyed by rule id.

A check is a small function `check_xxx(device) -> Iterator[Finding]`
decorated with `@check("ASA301")`. Its rule's name, level and cause come
from the catalogue through `finding()`, so a check never restates them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from asalint.catalogue import catalogue
from asalint.model import Device, Origin
from asalint.results import Finding, Related

Check = Callable[[Device], Iterator[Finding]]

REGISTRY: dict[str, tuple[Check, ...]] = {}


def check(rule_id: str) -> Callable[[Check], Check]:
    """Register the decorated function as a check of `rule_id`."""

    def register(function: Check) -> Check:
        REGISTRY[rule_id] = REGISTRY.get(rule_id, ()) + (function,)
        return function

    return register


def finding(
    rule_id: str,
    device: Device,
    origin: Origin,
    subject: str,
    message: str,
    related: Iterable[tuple[Origin, str]] = (),
) -> Finding:
    """A finding of `rule_id` at `origin`, described by the catalogue.

    `subject` names what the finding is about (a peer, a map entry, an
    object); with the rule and the device it forms the logical key that
    keeps a fingerprint stable when lines move.
    """
    rule = catalogue()[rule_id]
    return Finding(
        rule=rule.id,
        name=rule.name,
        cause=rule.cause,
        level=rule.level,
        message=message,
        path=origin.path,
        line=origin.line,
        related=tuple(
            Related(path=where.path, line=where.line, message=text)
            for where, text in related
        ),
        key=f"{rule.id}|{device.hostname or device.path}|{subject}",
    )
