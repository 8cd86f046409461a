"""`asalint check` over a repository: the files to check, their peers
read from disk, and the tunnels the index finds among them.

With no path, every config of the repository (the git work tree of the
working folder) is checked. A folder checks the configs under it. A file
given by name is checked, and the configs at the other end of its
tunnels are found through the index and read from disk even when they
did not change: a pre-commit hook passes only the changed files, yet a
tunnel breaks from either end. Every finding of a tunnel that touches a
checked file is reported, wherever it sits, so a commit that breaks the
tunnel from one side fails on either side's line.

Files outside any repository are checked as `run_check` checks them:
alone, and in pairs among themselves.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path
from typing import TYPE_CHECKING

from asalint.errors import InputError
from asalint.model import Device, Interface
from asalint.repository.files import glob_matches, repository_root
from asalint.repository.index import (
    Link,
    RepositoryIndex,
    RepositorySettings,
    TunnelPlan,
    build_index,
    settings_from_config,
)
from asalint.repository.scan import Reference, ScanRecord, scan_file
from asalint.results import Finding, PairResult, Related, Tunnel

if TYPE_CHECKING:
    from asalint.checked import CheckedFile
    from asalint.commands_check import CheckResult
    from asalint.config import ConfigFile

log = logging.getLogger(__name__)

ONE_SIDED = "ASA407"
PEER_NOT_IN_PAIR = "ASA404"


@dataclass
class Group:
    """Files to check in one repository, and how each path is shown."""

    index: RepositoryIndex
    targets: list[str] = field(default_factory=list)  # index keys
    shown: dict[str, str] = field(default_factory=dict)  # key -> path
    errors: list[InputError] = field(default_factory=list)

    def show(self, key: str) -> str:
        if key not in self.shown:
            self.shown[key] = _relative_to_cwd(self.index.root / key)
        return self.shown[key]


def check_paths(
    paths: Sequence[str],
    *,
    config: ConfigFile | None = None,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = 1,
    suppress: bool = True,
) -> CheckResult:
    """Check `paths` (none: the repository of the working folder).

    `config` is the loaded asalint.toml (include, exclude, pairs, peers,
    and what it selects and silences); `cache_dir` holds the parsed-model
    cache and the index (None: no cache); `jobs` caps the parsing
    processes; `suppress=False` leaves silencing to the caller, as for
    `run_check`.
    """
    from asalint.commands_check import run_check

    root = repository_root(Path.cwd()).resolve()
    settings = settings_from_config(config, root)
    groups, loose = _groups(paths, root, settings, cache_dir)

    results = [
        _check_group(group, config, cache_dir, jobs, suppress)
        for group in groups
    ]
    if loose:
        results.append(run_check(
            loose, cache_dir=cache_dir, jobs=jobs, config=config,
            suppress=suppress,
        ))
    order = list(paths) or sorted(
        group.show(key) for group in groups for key in group.targets
    )
    return _combined(results, order)


# --- which files, in which repository ------------------------------------------


def _groups(
    paths: Sequence[str],
    root: Path,
    settings: RepositorySettings,
    cache_dir,
) -> tuple[list[Group], list[str]]:
    if not paths:
        index = build_index(root, settings, cache_dir=cache_dir)
        return [Group(index, sorted(index.records))], []

    inside, outside = _split(paths, root)
    groups, loose = [], []
    if inside:
        groups.append(_repository_group(inside, root, settings, cache_dir))
    for path in outside:
        if path and Path(path).is_dir():
            index = build_index(path, cache_dir=cache_dir)
            group = Group(index, sorted(index.records))
            group.errors += _empty_folder(path, group.targets)
            groups.append(group)
        else:
            loose.append(path)
    return groups, loose + _not_configs(groups)


def _split(
    paths: Sequence[str], root: Path
) -> tuple[list[tuple[str, str]], list[str]]:
    """(path, key) of the paths inside the repository; the others."""
    inside, outside = [], []
    for path in paths:
        # An empty path is no file (Path("") would be the working folder).
        key = _key(Path(path), root) if path else None
        if key is None:
            outside.append(path)
        else:
            inside.append((path, key))
    return inside, outside


def _key(path: Path, root: Path) -> str | None:
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        return None
    return relative.as_posix()


def _repository_group(
    given: list[tuple[str, str]],
    root: Path,
    settings: RepositorySettings,
    cache_dir,
) -> Group:
    from asalint.repository.files import candidate_files

    names = candidate_files(root, settings.include, settings.exclude)
    files = [(p, k) for p, k in given if not Path(p).is_dir()]
    wanted = [(p, k) for p, k in files if _wanted(k, p, settings)]
    extra = [k for _, k in wanted if k not in set(names)]
    index = build_index(root, settings, cache_dir=cache_dir,
                        names=sorted(set(names) | set(extra)),
                        prefer=[k for _, k in wanted])

    group = Group(index)
    for path, key in given:
        if Path(path).is_dir():
            under = _under(index, key)
            group.targets += under
            group.errors += _empty_folder(path, under)
        elif (path, key) in wanted:
            group.targets.append(key)
            group.shown[key] = path
    group.targets = list(dict.fromkeys(group.targets))
    return group


def _wanted(key: str, path: str, settings: RepositorySettings) -> bool:
    # asalint.toml's globs apply to files given by name too: a hook that
    # passes every changed `.txt` must not fail on an excluded one.
    included = not settings.include or any(
        glob_matches(key, glob) for glob in settings.include
    )
    excluded = any(glob_matches(key, glob) for glob in settings.exclude)
    if not included or excluded:
        log.info("%s: excluded by asalint.toml, not checked", path)
    return included and not excluded


def _empty_folder(path: str, found: list[str]) -> list[InputError]:
    # A folder given by name was meant to hold configs; one that holds
    # none reads as the folder a single config was expected at.
    if found:
        return []
    return [InputError(path, "is a directory, not a config file")]


def _under(index: RepositoryIndex, folder: str) -> list[str]:
    if folder in ("", "."):
        return sorted(index.records)
    return sorted(k for k in index.records if k.startswith(f"{folder}/"))


def _not_configs(groups: list[Group]) -> list[str]:
    """Files given by name that the scan found to be no config: read
    as a single file, they give the user the input error that says why."""
    found = []
    for group in groups:
        for key, path in list(group.shown.items()):
            if key in group.index.skipped:
                group.targets.remove(key)
                found.append(path)
    return found


def _relative_to_cwd(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


# --- checking one repository ---------------------------------------------------


def _check_group(
    group: Group,
    config: ConfigFile | None,
    cache_dir,
    jobs: int | None,
    suppress: bool,
) -> CheckResult:
    from asalint.commands_check import CheckResult, _merge
    from asalint.suppress import apply_suppressions

    plans = group.index.tunnels(group.targets)
    files, errors = _load(group, plans, cache_dir, jobs)
    devices = {key: file.reported for key, file in files.items()}

    # Every loaded config is checked, so that its directives are judged
    # on a full run; only what the checked files must see is reported.
    single = [f for file in files.values() for f in file.result.findings]
    tunnels, pair_findings, failed = _simulate_all(
        plans, files, cache_dir, jobs
    )
    errors += failed
    findings = _merge(pair_findings, single) + _index_findings(group)
    applied = apply_suppressions(
        findings, list(devices.values()), config, tunnels=tunnels
    )
    reported = _reported(group, pair_findings)
    if suppress:
        kept = [f for f in applied.findings if reported(f)]
        suppressed = applied.suppressed
    else:
        # The caller silences again: keep what a directive or ignore
        # silences, so that the caller sees it used, not unused.
        shown = {_identity(f) for f in applied.kept}
        kept = [f for f in findings
                if reported(f) or _identity(f) not in shown]
        suppressed = 0
    return CheckResult(
        devices=tuple(devices.values()),
        tunnels=tuple(tunnels),
        findings=tuple(kept),
        errors=tuple(group.errors + errors),
        suppressed=suppressed,
    )


def _identity(finding: Finding) -> tuple:
    return finding.rule, finding.path, finding.line, finding.key


def _reported(group: Group, pair: Sequence[Finding]):
    """Is a finding one to report: in a checked file, or of a tunnel that
    touches one (a tunnel broken from one side shows on both)?"""
    shown = {group.show(key) for key in group.targets}
    from_pairs = {_identity(f) for f in pair}

    def reported(finding: Finding) -> bool:
        return finding.path in shown or _identity(finding) in from_pairs

    return reported


def _load(group: Group, plans: list[TunnelPlan], cache_dir, jobs):
    """Each config's checked file (its result, cached or computed)."""
    from asalint.checked import check_each

    keys = list(group.targets)
    keys += [k for plan in plans for k in plan.paths if k not in keys]
    keys = list(dict.fromkeys(keys))
    shown = {group.show(key): key for key in keys}
    files, errors = check_each(list(shown), cache_dir=cache_dir, jobs=jobs)
    return {shown[file.path]: file for file in files}, errors


