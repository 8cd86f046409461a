"""Loading many configs: cache lookups here, parsing across processes.

Parsing is all Python (ciscoconfparse2 and the model building, tens of
microseconds a line), so several configs are parsed on every CPU this
process may use. Cache lookups stay in this process (a hit costs less
than starting a worker); only the misses are parsed in workers. Results
come back in input order, and an InputError raised in a worker comes back
as the same InputError.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asalint.cache import (
    ConfigText,
    ModelCache,
    parse_config_text,
    read_config_text,
)
from asalint.cache.entry import device_bytes, device_from_bytes
from asalint.errors import InputError
from asalint.model import Device

log = logging.getLogger(__name__)

Loaded = Device | InputError


@dataclass(frozen=True)
class _Failure:
    """An InputError as a worker sends it back (its args do not pickle)."""

    path: str
    problem: str


def load_all(
    paths: Sequence[str],
    *,
    cache_dir: str | os.PathLike | None,
    jobs: int | None = None,
) -> list[Loaded]:
    """Every path's device, or the InputError it raised, in input order.

    `cache_dir` None parses every file; `jobs` caps the worker processes
    (None: every CPU this process may use; 1: no workers).
    """
    return load_texts(
        [_read(path) for path in paths], cache_dir=cache_dir, jobs=jobs
    )


def load_texts(
    texts: Sequence[ConfigText | InputError],
    *,
    cache_dir: str | os.PathLike | None,
    jobs: int | None = None,
) -> list[Loaded]:
    """`load_all` for files read already (`read_config_text`); an
    InputError among them comes back in its place."""
    cache = ModelCache(cache_dir) if cache_dir is not None else None
    first_pass = [_lookup(text, cache) for text in texts]

    pending = [item for item in first_pass if isinstance(item, ConfigText)]
    parsed = iter(_parse_all(pending, _plain(cache_dir), jobs))
    return [
        next(parsed) if isinstance(item, ConfigText) else item
        for item in first_pass
    ]


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _read(path: str) -> ConfigText | InputError:
    try:
        return read_config_text(path)
    except InputError as error:
        return error


def _lookup(
    config: ConfigText | InputError, cache: ModelCache | None
) -> Loaded | ConfigText:
    if cache is None or isinstance(config, InputError):
        return config
    return cache.lookup(config) or config


def _parse_all(
    configs: list[ConfigText], cache_dir: str | None, jobs: int | None
) -> list[Loaded]:
    workers = min(jobs or usable_cpus(), len(configs))
    if workers < 2:
        return [_parse_here(config, cache_dir) for config in configs]

    log.debug("parsing %d configs in %d processes", len(configs), workers)
    _preload_for_fork()
    if len(configs) <= workers:
        return _parse_beside_workers(configs, cache_dir)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = _submit_largest_first(pool, configs, cache_dir)
        return [_unwrap(futures[i].result()) for i in range(len(configs))]


def _preload_for_fork() -> None:
    # Forked workers inherit what this process has imported; workers
    # started afresh (spawn, forkserver) import it themselves anyway.
    if multiprocessing.get_start_method() == "fork":
        from asalint.parse.tree import preload

        preload()


def _parse_beside_workers(
    configs: list[ConfigText], cache_dir: str | None
) -> list[Loaded]:
    """A few files (a pair): parse the largest here, the others beside.

    A device coming back from a worker is rebuilt from its pickle, which
    for a large config costs a fifth of parsing it; the one parsed here
    needs no such trip.
    """
    largest = max(range(len(configs)), key=lambda i: len(configs[i].text))
    others = [c for i, c in enumerate(configs) if i != largest]
    with ProcessPoolExecutor(max_workers=len(others)) as pool:
        futures = [pool.submit(_parse_in_worker, c, cache_dir) for c in others]
        own = _parse_here(configs[largest], cache_dir)
        results = [_unwrap(future.result()) for future in futures]
    results.insert(largest, own)
    return results


def _submit_largest_first(
    pool: ProcessPoolExecutor, configs: list[ConfigText], cache_dir: str | None
) -> dict[int, Future]:
    # Largest first, so that no worker is left with a big file at the end.
    by_size = sorted(
        range(len(configs)), key=lambda i: len(configs[i].text), reverse=True
    )
    return {
        index: pool.submit(_parse_in_worker, configs[index], cache_dir)
        for index in by_size
    }


def _plain(cache_dir: str | os.PathLike | None) -> str | None:
    return None if cache_dir is None else str(Path(cache_dir))


def _parse_in_worker(
    config: ConfigText, cache_dir: str | None
) -> bytes | _Failure:
    """Parse, store the entry (the worker holds the text), send back.

    The device goes back pickled here, networks as two numbers each
    (rebuilt from text, they were most of the load), and is loaded by
    `_unwrap` with garbage collection paused.
    """
    try:
        device = _parse(config, cache_dir)
    except InputError as error:
        return _Failure(error.path, error.problem)
    return device_bytes(device)


def _parse(config: ConfigText, cache_dir: str | None) -> Device:
    device = parse_config_text(config)
    if cache_dir is not None:
        ModelCache(cache_dir).store(config, device)
    return device


def _parse_here(config: ConfigText, cache_dir: str | None) -> Loaded:
    try:
        return _parse(config, cache_dir)
    except InputError as error:
        return error


def _unwrap(result: bytes | _Failure) -> Loaded:
    if isinstance(result, _Failure):
        return InputError(result.path, result.problem)
    return device_from_bytes(result)
