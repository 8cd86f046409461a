"""Phase 2 checks (2xx) on one config."""

from __future__ import annotations

from collections.abc import Iterator

from asalint.checks.common import dynamic_references, static_entries
from asalint.checks.registry import check, finding
from asalint.model import Device
from asalint.results import Finding


@check("ASA205")
def check_dynamic_entry_last(device: Device) -> Iterator[Finding]:
    """A dynamic entry must come after every static entry of its map.

    A responder takes the first entry, in sequence order, that is dynamic
    or names the initiator as peer; a dynamic entry accepts any peer, so
    static entries numbered after it are never chosen for an incoming
    tunnel, and their peers get the dynamic entry's settings.
    """
    statics = list(static_entries(device))
    for dynamic in dynamic_references(device):
        shadowed = [
            entry
            for entry in statics
            if entry.map == dynamic.map and entry.sequence > dynamic.sequence
        ]
        if not shadowed:
            continue
        labels = ", ".join(str(entry.sequence) for entry in shadowed)
        yield finding(
            "ASA205", device, dynamic.origin, dynamic.label,
            f"dynamic entry {dynamic.label} comes before static entries "
            f"{labels} of the same map: their peers land on the dynamic "
            "entry",
            related=[(e.origin, f"shadowed entry {e.label}") for e in shadowed],
        )
