"""The text view: device headers, states, the ladder, reasons and fixes."""

from __future__ import annotations

import io

import pytest
from report_builders import (
    BRANCH,
    HQ,
    device,
    established,
    exchange,
    finding,
    origin,
    pair_result,
    stalled_at_mm4,
    two_devices,
)

from asalint.report.text import (
    render_text,
    terminal_width,
    wants_colour,
    wants_unicode,
)
from asalint.results import Fix, Level, Prediction, Side, Stage, Step


def render(*tunnels, findings=(), **options) -> str:
    result = pair_result(*tunnels, findings=findings)
    return render_text(result, two_devices(), **options)


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def test_device_headers_name_host_platform_and_unmodelled_count():
    text = render()

    assert lines_of(text)[:2] == [
        "hq.cfg: hq, asa 9.8(4) (asa-8.4+), 3 lines not modelled",
        "branch.cfg: branch, asa 8.2(5) (asa-pre-8.3), 0 lines not modelled",
    ]


def test_unreadable_lines_are_counted_apart():
    odd = device(HQ, "hq", unparsed=1, unreadable=2)

    text = render_text(pair_result(), [odd])

    assert "1 line not modelled, 2 lines unreadable" in text


def test_title_names_files_entry_and_addresses():
    text = render(stalled_at_mm4())

    assert (
        "hq.cfg -> branch.cfg (outside_map 10, 198.51.100.1 -> 203.0.113.2)"
        in lines_of(text)
    )


def test_title_names_ikev2_and_aggressive_mode_when_used():
    ikev2 = stalled_at_mm4().model_copy(update={"ike_version": 2})
    aggressive = stalled_at_mm4().model_copy(update={"mode": "aggressive"})

    assert "hq.cfg -> branch.cfg (outside_map 10, IKEv2, 198.51.100.1" in (
        render(ikev2)
    )
    assert "(outside_map 10, aggressive mode, 198.51.100.1" in render(
        aggressive
    )


def test_verdict_names_the_ikev2_exchange_that_failed():
    tunnel = stalled_at_mm4().model_copy(
        update={"ike_version": 2, "failed_exchange": "IKE_AUTH"}
    )

    assert "stage phase1 (IKE_AUTH), cause tunnel-group-missing" in render(
        tunnel
    )


def test_states_of_both_sides_and_the_verdict():
    lines = lines_of(render(stalled_at_mm4()))

    assert "hq (initiator)      MM_WAIT_MSG4  outside_map 10" in lines
    assert "branch (responder)  MM_WAIT_MSG3" in lines
    assert (
        "stage phase1, cause tunnel-group-missing (ASA103), "
        "in the responder's config"
    ) in lines


def test_ladder_draws_arrows_up_to_the_stop_and_nothing_after():
    lines = lines_of(render(stalled_at_mm4()))

    assert "MM1 │" + "─" * 29 + "▶│" in lines
    assert "MM2 │◀" + "─" * 29 + "│" in lines
    assert "MM3 │" + "─" * 29 + "▶│" in lines
    mm4 = next(line for line in lines if line.startswith("MM4"))
    assert "✗" in mm4
    assert mm4.endswith("stops here: no key for 198.51.100.1")
    assert not any(line.startswith(("MM5", "MM6", "QM1")) for line in lines)


def test_ladder_heads_are_the_hostnames_over_their_lifelines():
    text = render(stalled_at_mm4())

    rows = text.splitlines()
    head = next(
        i
        for i, row in enumerate(rows)
        if row.strip() == ("hq" + " " * 24 + "branch")
    )
    mm1 = rows[head + 1]
    assert rows[head].index("hq") == mm1.index("│")
    assert rows[head].index("branch") + len("branch") == mm1.rindex("│") + 1


