"""Markdown: the tunnel table, one Mermaid diagram per failing direction,
the findings, and escaping that keeps config text from breaking either."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from report_builders import (
    BRANCH,
    HQ,
    device,
    established,
    exchange,
    finding,
    pair_result,
    stalled_at_mm4,
    two_devices,
)

from asalint import api
from asalint.cli import run
from asalint.commands_check import run_check
from asalint.report.markdown import (
    code,
    escape_markdown,
    escape_mermaid,
    render_markdown,
)
from asalint.results import Level, Prediction, Side, Stage, Step

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "fixtures" / "pairs"
DIAGRAM = re.compile(r"```mermaid\n(.*?)\n```", re.DOTALL)
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def render(*tunnels, findings=(), devices=None, **options) -> str:
    result = pair_result(*tunnels, findings=findings)
    return render_markdown(
        result, devices or two_devices(), root=REPO, **options
    )


def table_rows(text: str) -> list[list[str]]:
    """The table's body rows, split into cells on unescaped pipes."""
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [
        [cell.strip() for cell in UNESCAPED_PIPE.split(row)[1:-1]]
        for row in rows[1:]
        if not row.startswith("| ---")
    ]


def diagrams(text: str) -> list[list[str]]:
    return [
        [line.strip() for line in body.splitlines()]
        for body in DIAGRAM.findall(text)
    ]


@cache
def load(name: str) -> tuple:
    return tuple(
        api.load_device(str(PAIRS / name / side))
        for side in ("a.cfg", "b.cfg")
    )


def render_pair(name: str, **options) -> str:
    devices = list(load(name))
    return render_markdown(api.pair(*devices), devices, root=REPO, **options)


# --- heading and table -----------------------------------------------------


def test_heading_counts_directions_and_findings():
    text = render(stalled_at_mm4(), established(), findings=(finding(),))

    assert text.splitlines()[0] == (
        "## asalint: 2 tunnel directions, 1 established; 1 finding "
        "(1 error, 0 warnings, 0 notes)"
    )


def test_one_table_row_per_direction_with_states_stage_cause_certain():
    text = render(stalled_at_mm4(), established())

    assert table_rows(text) == [
        [
            "hq (`hq.cfg`)",
            "branch (`branch.cfg`)",
            "outside\\_map 10",
            "`MM_WAIT_MSG4`",
            "`MM_WAIT_MSG3`",
            "phase1",
            "tunnel-group-missing (ASA103)",
            "yes",
        ],
        [
            "branch (`branch.cfg`)",
            "hq (`hq.cfg`)",
            "vpn 20",
            "`MM_ACTIVE`",
            "`MM_ACTIVE`",
            "established",
            "",
            "yes",
        ],
    ]


def test_demo_pair_table_from_the_fixture():
    text = render_pair("demo")

    rows = table_rows(text)
    assert [(r[0], r[3], r[4], r[6], r[7]) for r in rows] == [
        (
            "hq-fw (`fixtures/pairs/demo/a.cfg`)",
            "`MM_WAIT_MSG4`",
            "`MM_WAIT_MSG3`",
            "tunnel-group-missing (ASA103)",
            "yes",
        ),
        (
            "branch-fw (`fixtures/pairs/demo/b.cfg`)",
            "`MM_WAIT_MSG4`",
            "`MM_WAIT_MSG3`",
            "tunnel-group-missing (ASA103)",
            "**no**",
        ),
    ]


# --- diagrams --------------------------------------------------------------


STOP_NOTE = (
    "Note over I,R: stops here: no ipsec-l2l tunnel-group 198.51.100.1 "
    "on branch"
)


def test_failing_direction_is_drawn_up_to_the_crossed_arrow():
    text = render(stalled_at_mm4())

    (diagram,) = diagrams(text)
    assert diagram == [
        "sequenceDiagram",
        "participant I as hq",
        "participant R as branch",
        "I->>R: MM1",
        "R->>I: MM2",
        "I->>R: MM3",
        "R-xI: MM4",
        STOP_NOTE,
        "Note left of I: MM_WAIT_MSG4",
        "Note right of R: MM_WAIT_MSG3",
    ]


