"""Silencing findings: inline directives, durable ignores, selection.

Each test copies a fixture pair to tmp_path, edits it the way a user
would (a directive above a line, an asalint.toml beside the configs),
and checks the pair as `asalint check` does.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from asalint.commands_check import CheckResult, run_check
from asalint.config import ConfigFile, read_config_file, with_options
from asalint.results import Level
from asalint.source import SourceText
from asalint.suppress import apply_suppressions, read_directives

PAIRS = Path(__file__).parents[1] / "fixtures" / "pairs"

# psk-mismatch-84: the keys of hq-fw (a.cfg) and branch-fw (b.cfg)
# differ; each file holds its key in clear text on line 88, the child
# of `tunnel-group ... ipsec-attributes` on line 87.
KEY_LINE = 88
GROUP_LINE = 87


def _pair(tmp_path: Path, name: str = "psk-mismatch-84") -> tuple[Path, Path]:
    for side in ("a", "b"):
        shutil.copy(PAIRS / name / f"{side}.cfg", tmp_path / f"{side}.cfg")
    return tmp_path / "a.cfg", tmp_path / "b.cfg"


def _insert(file: Path, before: int, *lines: str) -> None:
    """Put `lines` above line `before` (1-based) of `file`."""
    text = file.read_text().split("\n")
    text[before - 1:before - 1] = list(lines)
    file.write_text("\n".join(text))


def _check(*files: Path, config: ConfigFile | None = None) -> CheckResult:
    return run_check([str(file) for file in files], config=config)


def _fired(result: CheckResult, rule: str) -> list[tuple[str, int | None]]:
    return sorted(
        (Path(f.path).name, f.line) for f in result.findings if f.rule == rule
    )


def _config(tmp_path: Path, text: str) -> ConfigFile:
    file = tmp_path / "asalint.toml"
    file.write_text(text)
    return read_config_file(str(file))


def test_the_fixture_reports_the_key_mismatch_in_both_files(tmp_path):
    result = _check(*_pair(tmp_path))

    assert _fired(result, "ASA105") == [("a.cfg", 88), ("b.cfg", 88)]
    assert result.suppressed == 0


# --- inline directives -------------------------------------------------------


def test_a_directive_silences_its_rule_on_the_block_below(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, GROUP_LINE, '! asalint: disable=ASA105 reason="rotating"')

    result = _check(a, b)

    # The key line moved down by one; only b.cfg's side is left.
    assert _fired(result, "ASA105") == [("b.cfg", 88)]
    assert _fired(result, "ASA507") == [("a.cfg", 89), ("b.cfg", 88)]
    assert result.suppressed == 1
    assert _fired(result, "ASA903") == _fired(result, "ASA904") == []


def test_a_directive_takes_names_and_several_rules(tmp_path):
    a, b = _pair(tmp_path)
    _insert(
        a, KEY_LINE,
        ' ! asalint: disable=psk-mismatch, clear-text-key reason="lab"',
    )

    result = _check(a, b)

    assert _fired(result, "ASA105") == [("b.cfg", 88)]
    assert _fired(result, "ASA507") == [("b.cfg", 88)]
    assert result.suppressed == 2


def test_a_directive_reaches_only_the_next_command(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, 86, '! asalint: disable=ASA105 reason="wrong line"')

    result = _check(a, b)

    # Line 86 (now 87) is `tunnel-group ... type`, a block of its own.
    assert ("a.cfg", 89) in _fired(result, "ASA105")
    assert _fired(result, "ASA904") == [("a.cfg", 86)]
    message = _messages(result, "ASA904")[0]
    assert "ASA105: does not fire on line 87" in message


def test_a_directive_without_reason_silences_and_is_reported(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, GROUP_LINE, "! asalint: disable=ASA105")

    result = _check(a, b)

    assert _fired(result, "ASA105") == [("b.cfg", 88)]
    assert _fired(result, "ASA903") == [("a.cfg", 87)]
    assert _levels(result, "ASA903") == [Level.WARNING]


def test_disable_file_silences_the_rule_in_that_file_only(tmp_path):
    a, b = _pair(tmp_path)
    before = _fired(_check(a, b), "ASA902")
    _insert(a, 1, '! asalint: disable-file=ASA902 reason="known noise"')

    result = _check(a, b)

    in_a = [where for where in before if where[0] == "a.cfg"]
    assert in_a
    assert _fired(result, "ASA902") == [
        where for where in before if where[0] == "b.cfg"
    ]
    assert result.suppressed == len(in_a)


def test_an_unknown_rule_and_an_unreadable_directive_are_reported(
    tmp_path,
):
    a, b = _pair(tmp_path)
    _insert(
        a, GROUP_LINE,
        '! asalint: disable=ASA105,ASA1O5 reason="typo"',
        "! asalint: disabel=ASA105",
    )

    result = _check(a, b)

    assert _fired(result, "ASA904") == [("a.cfg", 87), ("a.cfg", 88)]
    first, second = _messages(result, "ASA904")
    assert "ASA1O5: no rule has this id or name" in first
    assert "not read" in second
    # The readable one still silences the rule it names.
    assert _fired(result, "ASA105") == [("b.cfg", 88)]


def test_an_acl_remark_silences_the_entry_below_it(tmp_path):
    a, b = _pair(tmp_path, "proxy-id-mismatch-84")
    before = _fired(_check(a, b), "ASA203")
    _insert(
        a, 35,
        "access-list outside_cryptomap_10 remark branch LAN only",
        "access-list outside_cryptomap_10 remark asalint: disable=ASA203"
        ' reason="partner narrows their side next window"',
    )

    result = _check(a, b)

    assert before == [("a.cfg", 35), ("b.cfg", 35)]
    assert _fired(result, "ASA203") == [("b.cfg", 35)]
    assert _fired(result, "ASA904") == []


def test_a_description_silences_the_block_it_describes(tmp_path):
    a, b = _pair(tmp_path, "ike-not-enabled-84")
    before = _fired(_check(a, b), "ASA302")
    # The interface block (line 11) stores the description on the device.
    _insert(b, 12, ' description asalint: disable=ASA302 reason="moving"')

    result = _check(a, b)

    assert before == [("b.cfg", 14), ("b.cfg", 67)]
    # The other direction's finding sits on the map's binding line,
    # outside the interface block.
    assert _fired(result, "ASA302") == [("b.cfg", 68)]
    assert _fired(result, "ASA904") == []


def test_an_ios_map_entry_description_covers_its_set_lines(tmp_path):
    a, b = _pair(tmp_path, "ios-ios-transform-set-mismatch")
    _insert(
        a, 37,
        ' description asalint: disable=ASA201 reason="new set on Friday"',
    )

    result = _check(a, b)

    assert _fired(result, "ASA201") == [("b.cfg", 35)]


def test_a_pair_rule_is_not_unused_in_a_file_checked_alone(tmp_path):
    a, _ = _pair(tmp_path)
    _insert(a, GROUP_LINE, '! asalint: disable=ASA105 reason="rotating"')

    alone = _check(a)

    # Without b.cfg no tunnel is simulated: the directive is untested.
    assert _fired(alone, "ASA105") == []
    assert _fired(alone, "ASA904") == []


def test_under_pair_a_single_config_rule_is_not_unused(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, GROUP_LINE, '! asalint: disable=ASA507 reason="lab"')
    checked = _check(a, b)

    # `asalint pair` runs no single-config check.
    paired = apply_suppressions(
        [f for f in checked.findings if f.rule == "ASA105"],
        checked.devices, tunnels=checked.tunnels, single=False,
    )

    assert _fired(checked, "ASA904") == []
    assert [f.rule for f in paired.new] == []
    assert [(f.rule, f.line) for f in paired.kept] == [
        ("ASA105", 89), ("ASA105", 88),
    ]


def test_a_combining_caller_applies_the_directives_once(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, GROUP_LINE, '! asalint: disable=ASA105 reason="rotating"')

    raw = run_check([str(a), str(b)], suppress=False)
    once = apply_suppressions(raw.findings, raw.devices, tunnels=raw.tunnels)

    assert ("a.cfg", 89) in _fired(raw, "ASA105")
    assert raw.suppressed == 0
    assert once.suppressed == 1
    assert [f.rule for f in once.new] == []


def test_directives_in_a_peer_read_for_its_tunnel_are_not_reported(
    tmp_path, monkeypatch
):
    a, b = _pair(tmp_path)
    _insert(b, GROUP_LINE, "! asalint: disable=ASA105,ASA9999")
    raw = run_check([str(a), str(b)], suppress=False)
    monkeypatch.chdir(tmp_path)

    # The user asked about a.cfg; b.cfg was read as its peer.
    applied = apply_suppressions(
        raw.findings, raw.devices, tunnels=raw.tunnels, targets=["./a.cfg"],
    )

    assert [(Path(f.path).name, f.rule) for f in applied.kept
            if f.rule == "ASA105"] == [("a.cfg", "ASA105")]
    assert applied.new == ()


# --- durable ignores ------------------------------------------------------------


def test_a_durable_ignore_by_device_and_peer(tmp_path):
    a, b = _pair(tmp_path)
    config = _config(tmp_path, """\