def test_a_message_lost_from_the_initiator_stops_mid_lane():
    tunnel = stalled_at_mm4().model_copy(
        update={"exchange": exchange("MM1", "no answer from 203.0.113.2")}
    )

    lines = lines_of(render(tunnel))

    mm1 = next(line for line in lines if line.startswith("MM1"))
    assert mm1.startswith("MM1 │" + "─" * 14 + "✗" + " " * 15 + "│")
    assert mm1.endswith("stops here: no answer from 203.0.113.2")
    assert not any(line.startswith("MM2") for line in lines)


def test_established_tunnel_shows_the_whole_exchange():
    lines = lines_of(render(established()))

    assert "stage established" in lines
    assert "QM3 │" + "─" * 29 + "▶│" in lines
    assert not any("stops here" in line for line in lines)


def test_no_exchange_says_no_message_is_sent():
    tunnel = stalled_at_mm4().model_copy(update={"exchange": ()})

    assert "no IKE message is sent: hq never starts IKE" in lines_of(
        render(tunnel)
    )


def test_reason_cites_the_deciding_lines_of_both_files():
    lines = lines_of(render(stalled_at_mm4()))

    why = lines.index(
        "why (keys): no ipsec-l2l tunnel-group 198.51.100.1 on branch"
    )
    assert lines[why + 1 : why + 3] == [
        "hq.cfg:41 crypto map outside_map 10 set peer 203.0.113.2",
        "branch.cfg:12 tunnel-group 198.51.100.99 type ipsec-l2l",
    ]


def test_fixes_grouped_by_file_in_config_syntax():
    hq_fix = Fix(path=HQ, commands=("crypto map outside_map 10 set pfs",))
    tunnel = stalled_at_mm4()
    tunnel = tunnel.model_copy(update={"fixes": (*tunnel.fixes, hq_fix)})

    lines = lines_of(render(tunnel))

    start = lines.index("Fix:")
    assert lines[start + 1 : start + 9] == [
        "branch.cfg",
        "! the ASA picks the tunnel-group by the peer address",
        "tunnel-group 198.51.100.1 type ipsec-l2l",
        "tunnel-group 198.51.100.1 ipsec-attributes",
        "ikev1 pre-shared-key <the key hq uses>",
        "hq.cfg",
        "crypto map outside_map 10 set pfs",
        "",
    ]


def test_uncertain_prediction_lists_its_conditions_and_assumed_steps():
    assumed = Step(
        step="auth",
        ok=True,
        certain=False,
        detail="both keys masked",
        lines=(origin(HQ, 55, " ikev1 pre-shared-key *****"),),
    )
    tunnel = established().model_copy(
        update={
            "predicted": Prediction(
                initiator_state="MM_ACTIVE",
                responder_state="MM_ACTIVE",
                stage=Stage.ESTABLISHED,
                cause="psk-unverifiable",
                cause_side=Side.BOTH,
                certain=False,
                conditions=("keys equal: both masked",),
            ),
            "steps": (assumed,),
        }
    )

    lines = lines_of(render(tunnel))

    assert "uncertain: keys equal: both masked" in lines
    assert (
        "stage established, cause psk-unverifiable (ASA106), in both configs"
    ) in lines
    assert "assumed (auth): both keys masked" in lines
    assert "hq.cfg:55 ikev1 pre-shared-key *****" in lines


def test_findings_list_rule_level_location_and_message():
    findings = (
        finding(),
        finding("ASA114", Level.WARNING, HQ, 20, "lifetimes differ"),
    )

    lines = lines_of(render(findings=findings))

    start = lines.index("Findings")
    assert lines[start + 1 : start + 5] == [
        "ASA114 warning  hq.cfg:20  tunnel-group-missing",
        "lifetimes differ",
        "ASA103 error  branch.cfg:12  tunnel-group-missing",
        "no tunnel-group for 198.51.100.1",
    ]


def test_summary_counts_directions_established_and_levels():
    findings = (finding(), finding(level=Level.NOTE))

    text = render(stalled_at_mm4(), established(), findings=findings)

    assert lines_of(text)[-1] == (
        "2 tunnel directions, 1 established; "
        "2 findings: 1 error, 0 warnings, 1 note"
    )