def test_established_direction_gets_no_diagram():
    assert diagrams(render(established())) == []
    assert "```mermaid" not in render_pair("working-84")


def test_trigger_failure_sends_no_message():
    tunnel = stalled_at_mm4().model_copy(
        update={
            "exchange": (),
            "predicted": Prediction(
                initiator_state="NO_SA",
                responder_state="NO_SA",
                stage=Stage.TRIGGER,
                cause="crypto-map-not-applied",
                cause_side=Side.INITIATOR,
            ),
            "steps": (
                Step(step="trigger", ok=False, detail="map bound nowhere"),
            ),
        }
    )

    (diagram,) = diagrams(render(tunnel))

    assert diagram[3:] == [
        "Note over I,R: no IKE message is sent: map bound nowhere",
        "Note left of I: NO_SA",
        "Note right of R: NO_SA",
    ]


def test_failure_after_a_complete_exchange_is_noted_at_the_end():
    tunnel = stalled_at_mm4().model_copy(
        update={
            "exchange": exchange(),
            "predicted": Prediction(
                initiator_state="QM_IDLE",
                responder_state="QM_IDLE",
                stage=Stage.TRAFFIC,
                cause="vpn-traffic-blocked",
            ),
            "steps": (Step(step="traffic", ok=False, detail="ACL drops"),),
        }
    )

    (diagram,) = diagrams(render(tunnel))

    assert diagram[-3] == "Note over I,R: stops after the exchange: ACL drops"
    assert sum(1 for line in diagram if "->>" in line) == 9


def test_demo_diagrams_from_the_fixture():
    text = render_pair("demo")

    first, second = diagrams(text)
    assert first[1:3] == [
        "participant I as hq-fw",
        "participant R as branch-fw",
    ]
    assert second[1:3] == [
        "participant I as branch-fw",
        "participant R as hq-fw",
    ]
    assert [line for line in first if "-x" in line] == ["I-xR: MM3"]


def test_why_lines_and_fix_follow_the_diagram():
    text = render(stalled_at_mm4())

    after = text.split("```", 2)[2]
    assert "**Why (keys):** no ipsec-l2l tunnel-group 198.51.100.1" in after
    assert "- `branch.cfg:12` `tunnel-group 198.51.100.99 type ipsec-l2l`" in (
        after
    )
    assert "**Fix in `branch.cfg`:**" in after
    assert "tunnel-group 198.51.100.1 type ipsec-l2l\n" in after


def test_uncertain_prediction_says_what_it_rests_on():
    tunnel = stalled_at_mm4().model_copy(
        update={
            "predicted": stalled_at_mm4().predicted.model_copy(
                update={"certain": False, "conditions": ("keys masked",)}
            )
        }
    )

    text = render(tunnel)

    assert "**Uncertain:** keys masked" in text
    assert table_rows(text)[0][-1] == "**no**"


def test_diagrams_stop_at_the_limit_and_say_how_many_are_left():
    tunnels = [stalled_at_mm4() for _ in range(3)]

    text = render(*tunnels, max_diagrams=2)

    assert len(diagrams(text)) == 2
    assert "1 more failing direction not drawn: see the table above." in text
    assert len(table_rows(text)) == 3


# --- escaping --------------------------------------------------------------


def test_markdown_escape_keeps_a_table_cell_whole():
    assert escape_markdown("a|b *c* <d> [e](f)") == (
        "a\\|b \\*c\\* &lt;d&gt; \\[e\\](f)"
    )
    assert escape_markdown("two\nlines") == "two lines"


def test_code_span_holds_backticks_and_pipes():
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b", in_table=True) == "`a\\|b`"
    assert code("a|b") == "`a|b`"


def test_mermaid_escape_leaves_no_statement_end_or_fence():
    assert escape_mermaid('a;b #1 `x` <y> "z"\nnext') == (
        "a#59;b #35;1 #96;x#96; #60;y#62; #34;z#34; next"
    )


