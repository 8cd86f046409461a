"""A pair of 20 000-line configs with hundreds of third-party tunnels
is simulated well under a second on top of parsing."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

from asalint.api import load_device
from asalint.negotiate import simulate_pair

BENCH = Path(__file__).parents[1] / "bench" / "generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_large_pair_simulates_in_well_under_a_second(tmp_path):
    paths = _generator().write_pair(tmp_path, lines=20000, seed=3)
    first, second = (load_device(str(path)) for path in paths)
    assert len(first.crypto_maps) > 300 and len(second.crypto_maps) > 300

    start = time.perf_counter()
    result = simulate_pair(first, second)
    elapsed = time.perf_counter() - start

    assert elapsed < 0.5, f"{elapsed:.2f} s"
    assert len(result.tunnels) == 2
    assert all(
        t.predicted.stage.value == "established" for t in result.tunnels
    )
    strangers = [f for f in result.findings if f.rule == "ASA404"]
    assert len(strangers) > 600
