"""Which platform wrote a config: told from its text, never its name.

The version line decides when there is one (`ASA Version`, `PIX Version`,
IOS `version 15.2`). Without it, commands that exist on one platform only
decide (`nameif` and `tunnel-group` are ASA, `ip route` and `crypto
isakmp key` are IOS). Configs of other vendors are named, so the user
learns what the file is rather than reading a list of unparsed lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asalint.errors import InputError
from asalint.source import SourceText


@dataclass(frozen=True)
class Detection:
    """`kind` is asa (ASA and PIX 7+), pix6 or ios."""

    kind: str
    platform: str  # asa | pix | ios
    version: str | None = None
    note: str | None = None


_ASA_VERSION = re.compile(r"^:?\s*ASA Version\s+(\S+)", re.IGNORECASE)
_PIX_VERSION = re.compile(r"^:?\s*PIX Version\s+(\S+)", re.IGNORECASE)
_FWSM_VERSION = re.compile(r"^:?\s*FWSM Version\s+(\S+)", re.IGNORECASE)
# `[^\s;]`: Junos prints `version 20.4R3.8;` at the top of its configs.
_IOS_VERSION = re.compile(r"^version\s+(\d+\.\d+[^\s;]*)\s*$")

# Lines only an ASA (or PIX 7+) config holds.
_ASA_ONLY = re.compile(
    r"^(?:\s*nameif\s|\s*security-level\s|tunnel-group\s|group-policy\s"
    r"|crypto ikev1\s|crypto ipsec ikev[12]\s|object network\s"
    r"|object-group network\s|access-list \S+ extended\s|same-security"
    r"|crypto map \S+ \d+ (?:match address|set peer)\s|sysopt connection"
    r"|nat \(|static \(|global \(|webvpn$|asdm\s|\s*ikev1 pre-shared-key)"
)
# Lines only an IOS router (or IOS XE) config holds.
_IOS_ONLY = re.compile(
    r"^(?:ip route\s|ip access-list\s|crypto isakmp key\s|line vty\s"
    r"|ip nat inside source|crypto keyring\s|\s*ip address \d\S* \d"
    r"|router (?:ospf|eigrp|bgp)\s|ip cef|service timestamps"
    r"|\s*crypto map \S+$|Building configuration|boot-start-marker"
    r"|crypto map \S+ \d+ ipsec-isakmp\s*$|\s+set (?:pfs|peer)\s"
    r"|crypto ipsec transform-set \S+ .*esp-(?:aes|gcm|gmac) \d+)"
)
_PIX6_ONLY = re.compile(
    r"^(?:nameif (?:ethernet|gb-ethernet)\S*\s|ip address (?!\d)\S+ \d"
    r"|fixup protocol\s)"
)

_OTHER_VENDORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Palo Alto (XML)", re.compile(r"^\s*<(?:\?xml|config\s+version)")),
    ("Fortinet FortiGate", re.compile(r"^config (?:system|firewall|vpn)\b")),
    ("Juniper Junos", re.compile(
        r"^(?:set (?:system|interfaces|security|routing-options)\s"
        r"|(?:system|interfaces|security|routing-options) \{\s*$)"
    )),
    ("Check Point Gaia", re.compile(
        r"^(?:set (?:hostname|static-route|interface)\s|add allowed-client)"
    )),
    ("Arista EOS", re.compile(r"^! device: .*\bEOS-|^management api\s")),
    ("Cisco NX-OS", re.compile(r"^!Command: show running-config|^feature \S")),
    ("Huawei or H3C", re.compile(r"^sysname\s")),
    ("MikroTik RouterOS", re.compile(r"^/(?:ip|interface|system)\s")),
    ("Linux iptables", re.compile(r"^\*(?:filter|nat|mangle)$")),
)


def detect(source: SourceText) -> Detection:
    """The platform of `source`; InputError for another vendor's config."""
    found = _by_version_line(source.lines)
    if found is not None:
        return found

    _refuse_other_vendor(source)
    return _by_syntax(source)


def _by_version_line(lines) -> Detection | None:
    for line in lines:
        if match := _ASA_VERSION.match(line):
            return Detection("asa", "asa", match.group(1))
        if match := _PIX_VERSION.match(line):
            return _pix(match.group(1))
        if match := _FWSM_VERSION.match(line):
            # FWSM speaks the pre-8.3 ASA syntax.
            return Detection("asa", "asa", match.group(1))
        if match := _IOS_VERSION.match(line):
            return Detection("ios", "ios", match.group(1))
    return None


def _pix(version: str) -> Detection:
    major = re.match(r"\d+", version)
    if major and int(major.group()) < 7:
        return Detection("pix6", "pix", version)
    return Detection("asa", "pix", version)


def _refuse_other_vendor(source: SourceText) -> None:
    counts = {vendor: 0 for vendor, _ in _OTHER_VENDORS}
    for line in source.lines[:2000]:
        for vendor, pattern in _OTHER_VENDORS:
            if pattern.search(line):
                counts[vendor] += 1

    vendor, hits = max(counts.items(), key=lambda item: item[1])
    cisco = _count(source.lines[:2000], _ASA_ONLY) + _count(
        source.lines[:2000], _IOS_ONLY
    )
    if hits and hits >= cisco:
        raise InputError(
            source.path,
            f"looks like {_article(vendor)} {vendor} config, not Cisco "
            "ASA, PIX or IOS",
        )


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


def _count(lines, pattern: re.Pattern[str]) -> int:
    return sum(1 for line in lines if pattern.search(line))


def _by_syntax(source: SourceText) -> Detection:
    lines = source.lines
    asa, ios = _count(lines, _ASA_ONLY), _count(lines, _IOS_ONLY)
    pix6 = _count(lines, _PIX6_ONLY)
    if pix6 and pix6 >= asa:
        return Detection("pix6", "pix", None, "no version line; PIX 6 syntax")
    # Any ASA-only command decides: an IOS router never accepts one, while
    # ASA configs pasted together from examples may hold IOS forms too.
    if asa:
        return Detection("asa", "asa", None, "no version line; ASA syntax")
    if ios:
        return Detection("ios", "ios", None, "no version line; IOS syntax")
    raise InputError(
        source.path,
        "not a Cisco ASA, PIX or IOS config (no version line and no "
        "line of their syntax)",
    )