@pytest.mark.parametrize("width", [60, 80])
def test_every_line_fits_the_width(width):
    long_path = "configs/region-emea/datacentre-frankfurt/edge-fw-01.cfg"
    tunnel = stalled_at_mm4(initiator=long_path)
    message = "the responder refuses the proposal because " * 5
    findings = (finding(path=long_path, message=message),)

    text = render(tunnel, findings=findings, width=width)

    assert max(len(line) for line in text.splitlines()) <= width


def test_a_long_fix_command_stays_one_pasteable_line():
    command = (
        "access-list outside_cryptomap_10 extended permit ip "
        "10.20.0.0 255.255.255.0 10.10.0.0 255.255.255.0"
    )
    tunnel = stalled_at_mm4().model_copy(
        update={"fixes": (Fix(path=BRANCH, commands=(command,)),)}
    )

    rows = render(tunnel).splitlines()

    assert "      " + command in rows


def test_wrapped_citations_continue_deeper_indented():
    long_text = "crypto map outside_map 10 match address " + "X" * 90
    tunnel = stalled_at_mm4()
    step = tunnel.steps[1].model_copy(
        update={"lines": (origin(HQ, 41, long_text),)}
    )
    tunnel = tunnel.model_copy(update={"steps": (tunnel.steps[0], step)})

    rows = render(tunnel).splitlines()

    first = next(i for i, row in enumerate(rows) if "hq.cfg:41" in row)
    assert rows[first].startswith("    hq.cfg:41 crypto map")
    assert rows[first + 1].startswith("        XXXX")


def test_plain_output_has_no_escape_sequences_and_colour_has_some():
    assert "\x1b[" not in render(stalled_at_mm4())
    assert "\x1b[" in render(stalled_at_mm4(), color=True)


def test_control_characters_from_a_config_cannot_reach_the_terminal():
    hostile = origin(BRANCH, 12, "tunnel-group x\x1b[2J\x07 type ipsec-l2l")
    tunnel = stalled_at_mm4()
    step = tunnel.steps[1].model_copy(update={"lines": (hostile,)})
    tunnel = tunnel.model_copy(update={"steps": (tunnel.steps[0], step)})

    text = render(tunnel, color=True)

    assert "\x1b[2J" not in text
    assert "\x07" not in text
    assert "tunnel-group x\\x1b[2J\\x07 type ipsec-l2l" in text


def test_config_text_is_never_read_as_rich_markup():
    tunnel = stalled_at_mm4()
    step = tunnel.steps[1].model_copy(
        update={"lines": (origin(HQ, 9, "description [bold]x[/bold]"),)}
    )
    tunnel = tunnel.model_copy(update={"steps": (tunnel.steps[0], step)})

    assert "hq.cfg:9 description [bold]x[/bold]" in render(tunnel)


def test_ascii_glyphs_when_unicode_is_off():
    text = render(stalled_at_mm4(), established(), unicode=False)

    text.encode("ascii")
    assert "MM1 |" + "-" * 29 + ">|" in lines_of(text)
    assert "MM2 |<" + "-" * 29 + "|" in lines_of(text)


class FakeStream(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty = tty
        self._encoding = encoding

    def isatty(self) -> bool:
        return self._tty

    @property
    def encoding(self) -> str:
        return self._encoding


def test_colour_only_on_a_terminal_without_no_color():
    assert wants_colour(FakeStream(tty=True), {}) is True
    assert wants_colour(FakeStream(tty=False), {}) is False
    assert wants_colour(FakeStream(tty=True), {"NO_COLOR": "1"}) is False
    assert wants_colour(FakeStream(tty=True), {"TERM": "dumb"}) is False


def test_unicode_only_where_the_stream_can_encode_it():
    assert wants_unicode(FakeStream(tty=False, encoding="utf-8")) is True
    assert wants_unicode(FakeStream(tty=False, encoding="ascii")) is False


def test_width_is_80_when_not_a_terminal():
    assert terminal_width(FakeStream(tty=False)) == 80
