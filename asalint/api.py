"""The library entry points the CLI and the tests call.

`load_device` reads and parses one config; `pair` simulates every tunnel
between two devices in both directions.
"""

from __future__ import annotations

from asalint.model import Device
from asalint.results import PairResult


def load_device(path: str) -> Device:
    """Read and parse `path`; raise InputError with one clear line."""
    from asalint.parse import parse_device
    from asalint.source import read_config

    return parse_device(read_config(path))


def pair(first: Device, second: Device) -> PairResult:
    """Every tunnel between the two devices, each side initiating."""
    from asalint.negotiate import simulate_pair

    return simulate_pair(first, second)