def test_hostile_hostname_and_message_stay_inside_their_cells():
    odd = device(HQ, "hq|x;`y`\n## z")
    tunnel = stalled_at_mm4()
    noisy = finding(message="bad | line `` ```mermaid ; <b>")

    text = render(tunnel, findings=(noisy,), devices=[odd, device(BRANCH)])

    (row,) = table_rows(text)
    assert len(row) == 8
    (diagram,) = diagrams(text)
    assert diagram[1] == "participant I as hq|x#59;#96;y#96; #35;#35; z"
    bare = [re.sub(r"#\d+;", "", line) for line in diagram]
    assert not any(";" in line or "`" in line for line in bare)
    assert text.count("```") == 4  # the diagram's and the fix's fences
    assert "\n## z" not in text
    assert "<b>" not in text


# --- findings --------------------------------------------------------------


SET_PEER_B = "crypto map outside\\_map 10 set peer 203.0.113.2"
SET_PEER_A = "crypto map outside\\_map 10 set peer 198.51.100.10"
ADDRESS_A = "ip address 203.0.113.2 255.255.255.240"


def test_findings_are_listed_with_their_related_lines():
    text = render_pair("demo")

    findings = text.split("### Findings\n\n", 1)[1].splitlines()
    assert findings[0].startswith(
        "- **error** ASA103 tunnel-group-missing at "
        "`fixtures/pairs/demo/b.cfg:130`: hq-fw -&gt; branch-fw"
    )
    assert findings[1:4] == [
        "  - `fixtures/pairs/demo/b.cfg:103` " + SET_PEER_B,
        "  - `fixtures/pairs/demo/a.cfg:133` hq-fw: " + SET_PEER_A,
        "  - `fixtures/pairs/demo/a.cfg:18` hq-fw: " + ADDRESS_A,
    ]
    assert findings[4:] == [
        (
            "- **note** ASA404 peer-not-in-pair at "
            "`fixtures/pairs/demo/a.cfg:137`: outside\\_map 20 peer "
            "192.0.2.50 is an address of neither hq-fw nor branch-fw"
        )
    ]


def test_findings_most_severe_first_and_cut_at_the_limit():
    findings = (
        finding(level=Level.NOTE, line=1, message="a note"),
        finding(level=Level.WARNING, line=2, message="a warning"),
        finding(level=Level.ERROR, line=3, message="an error"),
    )

    text = render(findings=findings, max_findings=2)

    listed = text.split("### Findings\n\n", 1)[1].splitlines()
    assert [line.split(": ", 1)[1] for line in listed[:2]] == [
        "an error",
        "a warning",
    ]
    assert listed[3] == (
        "1 more finding not listed: the text, JSON and SARIF outputs "
        "hold them all."
    )


def test_no_findings_no_findings_section():
    assert "### Findings" not in render(established())


@pytest.mark.parametrize("name", ["demo", "psk-mismatch-84", "working-84"])
def test_no_key_in_the_markdown(name):
    text = "".join((PAIRS / name / s).read_text() for s in ("a.cfg", "b.cfg"))
    keys = set(re.findall(r"pre-shared-key (\S+)", text)) - {"*****"}
    checked = run_check([str(PAIRS / name / s) for s in ("a.cfg", "b.cfg")])

    output = render_markdown(checked.result, checked.devices, root=REPO)

    assert keys and "### Findings" in output
    for key in keys:
        assert key not in output


def test_cli_prints_the_markdown(tmp_path, monkeypatch, capsys):
    shutil.copytree(PAIRS / "demo", tmp_path / "demo")
    monkeypatch.chdir(tmp_path)

    code = run(["pair", "demo/a.cfg", "demo/b.cfg", "-f", "markdown"])

    assert code == 1
    output = capsys.readouterr().out
    assert output.startswith("## asalint: 2 tunnel directions, 0 established")
    assert table_rows(output)[0][:2] == [
        "hq-fw (`demo/a.cfg`)",
        "branch-fw (`demo/b.cfg`)",
    ]
    assert len(diagrams(output)) == 2