def _simulate_all(
    plans: list[TunnelPlan], files: dict[str, CheckedFile], cache_dir, jobs
) -> tuple[list[Tunnel], list[Finding], list[InputError]]:
    from asalint.checked import PairRequest, simulate_pairs

    ready = [p for p in plans if all(key in files for key in p.paths)]
    requests = [
        PairRequest(
            files[plan.first], files[plan.second],
            _simulation(plan), variant=repr((plan.aliases, plan.named)),
        )
        for plan in ready
    ]
    results, errors = simulate_pairs(requests, cache_dir=cache_dir, jobs=jobs)
    tunnels: list[Tunnel] = []
    findings: list[Finding] = []
    for result in results:
        if result is None:
            continue
        tunnels += result.tunnels
        # The index says which peers no config holds, repository-wide;
        # a pair only knows its own two devices.
        findings += [
            f for f in result.findings if f.rule != PEER_NOT_IN_PAIR
        ]
    return tunnels, findings, errors


def _simulation(plan: TunnelPlan):
    def run(first: Device, second: Device) -> PairResult:
        return simulate(plan, {plan.first: first, plan.second: second})

    return run


def _combined(results: list[CheckResult], order: Sequence[str]):
    from asalint.commands_check import CheckResult, _ordered

    return CheckResult(
        devices=tuple(d for r in results for d in r.devices),
        tunnels=tuple(t for r in results for t in r.tunnels),
        findings=_ordered([f for r in results for f in r.findings], order),
        errors=tuple(e for r in results for e in r.errors),
        suppressed=sum(r.suppressed for r in results),
    )