[[ignore]]
rule = "psk-mismatch"
device = "HQ-FW"
peer = "198.51.100.10"
reason = "new key goes in on Friday"
""")

    result = _check(a, b, config=config)

    assert _fired(result, "ASA105") == [("b.cfg", 88)]
    assert result.suppressed == 1


def test_a_durable_ignore_for_another_peer_silences_nothing(tmp_path):
    a, b = _pair(tmp_path)
    config = _config(tmp_path, """\
[[ignore]]
rule = "ASA105"
peer = "192.0.2.99"
reason = "another partner"
""")

    result = _check(a, b, config=config)

    assert _fired(result, "ASA105") == [("a.cfg", 88), ("b.cfg", 88)]
    # Durable ignores are not called unused: a run sees few devices.
    assert _fired(result, "ASA904") == []


def test_a_durable_ignore_by_file_glob_from_the_config_folder(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    a, b = _pair(site)
    config = _config(tmp_path, """\
[[ignore]]
rule = "ASA5"
file = "site/b*.cfg"
reason = "branch keys move to the vault in Q3"
""")

    result = _check(a, b, config=config)

    assert {f.path for f in result.findings if f.rule == "ASA507"} == {
        str(a)
    }


def test_an_expired_ignore_brings_the_finding_back_with_a_note(tmp_path):
    a, b = _pair(tmp_path)
    yesterday = date.today() - timedelta(days=1)
    config = _config(tmp_path, f"""\
