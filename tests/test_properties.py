"""Property tests: damaged fixture configs never crash asalint.

Hypothesis mutates the fixture configs as files get damaged in real life
(lines deleted, swapped, duplicated, cut short; bytes injected; the file
cut off) and asserts that reading, parsing, the single-config checks and
the pair simulation raise nothing but InputError, and that every result is one of the defined
outcomes: a state from the platform tables, a stage from `Stage`, a cause
from `CAUSES`, a rule of the catalogue, cited lines inside the file. And
no key that was read leaks into the model's texts or any report.

They run in the default test run (CI included), with a modest number of
examples; under CI (`CI` set) the examples are fixed, so a red build can
be rerun and gives the same examples.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asalint import api
from asalint.causes import CAUSES
from asalint.errors import InputError
from asalint.model import Device, KeyState
from asalint.negotiate.states import (
    NO_SA,
    STOPS_AT,
    V2_POINTS,
    Family,
    initiator_state,
    responder_state,
)
from asalint.results import Level, PairResult, Side, Stage

REPO = Path(__file__).parents[1]
FIXTURES = REPO / "fixtures"
PAIR_FOLDERS = sorted(p for p in (FIXTURES / "pairs").iterdir() if p.is_dir())
SINGLES = sorted((FIXTURES / "single").glob("*.cfg"))
ALL_CONFIGS = sorted(FIXTURES.glob("pairs/*/*.cfg")) + SINGLES
RULES = {path.name.split("-")[0] for path in (REPO / "rules").glob("*.toml")}

# ASALINT_EXAMPLES raises the count for a longer hunt on a workstation.
SETTINGS = settings(
    max_examples=int(os.environ.get("ASALINT_EXAMPLES", "50")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def platform_states() -> set[str]:
    """Every state the platform tables can name, IKEv1 and IKEv2."""
    points = {point for _, point in STOPS_AT}
    points |= {"trigger", "traffic", "established"}
    states = {NO_SA}
    for family in Family:
        for mode in ("main", "aggressive"):
            for point in points:
                states.add(initiator_state(family, mode, point))
                states.add(responder_state(family, mode, point))
    for initiator, responder, _ in V2_POINTS.values():
        states |= {initiator, responder}
    return states


STATES = platform_states()


# --- mutations ---------------------------------------------------------------


@st.composite
def mutated(draw, path: Path) -> bytes:
    """The file's bytes after a few damaging edits."""
    lines = path.read_bytes().split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        lines = draw(_one_edit(lines))
    data = b"\n".join(lines)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _one_edit(lines: list[bytes]):
    if not lines:
        return st.just([b"x"])
    index = st.integers(0, len(lines) - 1)
    return st.one_of(
        index.map(lambda i: lines[:i] + lines[i + 1:]),
        st.tuples(index, index).map(lambda ij: _swap(lines, *ij)),
        index.map(lambda i: lines[: i + 1] + lines[i:]),
        st.tuples(index, st.integers(0, 80)).map(
            lambda ik: _cut_line(lines, *ik)),
        st.tuples(index, st.binary(min_size=1, max_size=12)).map(
            lambda ib: _inject(lines, *ib)),
        st.tuples(index, st.integers(1, 60)).map(
            lambda id_: _indent(lines, *id_)),
    )


def _swap(lines: list[bytes], i: int, j: int) -> list[bytes]:
    swapped = list(lines)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    return swapped


def _cut_line(lines: list[bytes], i: int, keep: int) -> list[bytes]:
    return lines[:i] + [lines[i][:keep]] + lines[i + 1:]


def _inject(lines: list[bytes], i: int, noise: bytes) -> list[bytes]:
    middle = len(lines[i]) // 2
    return lines[:i] + [lines[i][:middle] + noise + lines[i][middle:]] + \
        lines[i + 1:]


def _indent(lines: list[bytes], i: int, depth: int) -> list[bytes]:
    return lines[:i] + [b" " * depth + lines[i]] + lines[i + 1:]


def _a_config_and_its_damage():
    return st.sampled_from(ALL_CONFIGS).flatmap(
        lambda path: st.tuples(st.just(path), mutated(path)))


