"""`asalint check FILE...`: single-config checks on each file, plus the
pair simulation for every tunnel whose both ends are among the files.

`run_check` is the library side of the command; the CLI renders its
result like a pair result (devices, tunnels, findings) and decides the
exit code, 2 when a file could not be read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from asalint.config import ConfigFile
from asalint.errors import InputError
from asalint.model import Device
from asalint.reach import Reach, known_peer
from asalint.results import Finding, PairResult, Tunnel
from asalint.summary import Reported

log = logging.getLogger(__name__)

ANY = IPv4Network("0.0.0.0/0")
PEER_NOT_IN_PAIR = "ASA404"


@dataclass(frozen=True)
class CheckResult:
    """What `asalint check` found; `errors` are the unreadable files.

    A device whose results came from the result cache is there as its
    `DeviceSummary`: what reports show of it, without its model.
    """

    devices: tuple[Reported, ...]
    tunnels: tuple[Tunnel, ...]
    findings: tuple[Finding, ...]
    errors: tuple[InputError, ...] = ()
    suppressed: int = 0  # findings silenced by directives and ignores

    @property
    def result(self) -> PairResult:
        return PairResult(tunnels=self.tunnels, findings=self.findings)


def run_check(
    paths: Sequence[str],
    *,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = 1,
    config: ConfigFile | None = None,
    suppress: bool = True,
) -> CheckResult:
    """Load every file, check each, simulate every pair that meets.

    `cache_dir` names the parsed-model cache (None: parse every file) and
    `jobs` the parsing processes (1: parse here), as for `load_devices`.
    The findings are selected, re-levelled and silenced as `config` and
    the files' `asalint:` directives say (no config: directives only);
    `suppress=False` leaves that to a caller that combines several runs,
    as a directive is unused only if no run used it.
    """
    from asalint.checked import check_files
    from asalint.repository.check import back_references
    from asalint.suppress import apply_suppressions

    done = check_files(paths, cache_dir=cache_dir, jobs=jobs)
    findings = _merge(_known_peers(done.pair_findings, done.reaches),
                      done.single)
    findings += back_references(
        [device.path for device in done.devices], done.scans
    )
    suppressed = 0
    if suppress:
        kept = apply_suppressions(
            findings, done.devices, config, tunnels=done.tunnels
        )
        findings, suppressed = list(kept.findings), kept.suppressed
    return CheckResult(
        devices=tuple(done.devices),
        tunnels=tuple(done.tunnels),
        findings=_ordered(findings, paths),
        errors=tuple(done.errors),
        suppressed=suppressed,
    )


# --- pairs -----------------------------------------------------------------


def meets(device: Device, other: Device) -> bool:
    """Does `device` have a crypto map entry meant for `other`?

    Meant for it: the entry's peer is one of `other`'s addresses, or the
    entry protects `other`'s networks (a wrong peer address is then the
    pair simulation's finding, peer-address-mismatch).
    """
    if peers_of(device) & addresses_of(other):
        return True
    remote = [n for n in remote_networks(device) if n != ANY]
    local = local_networks(other)
    return any(r.overlaps(n) for r in remote for n in local)


def addresses_of(device: Device) -> set[IPv4Address]:
    found = set()
    for interface in device.interfaces:
        if interface.address is not None:
            found.add(interface.address.ip)
        if interface.standby is not None:
            found.add(interface.standby)
    return found


def peers_of(device: Device) -> set[IPv4Address]:
    return {peer for entry in device.crypto_maps for peer in entry.peers}


def remote_networks(device: Device) -> list[IPv4Network]:
    networks = []
    for entry in device.crypto_maps:
        for acl_entry in device.acls.get(entry.acl or "", ()):
            if acl_entry.action == "permit":
                networks.extend(acl_entry.destination)
    return networks


def local_networks(device: Device) -> list[IPv4Network]:
    return [
        interface.address.network
        for interface in device.interfaces
        if interface.address is not None
    ]


def _known_peers(
    findings: Iterable[Finding], reaches: Sequence[Reach]
) -> list[Finding]:
    """Drop peer-not-in-pair notes for peers that are among the files:
    each pair sees the others' devices as strangers."""
    known = frozenset().union(*(reach.addresses for reach in reaches))
    by_path = {reach.path: reach for reach in reaches}
    return [
        finding
        for finding in findings
        if finding.rule != PEER_NOT_IN_PAIR
        or not known_peer(by_path.get(finding.path), finding.line, known)
    ]


# --- ordering ----------------------------------------------------------------


def _merge(pair: list[Finding], single: list[Finding]) -> list[Finding]:
    """Pair findings, then the single-config ones they do not repeat.

    A single-config check and the simulation often name the same fault on
    the same line; the pair finding is kept, as it carries the predicted
    states. Pairs that share a device may repeat a finding too.
    """
    kept = _unique(pair, lambda f: (f.rule, f.path, f.line, f.key))
    covered = {(f.rule, f.path, f.line) for f in kept}
    kept += [
        f for f in _unique(single, lambda f: (f.rule, f.path, f.line, f.key))
        if (f.rule, f.path, f.line) not in covered
    ]
    return kept


def _unique(findings: Iterable[Finding], identity) -> list[Finding]:
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        key = identity(finding)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _ordered(
    findings: list[Finding], paths: Sequence[str]
) -> tuple[Finding, ...]:
    rank = {path: index for index, path in enumerate(paths)}
    return tuple(
        sorted(
            findings,
            key=lambda f: (rank.get(f.path, len(rank)), f.line or 0, f.rule),
        )
    )