select = ["ALL"]

[[ignore]]
rule = "ASA105"
device = "hq-fw"
reason = "new key goes in on Friday"
expires = {yesterday.isoformat()}

[[ignore]]
rule = "ASA507"
reason = "keys leave the repository next month"
expires = {(date.today() + timedelta(days=30)).isoformat()}
""")

    result = _check(a, b, config=config)

    assert _fired(result, "ASA105") == [("a.cfg", 88), ("b.cfg", 88)]
    assert _fired(result, "ASA507") == []
    notes = [f for f in result.findings if f.rule == "ASA904"]
    assert [(n.path, n.line, n.level) for n in notes] == [
        (config.path, 3, Level.NOTE),
    ]
    assert f"expired on {yesterday}: 1 finding(s)" in notes[0].message


# --- selection and levels --------------------------------------------------------


def test_select_and_ignore_in_the_config(tmp_path):
    a, b = _pair(tmp_path)
    config = _config(tmp_path, 'select = ["ASA1", "ASA5"]\n'
                     'ignore = ["clear-text-key"]\n')

    result = _check(a, b, config=config)

    assert {f.rule for f in result.findings} == {"ASA105"}
    # Rules turned off are not counted as silenced: they never ran.
    assert result.suppressed == 0


def test_select_and_ignore_on_the_command_line(tmp_path):
    a, b = _pair(tmp_path)
    config = with_options(ConfigFile(), select=["ASA5"], ignore=["ASA9"])

    result = _check(a, b, config=config)

    assert {f.rule for f in result.findings} == {"ASA507"}


def test_levels_change_a_rule_or_turn_it_off(tmp_path):
    a, b = _pair(tmp_path)
    config = _config(tmp_path, '[levels]\npsk-mismatch = "note"\n'
                     'ASA902 = "off"\n')

    result = _check(a, b, config=config)

    assert _levels(result, "ASA105") == [Level.NOTE, Level.NOTE]
    assert _fired(result, "ASA902") == []


def test_a_directive_for_a_rule_turned_off_is_not_unused(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, GROUP_LINE, '! asalint: disable=ASA507 reason="lab"')
    config = _config(tmp_path, 'ignore = ["ASA507"]\n')

    result = _check(a, b, config=config)

    assert _fired(result, "ASA904") == []


def test_findings_about_directives_can_be_ignored_too(tmp_path):
    a, b = _pair(tmp_path)
    _insert(a, GROUP_LINE, "! asalint: disable=ASA105")
    config = _config(tmp_path, 'ignore = ["ASA903"]\n')

    result = _check(a, b, config=config)

    assert _fired(result, "ASA903") == []
    assert _fired(result, "ASA105") == [("b.cfg", 88)]


# --- reading directives ----------------------------------------------------------


def _directives(text: str):
    return read_directives(SourceText("fw.cfg", tuple(text.split("\n"))))


def test_directive_spans():
    directives = _directives("""\
