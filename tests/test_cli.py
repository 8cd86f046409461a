"""The command line: version, usage, exit codes, errors, output routing.

Most tests run `asalint.cli.run` in-process with the engine's two entry
points replaced by builders, so that each test fixes exactly the
findings the exit code depends on. End-to-end runs on fixture pairs are
at the end of this module.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pairs_expect import load_pair
from report_builders import (
    BRANCH,
    HQ,
    device,
    established,
    finding,
    pair_result,
    stalled_at_mm4,
)

from asalint import __version__, api, parallel
from asalint.cli import run
from asalint.errors import InputError
from asalint.exitcode import (
    CLEAN,
    FINDINGS,
    INPUT_ERROR,
    exit_code,
)
from asalint.results import Level

REPO = Path(__file__).parents[1]
PAIRS = REPO / "fixtures" / "pairs"


@pytest.fixture
def engine(monkeypatch):
    """Replace load_device/pair; set `engine.result` to what pair gives."""

    class Engine:
        def __init__(self) -> None:
            self.result = pair_result(stalled_at_mm4(), established())
            self.loaded: list[str] = []

        def load_device(self, path: str):
            if path.startswith("missing"):
                raise InputError(path, "no such file")
            self.loaded.append(path)
            return device(path, Path(path).stem)

        def pair(self, first, second):
            return self.result

    fake = Engine()

    def load_all(paths, *, cache_dir=None, jobs=None):
        loaded = []
        for path in paths:
            try:
                loaded.append(fake.load_device(path))
            except InputError as error:
                loaded.append(error)
        return loaded

    monkeypatch.setattr(api, "load_device", fake.load_device)
    monkeypatch.setattr(parallel, "load_all", load_all)
    monkeypatch.setattr(api, "pair", fake.pair)
    return fake


# --- version and start-up ---------------------------------------------------


def test_version_prints_name_and_version(capsys):
    assert run(["--version"]) == 0

    assert capsys.readouterr().out == f"asalint {__version__}\n"


def test_version_through_typer_prints_the_same_line(capsys):
    # Not the fast path: another argument makes typer parse the line.
    assert run(["--version", "pair"]) == 0

    assert capsys.readouterr().out == f"asalint {__version__}\n"


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "asalint", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (0, f"asalint {__version__}\n")


def test_version_imports_no_heavy_module():
    probe = (
        "import sys; from asalint.cli import run; run(['--version']); "
        "heavy = {'typer', 'pydantic', 'rich', 'ciscoconfparse2', "
        "'asalint.api', 'asalint.model'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.splitlines()[-1] == "[]"


def test_commands_module_imports_neither_engine_nor_rich_nor_pydantic():
    probe = (
        "import sys, asalint.commands; "
        "heavy = {'pydantic', 'rich', 'ciscoconfparse2', 'asalint.api', "
        "'asalint.model', 'asalint.negotiate'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip() == "[]"


def test_help_loads_neither_the_engine_nor_rich():
    probe = (
        "import sys, io, contextlib; from asalint.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(['pair', '--help'])\n"
        "heavy = {'rich', 'ciscoconfparse2', 'asalint.api', 'asalint.model'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )

    assert done.stdout.strip() == "[]"


# --- usage errors -----------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["pair"],
        ["pair", "a.cfg"],
        ["pair", "a.cfg", "b.cfg", "--format", "xml"],
        ["pair", "a.cfg", "b.cfg", "--fail-on", "fatal"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(argv, capsys, engine):
    assert run(argv) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Usage: asalint" in captured.err
    assert "Traceback" not in captured.err


def test_help_exits_0(capsys):
    assert run(["pair", "--help"]) == 0

    assert "--fail-on" in capsys.readouterr().out


# --- bad input --------------------------------------------------------------


def test_unreadable_input_is_one_line_and_exit_2(capsys, engine):
    assert run(["pair", "missing.cfg", BRANCH]) == 2

    captured = capsys.readouterr()
    assert captured.err == "asalint: missing.cfg: no such file\n"
    assert captured.out == ""


def test_every_unreadable_input_is_named(capsys, engine):
    assert run(["pair", "missing-a.cfg", "missing-b.cfg"]) == 2

    assert capsys.readouterr().err == (
        "asalint: missing-a.cfg: no such file\n"
        "asalint: missing-b.cfg: no such file\n"
    )


def test_unreadable_input_with_v_logs_the_traceback(capsys, engine):
    assert run(["pair", "missing.cfg", BRANCH, "-v"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("asalint: missing.cfg: no such file\n")
    assert "Traceback" in err
    assert "InputError" in err


def test_real_missing_file_through_the_real_loader(capsys, tmp_path):
    absent = tmp_path / "absent.cfg"

    assert run(["pair", str(absent), str(absent)]) == 2

    first_line = capsys.readouterr().err.splitlines()[0]
    assert first_line == f"asalint: {absent}: no such file"


def test_a_file_paired_with_itself_is_a_usage_error(capsys, tmp_path):
    config = tmp_path / "hq.cfg"
    config.write_text("hostname hq\n")
    again = tmp_path / "." / "hq.cfg"

    assert run(["pair", str(config), str(again)]) == 2

    assert capsys.readouterr().err == (
        f"asalint: {again}: is the same file as {config}\n"
    )


def test_internal_error_names_the_type_never_the_message(
    capsys, engine, monkeypatch
):
    def explode(first, second):
        raise RuntimeError("tunnel-group 10.0.0.1 ikev1 pre-shared-key s3")

    monkeypatch.setattr(api, "pair", explode)

    assert run(["pair", HQ, BRANCH]) == 2

    captured = capsys.readouterr()
    assert captured.err == (
        "asalint: internal error (RuntimeError); run with -v for details\n"
    )
    assert captured.out == ""


def test_internal_error_with_v_shows_the_traceback(
    capsys, engine, monkeypatch
):
    def explode(first, second):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "pair", explode)

    assert run(["pair", HQ, BRANCH, "-v"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("asalint: internal error (RuntimeError)")
    assert "Traceback" in err


def test_error_line_stays_one_line_for_a_path_with_a_newline(capsys):
    assert run(["pair", "bad\nname.cfg", "x\x1b[31m.cfg"]) == 2

    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "asalint: bad?name.cfg: no such file",
        "asalint: x?[31m.cfg: no such file",
    ]


# --- exit codes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "fail_on", "exit_zero", "expected"),
    [
        ([], Level.ERROR, False, CLEAN),
        ([Level.ERROR], Level.ERROR, False, FINDINGS),
        ([Level.WARNING], Level.ERROR, False, CLEAN),
        ([Level.WARNING], Level.WARNING, False, FINDINGS),
        ([Level.NOTE], Level.WARNING, False, CLEAN),
        ([Level.NOTE], Level.NOTE, False, FINDINGS),
        ([Level.ERROR], Level.ERROR, True, CLEAN),
    ],
)
def test_exit_code_from_levels(levels, fail_on, exit_zero, expected):
    assert exit_code(levels, fail_on, exit_zero=exit_zero) == expected


def test_input_error_wins_over_findings_and_exit_zero():
    assert exit_code([Level.ERROR], input_error=True) == INPUT_ERROR
    assert exit_code([], exit_zero=True, input_error=True) == INPUT_ERROR


@pytest.mark.parametrize(
    ("level", "options", "expected"),
    [
        (Level.ERROR, [], 1),
        (Level.WARNING, [], 0),
        (Level.WARNING, ["--fail-on", "warning"], 1),
        (Level.NOTE, ["--fail-on", "warning"], 0),
        (Level.NOTE, ["--fail-on", "note"], 1),
        (Level.ERROR, ["--exit-zero"], 0),
    ],
)
def test_pair_exit_code(level, options, expected, engine, capsys):
    engine.result = pair_result(findings=(finding(level=level),))

    assert run(["pair", HQ, BRANCH, *options]) == expected


def test_pair_without_findings_exits_0(engine, capsys):
    engine.result = pair_result(established())

    assert run(["pair", HQ, BRANCH]) == 0


def test_finish_still_reports_the_readable_files_and_exits_2(capsys):
    import typer

    from asalint.commands import Report, finish

    result = pair_result(findings=(finding(level=Level.NOTE),))
    with pytest.raises(typer.Exit) as done:
        finish(result, [device()], Report("json"), input_error=True)

    assert done.value.exit_code == INPUT_ERROR
    document = json.loads(capsys.readouterr().out)
    assert document["findings"][0]["level"] == "note"


# --- output -----------------------------------------------------------------


def test_text_is_the_default_on_stdout(engine, capsys):
    run(["pair", HQ, BRANCH])

    out = capsys.readouterr().out
    assert "hq.cfg -> branch.cfg (outside_map 10" in out
    assert "\x1b[" not in out  # captured stdout is no terminal


def test_json_on_stdout_follows_the_contract(engine, capsys):
    engine.result = pair_result(
        stalled_at_mm4(), findings=(finding(level=Level.ERROR),)
    )

    assert run(["pair", HQ, BRANCH, "--format", "json"]) == 1

    document = json.loads(capsys.readouterr().out)
    assert [d["path"] for d in document["devices"]] == [HQ, BRANCH]
    assert document["tunnels"][0]["predicted"]["initiator_state"] == (
        "MM_WAIT_MSG4"
    )
    assert document["findings"][0]["rule"] == "ASA103"


def test_devices_are_loaded_with_paths_as_given(engine, capsys):
    run(["pair", "./hq.cfg", "sub/../branch.cfg", "-f", "json"])

    document = json.loads(capsys.readouterr().out)
    assert engine.loaded == ["./hq.cfg", "sub/../branch.cfg"]
    assert [d["path"] for d in document["devices"]] == [
        "./hq.cfg",
        "sub/../branch.cfg",
    ]


def test_output_file_gets_the_report_and_stdout_stays_empty(
    engine, capsys, tmp_path
):
    target = tmp_path / "report.json"

    code = run(["pair", HQ, BRANCH, "-f", "json", "-o", str(target)])

    assert code == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["asalint"] == __version__


def test_text_report_file_is_plain_and_80_wide(engine, capsys, tmp_path):
    target = tmp_path / "report.txt"

    run(["pair", HQ, BRANCH, "-o", str(target)])

    text = target.read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_unwritable_output_is_one_line_and_exit_2(engine, capsys, tmp_path):
    target = tmp_path / "no" / "report.json"

    assert run(["pair", HQ, BRANCH, "-o", str(target)]) == 2

    assert capsys.readouterr().err == (
        f"asalint: {target}: cannot write: No such file or directory\n"
    )


def test_output_onto_an_input_config_is_refused(engine, capsys, tmp_path):
    config = tmp_path / "hq.cfg"
    config.write_text("hostname hq\n")

    assert run(["pair", str(config), BRANCH, "-o", str(config)]) == 2

    assert config.read_text() == "hostname hq\n"
    assert "is an input config" in capsys.readouterr().err


# --- logging ----------------------------------------------------------------


def test_library_logging_is_silent_without_v(engine, capsys, monkeypatch):
    def chatty(first, second):
        logging.getLogger("asalint.negotiate").warning("diagnostic")
        return pair_result()

    monkeypatch.setattr(api, "pair", chatty)

    run(["pair", HQ, BRANCH])

    assert capsys.readouterr().err == ""


def test_library_logging_goes_to_stderr_with_v(engine, capsys, monkeypatch):
    def chatty(first, second):
        logging.getLogger("asalint.negotiate").debug("diagnostic")
        return pair_result()

    monkeypatch.setattr(api, "pair", chatty)

    run(["pair", HQ, BRANCH, "-v"])

    captured = capsys.readouterr()
    assert "diagnostic" in captured.err
    assert "diagnostic" not in captured.out


# --- end to end on the fixture pairs ----------------------------------------

# Keys as `show running-config` prints them when it hides them.
HIDDEN_KEYS = {"*****", "<secret", "<removed>", "<redacted>", "<hidden>"}
KEY_LINE = re.compile(
    r"(?:pre-shared-key|isakmp key)\s+"
    r"(?:address\s+\S+(?:\s+\S+)?\s+key\s+|(?:local|remote)\s+)?"
    r"(?:[068]\s+)?(?P<key>\S+)",
    re.IGNORECASE,
)
PAIR_NAMES = sorted(p.parent.name for p in PAIRS.glob("*/a.cfg"))
# Pairs whose every direction the simulation predicts as expected.toml
# says (tests/test_pairs.py holds the whole table).
SETTLED = [
    "demo",
    "working-84",
    "working-pre83",
    "masked-keys",
    "pfs-responder-only-84",
    "crypto-map-not-applied-84",
    "psk-mismatch-pre83",
]


def pair_paths(name: str) -> list[str]:
    """The pair's files, relative to the repository as a user types."""
    folder = PAIRS.relative_to(REPO) / name
    return [str(folder / "a.cfg"), str(folder / "b.cfg")]


