"""The result cache of `asalint check`, and pairing by index.

A second run over unchanged configs must give what the first gave
without loading a single model; a changed file, a changed key, a key
that became `*****`, a damaged entry, another version or other code
must each be a miss; and no key, nor anything computed from one, may
reach a cache file.
"""

from __future__ import annotations

import hashlib
import os
from itertools import combinations
from pathlib import Path

import pytest

from asalint import checked, parallel
from asalint.api import load_device
from asalint.cache import results as results_cache
from asalint.cache.text import read_config_text
from asalint.commands_check import meets, run_check
from asalint.reach import meeting_pairs, reach_of
from asalint.summary import DeviceSummary

PAIRS = Path(__file__).parents[1] / "fixtures" / "pairs"
KEY = "Harbour-Lantern-42"
KEY_LINE = 88  # ` ikev1 pre-shared-key Harbour-Lantern-42` in both files


@pytest.fixture
def trusted_now(monkeypatch):
    """Files written a moment ago count as settled: tests write files
    and check them at once."""
    monkeypatch.setattr(results_cache, "RACY_NS", 0)


def copy_pair(tmp_path: Path, name: str = "acl-subset-84") -> list[str]:
    paths = []
    for side in ("a.cfg", "b.cfg"):
        target = tmp_path / side
        target.write_text((PAIRS / name / side).read_text())
        paths.append(str(target))
    return paths


def check(paths: list[str], cache: Path):
    return run_check(paths, cache_dir=cache, jobs=1, suppress=False)


def outcome(result) -> tuple:
    return (
        [t.model_dump() for t in result.tunnels],
        [f.model_dump() for f in result.findings],
        [e.problem for e in result.errors],
    )


def no_models(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(parallel, "load_texts", refuse)


def rewrite_line(path: str, number: int, text: str) -> None:
    lines = Path(path).read_text().split("\n")
    lines[number - 1] = text
    Path(path).write_text("\n".join(lines))


# --- pairing -----------------------------------------------------------------


def fixture_devices() -> list:
    return [
        load_device(str(folder / side))
        for folder in sorted(PAIRS.iterdir())
        if (folder / "a.cfg").is_file()
        for side in ("a.cfg", "b.cfg")
    ][:60]


def test_pairs_by_index_are_the_pairs_that_meet():
    devices = fixture_devices()

    expected = [
        (i, j)
        for (i, a), (j, b) in combinations(enumerate(devices), 2)
        if meets(a, b) or meets(b, a)
    ]

    assert meeting_pairs([reach_of(d) for d in devices]) == expected
    assert len(expected) > 30


# --- hits --------------------------------------------------------------------


def test_a_second_run_loads_no_model_and_says_the_same(
    tmp_path, monkeypatch, trusted_now
):
    paths = copy_pair(tmp_path)
    cold = check(paths, tmp_path / "cache")

    no_models(monkeypatch)
    warm = check(paths, tmp_path / "cache")

    assert outcome(warm) == outcome(cold)
    assert all(isinstance(d, DeviceSummary) for d in warm.devices)
    assert [d.path for d in warm.devices] == paths
    assert len(warm.tunnels) == 2 and warm.findings


def test_a_file_unwritten_since_is_not_even_read(
    tmp_path, monkeypatch, trusted_now
):
    paths = copy_pair(tmp_path)
    cold = check(paths, tmp_path / "cache")

    def refuse(path):
        raise AssertionError(f"{path} was read")

    no_models(monkeypatch)
    monkeypatch.setattr(checked, "read_config_text", refuse)
    warm = check(paths, tmp_path / "cache")

    assert outcome(warm) == outcome(cold)


def test_a_file_touched_since_is_read_and_its_keys_read_again(
    tmp_path, monkeypatch, trusted_now
):
    paths = copy_pair(tmp_path)
    cold = check(paths, tmp_path / "cache")
    os.utime(paths[0], (1_000_000_000, 1_000_000_000))
    reread = []
    real = results_cache.reread_key
    monkeypatch.setattr(
        results_cache, "reread_key",
        lambda *args: reread.append(args[1]) or real(*args),
    )

    warm = check(paths, tmp_path / "cache")

    assert outcome(warm) == outcome(cold)
    assert reread and all(k.origin.path == paths[0] for k in reread)


def test_without_a_cache_the_devices_are_models(tmp_path):
    paths = copy_pair(tmp_path)

    result = run_check(paths, cache_dir=None)

    assert not any(isinstance(d, DeviceSummary) for d in result.devices)


# --- misses ------------------------------------------------------------------


def test_a_changed_file_is_checked_again(tmp_path, trusted_now):
    paths = copy_pair(tmp_path)
    check(paths, tmp_path / "cache")

    # The branch's transform set no longer matches hq's.
    rewrite_line(
        paths[1], 62,
        "crypto ipsec ikev1 transform-set ESP-AES256-SHA esp-3des "
        "esp-md5-hmac",
    )
    warm = check(paths, tmp_path / "cache")

    assert outcome(warm) == outcome(run_check(paths, suppress=False))
    states = {t.predicted.responder_state for t in warm.tunnels}
    assert states != {"QM_IDLE"}


def test_a_key_changed_to_one_of_the_same_length_is_seen(
    tmp_path, trusted_now
):
    # The masked text is the same: only the file's signature tells.
    paths = copy_pair(tmp_path)
    before = check(paths, tmp_path / "cache")
    assert not any(f.name == "psk-mismatch" for f in before.findings)

    rewrite_line(paths[1], KEY_LINE, f" ikev1 pre-shared-key {KEY[:-1]}3")
    after = check(paths, tmp_path / "cache")

    assert any(f.name == "psk-mismatch" for f in after.findings)
    assert outcome(after) == outcome(run_check(paths, suppress=False))


def test_a_key_masked_since_is_a_miss(tmp_path, trusted_now):
    paths = copy_pair(tmp_path)
    before = check(paths, tmp_path / "cache")
    assert any(f.name == "clear-text-key" for f in before.findings)

    rewrite_line(paths[0], KEY_LINE, " ikev1 pre-shared-key *****")
    after = check(paths, tmp_path / "cache")

    cleartext = {f.path for f in after.findings if f.name == "clear-text-key"}
    assert paths[0] not in cleartext and paths[1] in cleartext
    assert outcome(after) == outcome(run_check(paths, suppress=False))


def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path, trusted_now):
    paths = copy_pair(tmp_path)
    cold = check(paths, tmp_path / "cache")
    entries = sorted((tmp_path / "cache").glob("*.result"))
    entries += sorted((tmp_path / "cache").glob("*.pair"))
    assert len(entries) == 3
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] + b"\x00garbage")

    warm = check(paths, tmp_path / "cache")

    assert outcome(warm) == outcome(cold)
    assert not any(isinstance(d, DeviceSummary) for d in warm.devices)
    assert all(
        results_cache.decode(entry.read_bytes(), {}) is not None
        for entry in entries
    )


