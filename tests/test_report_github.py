"""GitHub workflow-command annotations: format, escaping, limits, order."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from report_builders import BRANCH, HQ, finding, pair_result, two_devices

from asalint import api
from asalint.cli import run
from asalint.commands_check import run_check
from asalint.report.github import (
    escape_data,
    escape_property,
    render_github,
)
from asalint.results import Level, Related

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "fixtures" / "pairs"
COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::")


def render(*findings, **options) -> str:
    result = pair_result(findings=findings)
    return render_github(result, two_devices(), root=REPO, **options)


def commands(text: str, kind: str | None = None) -> list[str]:
    found = [line for line in text.splitlines() if COMMAND.match(line)]
    if kind is None:
        return found
    return [line for line in found if line.startswith(f"::{kind}")]


def logged(text: str) -> list[str]:
    """The plain log lines of findings left without an annotation."""
    return [
        line for line in text.splitlines() if line.startswith("not annotated")
    ]


def many(count: int, level: Level, start: int = 1) -> list:
    return [
        finding(level=level, line=start + n, message=f"{level} {n}")
        for n in range(count)
    ]


# --- one annotation ---------------------------------------------------------


def test_error_finding_is_one_error_command_on_its_line():
    text = render(finding())

    assert text == (
        "::error file=branch.cfg,line=12,endLine=12,"
        "title=ASA103 tunnel-group-missing::no tunnel-group for 198.51.100.1\n"
    )


@pytest.mark.parametrize(
    ("level", "command"),
    [(Level.WARNING, "warning"), (Level.NOTE, "notice")],
)
def test_levels_map_to_their_commands(level, command):
    text = render(finding(level=level))

    assert text.startswith(f"::{command} file=branch.cfg,")


def test_finding_without_a_line_annotates_the_file():
    text = render(finding(line=None))

    assert text.startswith(
        "::error file=branch.cfg,title=ASA103 tunnel-group-missing::"
    )


def test_related_lines_follow_the_message_on_their_own_lines():
    cited = finding(
        related=(Related(path=HQ, line=41, message="hq: set peer"),)
    )

    (line,) = render(cited).splitlines()

    message = line.split("::", 2)[2]
    assert message == (
        "no tunnel-group for 198.51.100.1%0Ahq.cfg:41 hq: set peer"
    )


def test_absolute_paths_are_shown_relative_to_the_root():
    absolute = finding(path=str(PAIRS / "demo" / "b.cfg"))

    text = render(absolute)

    assert "file=fixtures/pairs/demo/b.cfg," in text


# --- escaping ---------------------------------------------------------------


def test_data_escapes_percent_first_then_line_breaks():
    assert escape_data("50%\r\n%0A") == "50%25%0D%0A%250A"


def test_property_also_escapes_colon_and_comma():
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_a_message_cannot_start_a_command_of_its_own():
    crafted = finding(
        message="x\n::warning file=evil.cfg::injected\r\n::stop-commands::t"
    )

    text = render(crafted)

    assert len(text.splitlines()) == 1
    assert commands(text, "warning") == []


def test_a_path_cannot_add_properties():
    crafted = finding(path="a,line=1,title=x:y.cfg")

    (line,) = render(crafted).splitlines()

    assert line.startswith("::error file=a%2Cline=1%2Ctitle=x%3Ay.cfg,line=")


# --- order and limits -------------------------------------------------------


def test_most_severe_first_file_order_within_a_level():
    findings = [
        finding(level=Level.NOTE, path=HQ, line=1),
        finding(level=Level.WARNING, path=BRANCH, line=5),
        finding(level=Level.ERROR, path=BRANCH, line=9),
        finding(level=Level.ERROR, path=HQ, line=30),
    ]

    text = render(*findings)

    kinds = [re.match(r"::(\w+) file=([^,]+),line=(\d+)", line).groups()
             for line in commands(text)]
    assert kinds == [
        ("error", HQ, "30"),
        ("error", BRANCH, "9"),
        ("warning", BRANCH, "5"),
        ("notice", HQ, "1"),
    ]


def test_no_notice_of_left_out_findings_when_all_fit():
    text = render(*many(10, Level.ERROR), *many(10, Level.WARNING),
                  *many(10, Level.NOTE))

    assert len(commands(text, "error")) == 10
    assert len(commands(text, "warning")) == 10
    assert len(commands(text, "notice")) == 10
    assert "not annotated" not in text


def test_errors_over_the_limit_are_logged_and_counted():
    text = render(*many(12, Level.ERROR), *many(3, Level.WARNING),
                  *many(2, Level.NOTE))

    assert len(commands(text, "error")) == 10
    assert len(commands(text, "warning")) == 3
    notices = commands(text, "notice")
    assert len(notices) == 3
    assert notices[-1] == text.splitlines()[-1]
    assert notices[-1].startswith(
        "::notice title=asalint::2 findings were not annotated (2 errors)"
    )
    head = "not annotated: branch.cfg:{}: error ASA103 tunnel-group-missing: "
    assert logged(text) == [
        head.format(11) + "error 10",
        head.format(12) + "error 11",
    ]


def test_the_last_notice_takes_one_of_the_ten_notice_places():
    text = render(*many(15, Level.NOTE))

    notices = commands(text, "notice")
    assert len(notices) == 10
    assert "6 findings were not annotated (6 notes)" in notices[-1]
    assert len(logged(text)) == 6


@pytest.mark.parametrize("errors", [0, 9, 10, 11, 25])
@pytest.mark.parametrize("warnings", [0, 10, 11])
@pytest.mark.parametrize("notes", [0, 9, 10, 11])
def test_no_kind_ever_exceeds_the_limit_and_none_is_lost(
    errors, warnings, notes
):
    findings = (
        many(errors, Level.ERROR)
        + many(warnings, Level.WARNING, 100)
        + many(notes, Level.NOTE, 200)
    )

    text = render(*findings)

    for kind in ("error", "warning", "notice"):
        assert len(commands(text, kind)) <= 10
    annotated = [c for c in commands(text) if " file=" in c]
    assert len(annotated) + len(logged(text)) == len(findings)
    left_out = errors + warnings + notes - len(annotated)
    assert ("were not annotated" in text or "was not annotated" in text) == (
        left_out > 0
    )


def test_a_smaller_limit_is_honoured():
    text = render(*many(3, Level.ERROR), per_step=2)

    assert len(commands(text, "error")) == 2
    assert "1 finding was not annotated (1 error)" in text


def test_nothing_to_say_prints_nothing():
    assert render() == ""


# --- fixture pairs, end to end ----------------------------------------------


@cache
def load(name: str) -> tuple:
    return tuple(
        api.load_device(str(PAIRS / name / side))
        for side in ("a.cfg", "b.cfg")
    )


def test_demo_pair_annotates_the_stale_tunnel_group():
    devices = list(load("demo"))

    text = render_github(api.pair(*devices), devices, root=REPO)

    assert commands(text, "error")[0].startswith(
        "::error file=fixtures/pairs/demo/b.cfg,line=130,endLine=130,"
        "title=ASA103 tunnel-group-missing::hq-fw -> branch-fw"
    )
    assert commands(text, "notice")[0].startswith(
        "::notice file=fixtures/pairs/demo/a.cfg,line=137,"
    )


@pytest.mark.parametrize("name", ["demo", "psk-mismatch-84", "working-84"])
def test_no_key_in_the_annotations(name):
    text = "".join((PAIRS / name / s).read_text() for s in ("a.cfg", "b.cfg"))
    keys = set(re.findall(r"pre-shared-key (\S+)", text)) - {"*****"}
    checked = run_check([str(PAIRS / name / s) for s in ("a.cfg", "b.cfg")])

    output = render_github(checked.result, checked.devices, root=REPO)

    assert keys and commands(output)
    for key in keys:
        assert key not in output


ERROR_TITLE = "ASA103 tunnel-group-missing"
NOTE_TITLE = "ASA404 peer-not-in-pair"


def test_cli_prints_the_annotations(tmp_path, monkeypatch, capsys):
    shutil.copytree(PAIRS / "demo", tmp_path / "demo")
    monkeypatch.chdir(tmp_path)

    code = run(["pair", "demo/a.cfg", "demo/b.cfg", "--format", "github"])

    assert code == 1
    output = capsys.readouterr().out
    heads = [line.split("::")[1] for line in output.splitlines()]
    assert heads == [
        "error file=demo/b.cfg,line=130,endLine=130,title=" + ERROR_TITLE,
        "notice file=demo/a.cfg,line=137,endLine=137,title=" + NOTE_TITLE,
    ]