def _a_pair_one_side_damaged():
    return st.tuples(
        st.sampled_from(PAIR_FOLDERS), st.sampled_from(["a.cfg", "b.cfg"])
    ).flatmap(
        lambda pick: st.tuples(
            st.just(pick[0]), st.just(pick[1]),
            mutated(pick[0] / pick[1]),
        )
    )


# --- checks on what comes back -----------------------------------------------


def _load(path: Path) -> Device | None:
    """The device, or None for an InputError; anything else fails."""
    try:
        return api.load_device(str(path))
    except InputError:
        return None


def _plain_keys(device: Device) -> list[str]:
    keys = [
        key
        for group in device.tunnel_groups.values()
        for key in (group.ikev1_key, group.ikev2_local_key,
                    group.ikev2_remote_key)
    ] + [peer.key for peer in device.peer_keys]
    # Keys cut down to a few letters occur in ordinary words.
    return [
        key.value.get_secret_value()
        for key in keys
        if key.state == KeyState.PLAIN and key.value is not None
        and len(key.value.get_secret_value()) >= 8
    ]


def _assert_no_key_in(text: str, devices: list[Device]) -> None:
    for device in devices:
        for key in _plain_keys(device):
            assert key not in text


def _assert_defined(result: PairResult, lengths: dict[str, int]) -> None:
    for tunnel in result.tunnels:
        predicted = tunnel.predicted
        assert predicted.initiator_state in STATES
        assert predicted.responder_state in STATES
        assert predicted.stage in set(Stage)
        assert predicted.cause is None or predicted.cause in CAUSES
        assert predicted.cause_side is None or predicted.cause_side in set(
            Side)
    for finding in result.findings:
        assert finding.rule in RULES
        assert finding.level in set(Level)
        assert finding.cause is None or finding.cause in CAUSES
        _assert_inside(finding.path, finding.line, lengths)
        for related in finding.related:
            _assert_inside(related.path, related.line, lengths)


def _assert_inside(path: str, line: int | None, lengths: dict[str, int]):
    assert path in lengths
    assert line is None or 1 <= line <= lengths[path]


def _renderers():
    """Every report renderer that exists, as (name, function)."""
    import importlib

    found = []
    for module, function in (
        ("text", "render_text"),
        ("json_doc", "render_json"),
        ("sarif", "render_sarif"),
        ("github", "render_github"),
        ("markdown", "render_markdown"),
    ):
        try:
            loaded = importlib.import_module(f"asalint.report.{module}")
        except ImportError:
            continue
        found.append((module, getattr(loaded, function)))
    return found


RENDERERS = _renderers()


# --- the properties ------------------------------------------------------------


@SETTINGS
@given(_a_config_and_its_damage())
def test_a_damaged_config_parses_or_is_an_input_error(case):
    original, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / original.name
        path.write_bytes(data)

        device = _load(path)

    if device is None:
        return
    assert device.path == str(path)
    _assert_no_key_in(device.model_dump_json(), [device])
    lines = data.count(b"\n") + 1
    for unparsed in device.unparsed:
        assert 1 <= unparsed.origin.line <= lines


@SETTINGS
@given(_a_pair_one_side_damaged())
def test_a_pair_with_a_damaged_side_gives_a_defined_outcome(case):
    folder, damaged_name, data = case
    with tempfile.TemporaryDirectory() as workdir:
        paths = [folder / "a.cfg", folder / "b.cfg"]
        damaged = Path(workdir) / damaged_name
        damaged.write_bytes(data)
        paths[0 if damaged_name == "a.cfg" else 1] = damaged

        devices = [_load(path) for path in paths]
        if None in devices:
            return
        result = api.pair(*devices)

        lengths = {
            str(path): path.read_bytes().count(b"\n") + 1 for path in paths
        }
        _assert_defined(result, lengths)
        for _, render in RENDERERS:
            _assert_no_key_in(render(result, devices), devices)


@SETTINGS
@given(_a_config_and_its_damage())
def test_single_config_checks_on_a_damaged_config_give_defined_findings(
    case,
):
    from asalint.checks import run_checks

    original, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / original.name
        path.write_bytes(data)
        device = _load(path)
        if device is None:
            return

        findings = tuple(run_checks(device))

    result = PairResult(findings=findings)
    _assert_defined(result, {str(path): data.count(b"\n") + 1})
    for _, render in RENDERERS:
        _assert_no_key_in(render(result, [device]), [device])