# --- NAT in front of a device ------------------------------------------------


def simulate(plan: TunnelPlan, devices: dict[str, Device]) -> PairResult:
    """The pair simulation of `plan`, each device as its peer sees it."""
    from asalint import api

    aliases = dict(plan.aliases)
    if plan.named:
        aliases |= _meant_addresses(plan, devices, aliases)
    nat = {}
    for key, address in aliases.items():
        held = vpn_address(devices[key])
        if held is not None:
            nat[held] = address
    first, second = (devices[key] for key in plan.paths)
    return api.pair(first, second, nat=nat or None)


def _meant_addresses(
    plan: TunnelPlan,
    devices: dict[str, Device],
    known: dict[str, IPv4Address],
) -> dict[str, IPv4Address]:
    """For a pair asalint.toml names, the address each side's entry for
    the other's networks names, where the index could not tell it."""
    found = {}
    for key, other in (plan.paths, plan.paths[::-1]):
        if key not in known:
            address = meant_peer(devices[other], devices[key])
            if address is not None:
                found[key] = address
    return found


def meant_peer(device: Device, other: Device) -> IPv4Address | None:
    """The peer of `device`'s first entry that protects `other`'s inside
    networks yet names none of `other`'s addresses: NAT's address."""
    from asalint.commands_check import addresses_of, local_networks

    inside = local_networks(other)
    owned = addresses_of(other)
    for entry in device.crypto_maps:
        targets = [
            network
            for acl_entry in device.acls.get(entry.acl or "", ())
            if acl_entry.action == "permit"
            for network in acl_entry.destination
            if network.prefixlen > 0
        ]
        if entry.peers and entry.peers[0] not in owned and any(
            t.overlaps(n) for t in targets for n in inside
        ):
            return entry.peers[0]
    return None


