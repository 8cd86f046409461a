"""Hygiene checks (5xx): weak cryptography and secrets in the file.

None of these stops a tunnel; each weakens it or the repository that
holds the config.
"""

from __future__ import annotations

from collections.abc import Iterator

from asalint.checks.algorithms import (
    SHA1,
    WEAK_ENCRYPTION,
    WEAK_GROUPS,
    WEAK_INTEGRITY,
    Use,
    algorithm_uses,
)
from asalint.checks.common import (
    PHASE1_MODE,
    static_entries,
    uses_pre_shared_keys,
    where,
)
from asalint.checks.registry import check, finding
from asalint.model import Device, KeyState, Origin, PreSharedKey, Setting
from asalint.results import Finding

# Lifetimes (seconds) outside these bounds are reported. 86400 s is the
# longest phase 1 lifetime IOS accepts and the ASA's default; under ten
# minutes the peers spend their time rekeying. Phase 2 below 120 s is
# under both platforms' minimum; above a day a key protects too much.
PHASE1_BOUNDS = (600, 86400)
PHASE2_BOUNDS = (120, 86400)


def _uses(device: Device, kinds: tuple[str, ...]) -> Iterator[Use]:
    seen: set[tuple[int, str]] = set()
    for use in algorithm_uses(device):
        if use.kind not in kinds or (use.origin.line, use.value) in seen:
            continue
        seen.add((use.origin.line, use.value))
        yield use


@check("ASA501")
def check_weak_encryption(device: Device) -> Iterator[Finding]:
    for use in _uses(device, ("encryption",)):
        if use.value in WEAK_ENCRYPTION:
            name = WEAK_ENCRYPTION[use.value]
            yield finding(
                "ASA501", device, use.origin, f"{use.subject}|{name}",
                f"{use.subject} encrypts with {name}",
            )


@check("ASA502")
def check_weak_integrity(device: Device) -> Iterator[Finding]:
    for use in _uses(device, ("integrity", "prf")):
        if use.value in WEAK_INTEGRITY:
            yield finding(
                "ASA502", device, use.origin, f"{use.subject}|md5",
                f"{use.subject} uses MD5 for {use.kind}",
            )


@check("ASA503")
def check_sha1(device: Device) -> Iterator[Finding]:
    """SHA-1 where the same command could name SHA-256 or better."""
    for use in _uses(device, ("integrity", "prf")):
        if use.value in SHA1 and use.sha2_available:
            yield finding(
                "ASA503", device, use.origin, f"{use.subject}|sha1",
                f"{use.subject} uses SHA-1 for {use.kind} where SHA-2 is "
                "available",
            )


@check("ASA504")
def check_weak_dh_group(device: Device) -> Iterator[Finding]:
    for use in _uses(device, ("group",)):
        if use.value in WEAK_GROUPS:
            name = WEAK_GROUPS[use.value]
            yield finding(
                "ASA504", device, use.origin, f"{use.subject}|{name}",
                f"{use.subject} uses {name}",
            )


@check("ASA505")
def check_aggressive_mode(device: Device) -> Iterator[Finding]:
    """Aggressive mode sends a hash of the key an attacker can test
    offline against guesses, before anyone is authenticated."""
    if not uses_pre_shared_keys(device):
        return
    for entry in static_entries(device):
        if str(entry.phase1_mode.value).lower() != "aggressive":
            continue
        yield finding(
            "ASA505", device, where(entry, PHASE1_MODE), entry.label,
            f"crypto map {entry.label} uses aggressive mode with a "
            "pre-shared key",
        )


# --- lifetimes ---------------------------------------------------------------


@check("ASA506")
def check_lifetimes(device: Device) -> Iterator[Finding]:
    for policy in device.ikev1_policies:
        yield from _lifetime(
            device, policy.lifetime, policy.origin,
            f"IKEv1 policy {policy.priority}", PHASE1_BOUNDS,
        )
    for policy in device.ikev2_policies:
        yield from _lifetime(
            device, policy.lifetime, policy.origin,
            f"IKEv2 policy {policy.priority}", PHASE1_BOUNDS,
        )
    for entry in list(device.crypto_maps) + list(device.dynamic_maps):
        yield from _lifetime(
            device, entry.lifetime_seconds,
            entry.attribute_origins.get("lifetime", entry.origin),
            f"crypto map {entry.label}", PHASE2_BOUNDS,
        )


def _lifetime(
    device: Device,
    setting: Setting,
    fallback: Origin,
    subject: str,
    bounds: tuple[int, int],
) -> Iterator[Finding]:
    if setting.value is None or setting.is_default:
        return
    seconds = _seconds(setting.value)
    low, high = bounds
    if seconds is not None and low <= seconds <= high:
        return
    shown = "no limit" if seconds is None else f"{seconds} s"
    yield finding(
        "ASA506", device, setting.origin or fallback, subject,
        f"{subject} has a lifetime of {shown}, outside {low}-{high} s",
    )


def _seconds(value: object) -> int | None:
    """Seconds, or None for `none` (no limit)."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# --- secrets -------------------------------------------------------------------


@check("ASA507")
def check_clear_text_keys(device: Device) -> Iterator[Finding]:
    """A pre-shared key stored readable in the file.

    Reports where the key is, never what it is.
    """
    for origin, owner in _plain_keys(device):
        yield finding(
            "ASA507", device, origin, owner,
            f"the pre-shared key of {owner} is stored in clear text in "
            "this file",
        )


def _plain_keys(device: Device) -> Iterator[tuple[Origin, str]]:
    for name, group in sorted(device.tunnel_groups.items()):
        for label, key in (
            ("IKEv1", group.ikev1_key),
            ("IKEv2 local", group.ikev2_local_key),
            ("IKEv2 remote", group.ikev2_remote_key),
        ):
            if _is_plain(key):
                owner = f"tunnel-group {name} ({label})"
                yield key.origin or group.origin, owner
    for peer_key in device.peer_keys:
        if _is_plain(peer_key.key):
            target = peer_key.peer or peer_key.hostname
            yield peer_key.key.origin or peer_key.origin, f"peer {target}"


def _is_plain(key: PreSharedKey) -> bool:
    return key.state == KeyState.PLAIN
