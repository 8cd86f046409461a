"""The work of `asalint check` over many files, through the result cache.

Each file is read once (its text is needed for its digest anyway). A
file whose result is cached costs that read; the others are parsed (or
taken from the model cache, across processes) and checked, and their
results kept (`check_each`). Each pair's simulation is taken from the
cache or run on the two models, loaded only then and all at once
(`simulate_pairs`). With nothing changed, no model is loaded at all:
reports read each device's `DeviceSummary`.

`check_files` is `run_check`'s use of both: its pairs are found from each
device's facts in one pass (`asalint.reach`). A repository check finds
its pairs in the repository index instead, and uses both the same way.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from asalint.cache.results import (
    DeviceResult,
    ResultCache,
    Signature,
    device_result,
    signature,
)
from asalint.cache.text import ConfigText, read_config_text
from asalint.errors import InputError
from asalint.model import Device
from asalint.reach import Reach, meeting_pairs
from asalint.repository.scan import ScanRecord
from asalint.results import Finding, PairResult, Tunnel
from asalint.summary import Reported

log = logging.getLogger(__name__)

Simulation = Callable[[Device, Device], PairResult]


@dataclass
class CheckedFile:
    """One readable config: its result, its text and model if loaded.

    A file whose result came back by its signature (unwritten since) is
    not read at all: `config` is None until something needs the text.
    """

    path: str
    digest: str
    signature: Signature | None  # taken before the text was read
    config: ConfigText | None = None
    result: DeviceResult | None = None
    device: Device | None = None

    def text(self) -> ConfigText:
        """The config's text, read now if it was not."""
        if self.config is None:
            self.config = read_config_text(self.path)
            if self.config.digest != self.digest:
                # Written since its signature was taken: what is parsed
                # now is newer than the cached result; the next run sees.
                log.info("%s: changed while being checked", self.path)
        return self.config

    @property
    def reported(self) -> Reported:
        """The device for reports: its model, else its summary."""
        if self.device is not None:
            return self.device
        assert self.result is not None
        return self.result.summary


@dataclass(frozen=True)
class PairRequest:
    """Two checked files to simulate; `variant` names whatever else the
    simulation depends on (declared NAT, say), for the cache."""

    first: CheckedFile
    second: CheckedFile
    simulate: Simulation
    variant: str = ""


@dataclass
class Checked:
    """Every readable file's part of a check, in the order given."""

    devices: list[Reported] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    single: list[Finding] = field(default_factory=list)
    tunnels: list[Tunnel] = field(default_factory=list)
    pair_findings: list[Finding] = field(default_factory=list)
    reaches: list[Reach] = field(default_factory=list)
    scans: list[ScanRecord] = field(default_factory=list)


def check_files(
    paths: Sequence[str],
    *,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = 1,
) -> Checked:
    """Single-config findings of every file, and the simulation of every
    pair of them that meets; `cache_dir` None: no cache of any kind."""
    from asalint.api import pair

    files, errors = check_each(paths, cache_dir=cache_dir, jobs=jobs)
    reaches = [file.result.reach for file in files if file.result]
    requests = [
        PairRequest(files[first], files[second], pair)
        for first, second in meeting_pairs(reaches)
    ]
    simulated, failed = simulate_pairs(
        requests, cache_dir=cache_dir, jobs=jobs
    )

    checked = Checked(errors=_in_order(errors + failed, paths))
    for result in simulated:
        if result is not None:
            checked.tunnels.extend(result.tunnels)
            checked.pair_findings.extend(result.findings)
    for file in files:
        assert file.result is not None
        checked.devices.append(file.reported)
        checked.single.extend(file.result.findings)
        checked.reaches.append(file.result.reach)
        checked.scans.append(file.result.scan)
    return checked


def _in_order(
    errors: list[InputError], paths: Sequence[str]
) -> list[InputError]:
    rank = {path: index for index, path in enumerate(paths)}
    return sorted(errors, key=lambda error: rank.get(error.path, len(rank)))


# --- each file ---------------------------------------------------------------


