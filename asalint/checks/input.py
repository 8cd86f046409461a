"""Input checks (9xx): lines the parser could not read or does not model.

An unknown line is reported, never silently dropped: a prediction made
without it may be wrong.
"""

from __future__ import annotations

from collections.abc import Iterator

from asalint.checks.registry import check, finding
from asalint.model import Device
from asalint.results import Finding

# The reason the parsers give when they have nothing more to say.
NOT_MODELLED = "not modelled"


@check("ASA901")
def check_unreadable_lines(device: Device) -> Iterator[Finding]:
    for item in device.unparsed:
        if item.recognised:
            yield finding(
                "ASA901", device, item.origin, item.origin.text.strip(),
                f"line not read: {item.reason}",
            )


@check("ASA902")
def check_not_modelled(device: Device) -> Iterator[Finding]:
    for item in device.unparsed:
        if not item.recognised:
            detail = "" if item.reason == NOT_MODELLED else f" ({item.reason})"
            yield finding(
                "ASA902", device, item.origin, item.origin.text.strip(),
                f"asalint does not model this line{detail}; predictions "
                "are made without it",
            )