def vpn_address(device: Device) -> IPv4Address | None:
    """The address `device` speaks IKE from: the interface of an IOS
    crypto map's `local-address`, else the one its map is bound to."""
    interface = _vpn_interface(device)
    if interface is None or interface.address is None:
        return None
    return interface.address.ip


def _vpn_interface(device: Device) -> Interface | None:
    for entry in device.crypto_maps:
        if entry.local_address:
            return device.interface_by_name(entry.local_address)
    for binding in device.bindings:
        interface = device.interface_by_name(binding.interface)
        if interface is not None:
            return interface
    return None


# --- what the index finds ------------------------------------------------------


def _index_findings(group: Group) -> list[Finding]:
    findings: list[Finding] = []
    for key in group.targets:
        findings += [
            one_sided_finding(group, link)
            for link in group.index.one_sided(key)
        ]
        findings += [
            unknown_peer_finding(group, key, reference)
            for reference in group.index.unknown_peers(key)
        ]
    return findings


def one_sided_finding(group: Group, link: Link) -> Finding:
    """ASA407 on the peer line of a tunnel whose far end names nothing
    of this config."""
    index = group.index
    here, there = index.records[link.path], index.records[link.owner]
    address = link.reference.address
    entry = link.reference.entry or "crypto map"
    held = next(
        owned for path, owned in index.holders(address)
        if path == link.owner
    ) if index.holders(address) else None

    related = ()
    if held is not None:
        related = (Related(
            path=group.show(link.owner), line=held.line,
            message=f"{there.name} holds {address} here",
        ),)
    return _finding(
        ONE_SIDED,
        f"{entry} peer {address} is {there.name}'s, but {there.name} "
        f"names no address of {here.name} in a crypto map, tunnel-group "
        "or key: the tunnel is one-sided",
        group.show(link.path),
        link.reference.line,
        f"{here.name}|{address}|{entry}",
        related,
        address,
    )


def unknown_peer_finding(
    group: Group, key: str, reference: Reference
) -> Finding:
    """ASA404 on a peer line whose address no config holds."""
    here = group.index.records[key]
    address = reference.address
    entry = reference.entry or "crypto map"
    return _finding(
        PEER_NOT_IN_PAIR,
        f"{entry} peer {address} is an address of no config in the "
        "repository; name its config in asalint.toml [peers], or mark "
        "it external",
        group.show(key),
        reference.line,
        f"{here.name}|{address}|{entry}",
        (),
        address,
    )


def _finding(
    rule_id: str,
    message: str,
    path: str,
    line: int,
    subject: str,
    related: tuple[Related, ...],
    peer: IPv4Address,
) -> Finding:
    from asalint.catalogue import catalogue

    rule = catalogue()[rule_id]
    return Finding(
        rule=rule.id,
        name=rule.name,
        cause=rule.cause,
        level=rule.level,
        message=message,
        path=path,
        line=line,
        related=related,
        key=f"{rule.id}|{subject}",
        properties={"peer": str(peer)},
    )


# --- files given outside a repository --------------------------------------------


def back_references(
    paths: Sequence[str], records: Sequence[ScanRecord] | None = None
) -> list[Finding]:
    """ASA407 among `paths` alone: a peer that one of them holds must
    name an address of the other. For `run_check`, where the files given
    are all there is; `records` are their scans when the caller has them.
    """
    if records is None:
        records = [scan_file(path) for path in paths]
    index = RepositoryIndex(Path("."), records)
    group = Group(index, list(index.records), {p: p for p in paths})
    return [
        one_sided_finding(group, link)
        for key in group.targets
        for link in index.one_sided(key)
    ]