def check_each(
    paths: Sequence[str],
    *,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = 1,
) -> tuple[list[CheckedFile], list[InputError]]:
    """Every readable file with its single-config result, in order, and
    the files that could not be read or parsed."""
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    files, errors = [], []
    for path in paths:
        try:
            files.append(_look_up(path, cache))
        except InputError as error:
            errors.append(error)

    errors += _check_misses(files, cache, cache_dir, jobs)
    return [file for file in files if file.result is not None], errors


def _look_up(path: str, cache: ResultCache | None) -> CheckedFile:
    """The file with its cached result, if any; InputError if unreadable.

    Unwritten since its entry was kept, a file is not even read: its
    text, and with it its keys, are as they were.
    """
    taken = signature(path)  # first: a write during the read shows
    if cache is not None and taken is not None:
        hit = cache.unchanged_device(path, taken)
        if hit is not None:
            return CheckedFile(path, hit[1], taken, result=hit[0])

    config = read_config_text(path)
    file = CheckedFile(path, config.digest, taken, config)
    if cache is not None:
        file.result = cache.device(config)
    return file


def _check_misses(
    files: list[CheckedFile], cache: ResultCache | None, cache_dir, jobs
) -> list[InputError]:
    """Parse and check the files the cache could not answer."""
    from asalint.checks import run_checks

    missing = [file for file in files if file.result is None]
    errors = _load_models(missing, cache_dir, jobs)
    for file in missing:
        if file.device is None:
            continue
        config = file.text()
        findings = run_checks(file.device)
        file.result = device_result(file.device, config, findings)
        if cache is not None:
            cache.store_device(config, file.result, file.signature)
    return errors


def _load_models(
    files: list[CheckedFile], cache_dir, jobs
) -> list[InputError]:
    """Each file's device, from the model cache or parsed, in place."""
    from asalint.parallel import load_texts

    if not files:
        return []
    texts: list[ConfigText | InputError] = []
    for file in files:
        try:
            texts.append(file.text())
        except InputError as error:
            texts.append(error)
    loaded = load_texts(texts, cache_dir=cache_dir, jobs=jobs)
    errors = []
    for file, device in zip(files, loaded, strict=True):
        if isinstance(device, InputError):
            log.debug("%s: not checked: %s", device.path, device.problem)
            errors.append(device)
        else:
            file.device = device
    return errors


# --- pairs -------------------------------------------------------------------


def simulate_pairs(
    requests: Sequence[PairRequest],
    *,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = 1,
) -> tuple[list[PairResult | None], list[InputError]]:
    """Each request's simulation, from the cache or run, in order.

    The models the misses need are loaded together (in parallel); a
    request whose model cannot be loaded (its file changed since its
    result was cached) gives None, and the error.
    """
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    done = [_cached(cache, request) for request in requests]

    missing = [r for r, found in zip(requests, done) if found is None]
    needed = {id(f): f for r in missing for f in (r.first, r.second)}
    unloaded = [file for file in needed.values() if file.device is None]
    errors = _load_models(unloaded, cache_dir, jobs)
    for index, request in enumerate(requests):
        if done[index] is None:
            done[index] = _simulate(cache, request)
    return done, errors


def _cached(
    cache: ResultCache | None, request: PairRequest
) -> PairResult | None:
    if cache is None:
        return None
    configs = (request.first, request.second)
    return cache.pair(configs, _guard(request), request.variant)


def _guard(
    request: PairRequest,
) -> tuple[Signature | None, Signature | None] | None:
    """The files' signatures when the simulation compares their keys."""
    first, second = request.first.result, request.second.result
    assert first is not None and second is not None
    if first.readable_keys and second.readable_keys:
        return request.first.signature, request.second.signature
    return None


def _simulate(
    cache: ResultCache | None, request: PairRequest
) -> PairResult | None:
    first, second = request.first.device, request.second.device
    if first is None or second is None:
        return None
    log.debug("pair %s and %s", first.path, second.path)
    result = request.simulate(first, second)
    if cache is not None:
        configs = (request.first, request.second)
        cache.store_pair(configs, _guard(request), result, request.variant)
    return result
