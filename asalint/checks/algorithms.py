"""Every cryptographic choice a device makes, with the line it came from.

The hygiene checks and the IOS weak-crypto check read the same list:
encryption, integrity (hash), PRF and Diffie-Hellman groups of IKE
policies, transform sets, IPsec proposals and PFS settings. Values are
normalised (`esp-3des` -> `3des`, `esp-sha-hmac` -> `sha`, `group5` ->
`5`) so one table of weak algorithms serves every syntax.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from asalint.model import Device, Origin, Platform, Setting

WEAK_ENCRYPTION = {"des": "DES", "3des": "3DES"}
WEAK_INTEGRITY = {"md5": "MD5"}
SHA1 = {"sha", "sha1", "sha-1"}
WEAK_GROUPS = {"1": "DH group 1", "2": "DH group 2", "5": "DH group 5"}

# What a bare `set pfs` asks for: group 2 on the ASA, group 1 on IOS.
BARE_PFS_GROUP = {Platform.ASA: "2", Platform.PIX: "2", Platform.IOS: "1"}


@dataclass(frozen=True)
class Use:
    """One algorithm chosen on one line."""

    kind: str  # encryption | integrity | prf | group
    value: str  # normalised
    origin: Origin
    subject: str  # "IKEv1 policy 10", "transform set TS" ...
    sha2_available: bool  # could this place name a SHA-2 hash instead?


def normalise(kind: str, value: object) -> str:
    text = str(value).strip().lower()
    if kind == "group":
        return text.removeprefix("group").strip()
    return text.removeprefix("esp-").removesuffix("-hmac")


def algorithm_uses(device: Device) -> Iterator[Use]:
    yield from _ikev1_policies(device)
    yield from _ikev2_policies(device)
    yield from _transform_sets(device)
    yield from _proposals(device)
    yield from _pfs(device)


def _setting(
    kind: str, setting: Setting, fallback: Origin, subject: str, sha2: bool
) -> Iterator[Use]:
    if setting.value is None:
        return
    origin = setting.origin or fallback
    yield Use(kind, normalise(kind, setting.value), origin, subject, sha2)


def _ikev1_policies(device: Device) -> Iterator[Use]:
    # The ASA's IKEv1 `hash` knows only md5 and sha; IOS offers sha256 and
    # up, so SHA-1 is a choice there.
    sha2 = device.platform == Platform.IOS
    for policy in device.ikev1_policies:
        subject = f"IKEv1 policy {policy.priority}"
        for kind, setting in (
            ("encryption", policy.encryption),
            ("integrity", policy.hash),
            ("group", policy.group),
        ):
            yield from _setting(kind, setting, policy.origin, subject, sha2)


def _ikev2_policies(device: Device) -> Iterator[Use]:
    for policy in device.ikev2_policies:
        subject = f"IKEv2 policy {policy.priority}"
        for kind, values in (
            ("encryption", policy.encryptions),
            ("integrity", policy.integrities),
            ("prf", policy.prfs),
            ("group", policy.groups),
        ):
            # The line that set this attribute, where the parser kept it.
            origin = policy.attribute_origins.get(kind, policy.origin)
            for value in values:
                yield Use(kind, normalise(kind, value), origin, subject, True)


def _transform_sets(device: Device) -> Iterator[Use]:
    sha2 = device.platform == Platform.IOS
    for name, transform_set in sorted(device.transform_sets.items()):
        subject = f"transform set {name}"
        origin = transform_set.origin
        for kind, value in (
            ("encryption", transform_set.esp_encryption),
            ("integrity", transform_set.esp_integrity),
        ):
            if value is not None:
                yield Use(kind, normalise(kind, value), origin, subject, sha2)


def _proposals(device: Device) -> Iterator[Use]:
    for name, proposal in sorted(device.ipsec_proposals.items()):
        subject = f"IPsec proposal {name}"
        for kind, values in (
            ("encryption", proposal.encryptions),
            ("integrity", proposal.integrities),
        ):
            for value in values:
                yield Use(
                    kind, normalise(kind, value), proposal.origin, subject,
                    True,
                )


def _pfs(device: Device) -> Iterator[Use]:
    for entry in list(device.crypto_maps) + list(device.dynamic_maps):
        group = entry.pfs.value
        if group is None and entry.pfs_bare:
            group = BARE_PFS_GROUP[device.platform]
        if group is None:
            continue
        origin = entry.pfs.origin or entry.attribute_origins.get(
            "pfs", entry.origin
        )
        subject = f"PFS of crypto map {entry.label}"
        yield Use("group", normalise("group", group), origin, subject, True)


def weak_name(use: Use) -> str | None:
    """DES, 3DES, MD5 or a DH group of 1, 2 or 5; else None."""
    if use.kind == "encryption":
        return WEAK_ENCRYPTION.get(use.value)
    if use.kind in ("integrity", "prf"):
        return WEAK_INTEGRITY.get(use.value)
    return WEAK_GROUPS.get(use.value)


def weak_algorithms(device: Device) -> Iterator[tuple[Origin, str, str]]:
    """(line, subject, algorithm) of each weak choice, once per line."""
    seen: set[tuple[int, str]] = set()
    for use in algorithm_uses(device):
        weak = weak_name(use)
        if weak is None or (use.origin.line, weak) in seen:
            continue
        seen.add((use.origin.line, weak))
        yield use.origin, use.subject, weak
