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


# Commands that can change a tunnel's fate. Other lines asalint passes
# over (logging, NTP, management access...) are counted in the device
# summary of every report but are not findings: a pre-commit hook that
# printed every `logging` line of a config would be read by no one.
VPN_COMMANDS = frozenset({
    "crypto", "isakmp", "tunnel-group", "group-policy", "nat", "static",
    "global", "route", "access-list", "access-group", "object",
    "object-group", "name", "sysopt", "vpn-filter", "ip", "nameif", "security-level", "failover", "interface",
    "vpn-tunnel-protocol", "ikev1", "ikev2", "pre-shared-key",
    "peer-id-validate", "isakmp-profile", "keyring", "tunnel",
})


def _vpn_related(text: str) -> bool:
    words = text.split()
    return bool(words) and words[0].lower() in VPN_COMMANDS


@check("ASA902")
def check_not_modelled(device: Device) -> Iterator[Finding]:
    for item in device.unparsed:
        if not item.recognised and _vpn_related(item.origin.text):
            text = item.origin.text.strip()
            detail = "" if item.reason == NOT_MODELLED else f" ({item.reason})"
            yield finding(
                "ASA902", device, item.origin, text,
                f"`{text}` is not modelled{detail}; predictions are made "
                "without it",
            )
