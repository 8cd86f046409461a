"""The library entry points the CLI and the tests call.

`load_device` reads and parses one config; `load_devices` many, through
the parsed-model cache and across processes; `pair` simulates every
tunnel between two devices in both directions.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Address

from asalint.errors import InputError
from asalint.model import Device
from asalint.results import PairResult


def load_device(path: str) -> Device:
    """Read and parse `path`; raise InputError with one clear line."""
    from asalint.parse import parse_device
    from asalint.source import read_config

    return parse_device(read_config(path))


def load_devices(
    paths: Sequence[str],
    *,
    cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
    jobs: int | None = None,
) -> list[Device]:
    """Read and parse every path, in order; raise the first InputError.

    Unchanged configs come from the parsed-model cache (`cache_dir`,
    default `.asalint_cache` in the working folder) unless `cache` is
    False; the others are parsed in up to `jobs` processes (default: one
    per CPU). Every file is tried before an error is raised; callers that
    report every unreadable file use `asalint.parallel.load_all`.
    """
    from asalint.cache import DEFAULT_DIRECTORY
    from asalint.parallel import load_all

    directory = (cache_dir or DEFAULT_DIRECTORY) if cache else None
    results = load_all(paths, cache_dir=directory, jobs=jobs)
    for result in results:
        if isinstance(result, InputError):
            raise result
    return results  # type: ignore[return-value]


def pair(
    first: Device,
    second: Device,
    nat: Mapping[IPv4Address, IPv4Address] | None = None,
) -> PairResult:
    """Every tunnel between the two devices, each side initiating.

    `nat` declares a static (one-to-one) NAT between the devices that
    neither config holds: each address a device holds on an interface,
    mapped to the address its peer reaches it at, e.g. `{hq's outside
    192.168.100.2: 198.51.100.1}`. The peer's `set peer`, tunnel-group
    and keys must then name the translated address, and NAT-T decides
    whether ESP crosses; every prediction says it assumes the NAT.
    """
    from asalint.negotiate import simulate_pair

    return simulate_pair(first, second, nat)