def plain_keys(paths: list[str]) -> set[str]:
    keys = set()
    for path in paths:
        for line in (REPO / path).read_text(encoding="utf-8").splitlines():
            match = KEY_LINE.search(line)
            key = match["key"] if match else ""
            if key and not any(key.startswith(h) for h in HIDDEN_KEYS):
                keys.add(key)
    return keys


def json_run(paths: list[str], capsys) -> tuple[int, dict]:
    code = run(["pair", *paths, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", SETTLED)
def test_json_document_predicts_what_the_pair_expects(
    name, capsys, monkeypatch
):
    monkeypatch.chdir(REPO)
    paths = pair_paths(name)
    expected = load_pair(PAIRS / name)

    _, document = json_run(paths, capsys)

    assert [d["path"] for d in document["devices"]] == paths
    for tunnel in expected.tunnels:
        initiator = paths[0] if tunnel.initiator == "a" else paths[1]
        found = [
            t["predicted"]
            for t in document["tunnels"]
            if t["initiator"] == initiator
            and t["crypto_map"].get(initiator) == tunnel.crypto_map
        ]
        wanted = tunnel.wanted()
        wanted["cause"] = None if tunnel.cause == "none" else tunnel.cause
        wanted.pop("ike_version", None)
        wanted.pop("failed_exchange", None)
        assert [{k: p[k] for k in wanted} for p in found] == [wanted]


@pytest.mark.parametrize("name", SETTLED)
def test_exit_code_agrees_with_the_document(name, capsys, monkeypatch):
    monkeypatch.chdir(REPO)

    code, document = json_run(pair_paths(name), capsys)

    errors = [f for f in document["findings"] if f["level"] == "error"]
    assert code == (FINDINGS if errors else CLEAN)


@pytest.mark.parametrize("name", PAIR_NAMES)
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_no_plain_key_of_the_configs_in_any_output(
    name, output_format, capsys, monkeypatch
):
    monkeypatch.chdir(REPO)
    paths = pair_paths(name)
    keys = plain_keys(paths)

    run(["pair", *paths, "--format", output_format, "-v"])

    captured = capsys.readouterr()
    for key in keys:
        assert key not in captured.out
        assert key not in captured.err


def test_fixture_pairs_hold_plain_keys_for_the_secret_test():
    keys = set().union(*(plain_keys(pair_paths(n)) for n in PAIR_NAMES))

    assert len(keys) >= 3


def test_demo_text_shows_the_stall_the_lines_and_the_fix(capsys, monkeypatch):
    monkeypatch.chdir(PAIRS / "demo")
    stale_group = Path("b.cfg").read_text().splitlines()[129]

    assert run(["pair", "a.cfg", "b.cfg"]) == FINDINGS

    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0].startswith("a.cfg: hq-fw, asa 9.12(4)")
    assert (
        "a.cfg -> b.cfg (outside_map 10, 203.0.113.2 -> 198.51.100.10)"
        in lines
    )
    assert any(
        line.startswith("hq-fw (initiator)") and "MM_WAIT_MSG4" in line
        for line in lines
    )
    assert f"b.cfg:130 {stale_group.strip()}" in lines
    assert sum("stops here" in line for line in lines) == 2
    assert "tunnel-group 203.0.113.2 type ipsec-l2l" in lines
    assert lines[-1].startswith("2 tunnel directions, 0 established;")


def test_working_pair_text_says_established_and_exits_0(capsys, monkeypatch):
    monkeypatch.chdir(PAIRS / "working-84")

    assert run(["pair", "a.cfg", "b.cfg"]) == CLEAN

    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith(
        "2 tunnel directions, 2 established;"
    )
    assert "stops here" not in out


def test_console_script_on_the_demo_pair(tmp_path):
    script = Path(sys.executable).with_name("asalint")
    if not script.exists():
        pytest.skip("the asalint script is not installed beside python")
    demo = PAIRS / "demo"

    done = subprocess.run(
        [str(script), "pair", "a.cfg", "b.cfg", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=demo,
    )

    assert done.returncode == FINDINGS
    assert done.stderr == ""
    document = json.loads(done.stdout)
    assert [d["hostname"] for d in document["devices"]] == [
        "hq-fw",
        "branch-fw",
    ]


# --- rules, rule, check -------------------------------------------------------


def test_rules_json_lists_the_whole_catalogue(capsys):
    from asalint.catalogue import catalogue

    assert run(["rules", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)

    ids = [rule["id"] for rule in document["rules"]]
    assert ids == sorted(catalogue().ids)
    tunnel_group = next(r for r in document["rules"] if r["id"] == "ASA103")
    assert tunnel_group["name"] == "tunnel-group-missing"
    assert tunnel_group["state"] == "MM_WAIT_MSG4"


def test_rule_by_name_prints_its_page(capsys):
    assert run(["rule", "tunnel-group-missing"]) == 0
    assert capsys.readouterr().out.startswith("ASA103 tunnel-group-missing")


def test_unknown_rule_is_a_usage_error(capsys):
    assert run(["rule", "ASA999"]) == 2
    assert capsys.readouterr().err.startswith("asalint: ")


def test_check_reports_the_demo_fault_at_its_line(capsys, tmp_path,
                                                  monkeypatch):
    monkeypatch.chdir(REPO)
    demo = PAIRS / "demo"
    argv = ["check", str(demo / "a.cfg"), str(demo / "b.cfg"), "-f", "json",
            "--cache-dir", str(tmp_path / "cache")]

    assert run(argv) == 1
    document = json.loads(capsys.readouterr().out)

    errors = {(f["rule"], Path(f["path"]).name, f["line"])
              for f in document["findings"] if f["level"] == "error"}
    assert ("ASA103", "b.cfg", 130) in errors
    assert {t["predicted"]["cause"] for t in document["tunnels"]} == {
        "tunnel-group-missing"}