def test_another_version_is_a_miss(tmp_path, monkeypatch, trusted_now):
    paths = copy_pair(tmp_path)
    check(paths, tmp_path / "cache")

    monkeypatch.setattr(results_cache, "__version__", "99.0")
    warm = check(paths, tmp_path / "cache")

    assert not any(isinstance(d, DeviceSummary) for d in warm.devices)


def test_other_code_is_a_miss(tmp_path, monkeypatch, trusted_now):
    paths = copy_pair(tmp_path)
    check(paths, tmp_path / "cache")

    monkeypatch.setattr(results_cache, "code_fingerprint", lambda: "other")
    warm = check(paths, tmp_path / "cache")

    assert not any(isinstance(d, DeviceSummary) for d in warm.devices)


def test_a_foreign_object_in_an_entry_is_refused(tmp_path, trusted_now):
    paths = copy_pair(tmp_path)
    check(paths, tmp_path / "cache")
    config = read_config_text(paths[0])
    cache = results_cache.ResultCache(tmp_path / "cache")
    entry = cache._device_path(config.path)
    assert entry.is_file()
    header = results_cache._header("device", [config], None)
    # A whole, current entry whose body names a function of the system.
    entry.write_bytes(results_cache.encode(header, os.getcwd))

    assert results_cache.decode(entry.read_bytes(), header) is None
    assert cache.device(config) is None
    assert len(check(paths, tmp_path / "cache").devices) == 2


def test_a_fresh_file_keeps_no_pair_that_compared_keys(tmp_path):
    # Written a moment ago, its signature is not trusted: a later write
    # within the clock's resolution would not show.
    paths = copy_pair(tmp_path)
    check(paths, tmp_path / "cache")

    assert len(list((tmp_path / "cache").glob("*.result"))) == 2
    assert not list((tmp_path / "cache").glob("*.pair"))


# --- secrets -----------------------------------------------------------------


def test_no_key_nor_its_digest_in_any_cache_file(tmp_path, trusted_now):
    paths = copy_pair(tmp_path, "psk-mismatch-84")
    keys = ["Harbour-Lantern-42", "Harbour-Lantern-24"]
    check(paths, tmp_path / "cache")
    check(paths, tmp_path / "cache")

    files = [f for f in (tmp_path / "cache").iterdir() if f.is_file()]
    assert {f.suffix for f in files} >= {".result", ".pair", ".entry"}
    forms = set()
    for key in keys:
        raw = key.encode()
        forms |= {raw, raw.hex().encode(), key.lower().encode()}
        for name in ("md5", "sha1", "sha256", "sha512"):
            forms.add(hashlib.new(name, raw).hexdigest().encode())
    for file in files:
        data = file.read_bytes()
        assert not any(form in data for form in forms), file.name


def test_entries_in_a_folder_behind_a_symlink_are_not_read(
    tmp_path, trusted_now
):
    paths = copy_pair(tmp_path)
    check(paths, tmp_path / "real")  # whole entries, of the right content
    link = tmp_path / "linked"
    link.symlink_to(tmp_path / "real")

    again = check(paths, link)

    assert not any(isinstance(d, DeviceSummary) for d in again.devices)