: Saved
: asalint: disable=ASA1 reason="a header line is no comment"
! asalint: disable=ASA105 reason='quoted'
!
crypto ikev1 policy 10
 encryption aes
 ! asalint: disable=ASA501 reason=legacy
 hash md5
!
access-list VPN remark asalint: disable=ASA203 reason="x"
access-list VPN remark and a second remark
access-list VPN extended permit ip any any
interface GigabitEthernet0/0
 description asalint: disable-file=ASA3 reason="lab"
 nameif outside
! asalint: disable=ASA1 reason="nothing follows"
""")

    assert [(d.line, d.scope, d.first, d.last) for d in directives] == [
        (3, "lines", 5, 8),
        (7, "lines", 8, 8),
        (10, "lines", 12, 12),
        (14, "file", None, None),
        (16, "lines", None, None),
    ]
    assert [d.reason for d in directives] == [
        "quoted", "legacy", "x", "lab", "nothing follows",
    ]


def test_a_description_inside_a_block_covers_that_block():
    (directive,) = _directives("""\
object network PARTNER
 subnet 192.0.2.0 255.255.255.0
 description asalint: disable=ASA310 reason="partner's whole range"
object network OTHER
""")

    assert (directive.first, directive.last) == (1, 3)


def test_prose_mentioning_asalint_in_a_remark_is_no_directive():
    assert _directives(
        "access-list VPN remark checked by asalint: see the wiki\n"
        "access-list VPN extended permit ip any any"
    ) == ()


@pytest.mark.parametrize(
    "line",
    [
        "! asalint: enable=ASA105",
        '! asalint: disable=ASA105 reason="unterminated',
        "! asalint: disable ASA105",
        '! asalint: disable=ASA105 reason="x" and more',
    ],
)
def test_a_malformed_comment_directive_says_why(line):
    (directive,) = _directives(f"{line}\nhostname fw")

    assert directive.problem
    assert directive.selectors == ()


def test_a_directive_finding_never_quotes_a_key(tmp_path):
    a, b = _pair(tmp_path)
    # A careless user pastes the key line into the directive's comment.
    _insert(
        a, GROUP_LINE,
        "! asalint: disable=ASA1O5 pre-shared-key Harbour-Lantern-42",
    )

    result = _check(a, b)

    about = [f for f in result.findings if f.rule in ("ASA903", "ASA904")]
    assert about
    for finding in about:
        assert "Harbour-Lantern-42" not in finding.model_dump_json()


def _messages(result: CheckResult, rule: str) -> list[str]:
    return [f.message for f in _sorted(result, rule)]


def _levels(result: CheckResult, rule: str) -> list[Level]:
    return [f.level for f in _sorted(result, rule)]


def _sorted(result: CheckResult, rule: str):
    return sorted(
        (f for f in result.findings if f.rule == rule),
        key=lambda f: (f.path, f.line or 0),
    )


# --- through the command line ----------------------------------------------------


def _cli(args: list[str], capsys) -> tuple[int, dict]:
    import json

    from asalint.cli import run

    code = run([*args, "--no-cache", "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _rules(document: dict) -> list[tuple[str, str, int | None]]:
    return sorted(
        (f["rule"], Path(f["path"]).name, f["line"])
        for f in document["findings"]
    )


def test_cli_pair_fails_on_the_key_mismatch(tmp_path, monkeypatch, capsys):
    _pair(tmp_path)
    monkeypatch.chdir(tmp_path)

    code, document = _cli(["pair", "a.cfg", "b.cfg"], capsys)

    assert code == 1
    assert _rules(document) == [
        ("ASA105", "a.cfg", 88), ("ASA105", "b.cfg", 88),
    ]


def test_cli_silenced_inline_in_both_files(tmp_path, monkeypatch, capsys):
    for file in _pair(tmp_path):
        _insert(file, GROUP_LINE, '! asalint: disable=ASA105 reason="new"')
    monkeypatch.chdir(tmp_path)

    code, document = _cli(["pair", "a.cfg", "b.cfg"], capsys)

    assert (code, _rules(document)) == (0, [])


def test_cli_silenced_by_a_durable_ignore(tmp_path, monkeypatch, capsys):
    _pair(tmp_path)
    (tmp_path / "asalint.toml").write_text(
        '[[ignore]]\nrule = "ASA105"\nreason = "keys change on Friday"\n'
    )
    monkeypatch.chdir(tmp_path)

    code, document = _cli(["pair", "a.cfg", "b.cfg"], capsys)

    assert (code, _rules(document)) == (0, [])


@pytest.mark.parametrize(
    "option", [["--ignore", "psk-mismatch"], ["--select", "ASA5,ASA2"]]
)
def test_cli_silenced_by_select_or_ignore(
    tmp_path, monkeypatch, capsys, option
):
    _pair(tmp_path)
    monkeypatch.chdir(tmp_path)

    code, document = _cli(["pair", "a.cfg", "b.cfg", *option], capsys)

    assert (code, _rules(document)) == (0, [])


def test_cli_an_expired_ignore_fails_again_with_a_note(
    tmp_path, monkeypatch, capsys
):
    _pair(tmp_path)
    (tmp_path / "asalint.toml").write_text(
        "# silenced until the key change\n"
        '[[ignore]]\nrule = "ASA105"\nreason = "keys change on Friday"\n'
        f"expires = {date.today() - timedelta(days=1)}\n"
    )
    monkeypatch.chdir(tmp_path)

    code, document = _cli(["pair", "a.cfg", "b.cfg"], capsys)

    assert code == 1
    assert _rules(document) == [
        ("ASA105", "a.cfg", 88), ("ASA105", "b.cfg", 88),
        ("ASA904", "asalint.toml", 2),
    ]
    note = document["findings"][-1]
    assert (note["level"], note["name"]) == ("note", "unused-suppression")


def test_cli_check_reports_a_directive_without_reason(
    tmp_path, monkeypatch, capsys
):
    a, _ = _pair(tmp_path)
    _insert(a, GROUP_LINE, "! asalint: disable=ASA105,ASA507")
    monkeypatch.chdir(tmp_path)
    args = ["check", "a.cfg", "b.cfg", "--select", "ASA903,ASA105,ASA507"]

    code, document = _cli(args, capsys)
    strict, _ = _cli([*args, "--fail-on", "warning", "--ignore", "ASA5"],
                     capsys)

    assert _rules(document) == [
        ("ASA105", "b.cfg", 88), ("ASA507", "b.cfg", 88),
        ("ASA903", "a.cfg", 87),
    ]
    assert (code, strict) == (1, 1)


def test_cli_check_with_only_warnings_left_passes_unless_fail_on_warning(
    tmp_path, monkeypatch, capsys
):
    for file in _pair(tmp_path):
        _insert(file, GROUP_LINE, "! asalint: disable=ASA105,ASA507")
    monkeypatch.chdir(tmp_path)
    args = ["check", "a.cfg", "b.cfg", "--select", "ASA1,ASA5,ASA903"]

    code, document = _cli(args, capsys)
    strict, _ = _cli([*args, "--fail-on", "warning"], capsys)

    assert _rules(document) == [
        ("ASA903", "a.cfg", 87), ("ASA903", "b.cfg", 87),
    ]
    assert (code, strict) == (0, 1)


def test_cli_check_of_one_file_says_nothing_of_its_peers_directives(
    tmp_path, monkeypatch, capsys
):
    _, b = _pair(tmp_path)
    _insert(b, GROUP_LINE, "! asalint: disable=ASA105,ASA9999")
    monkeypatch.chdir(tmp_path)

    _, alone = _cli(["check", "a.cfg"], capsys)
    _, both = _cli(["check", "a.cfg", "b.cfg"], capsys)

    # b.cfg is read from disk as a.cfg's peer, not checked.
    assert [r for r in _rules(alone) if r[0] in ("ASA903", "ASA904")] == []
    assert [r for r in _rules(both) if r[0] in ("ASA903", "ASA904")] == [
        ("ASA903", "b.cfg", 87), ("ASA904", "b.cfg", 87),
    ]
