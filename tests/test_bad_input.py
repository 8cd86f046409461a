"""Every odd file gets a defined answer through the CLI, never a crash.

What cannot be read is exit 2 and one stderr line naming the file and
the problem. What can be read (an encoding, line endings, pager debris,
damage) gives the normal result, the same as the clean file where the
damage changes nothing, with a reading note in the model. Contradictory
lines are read as the device reads them: the later one wins.

The damaged file is always the branch of the `working-84` pair, run
against the clean hq; `check` runs too once the CLI offers it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from canary_configs import IOS_BRANCH, cli_commands

from asalint import api
from asalint.cli import run
from asalint.source import read_config

REPO = Path(__file__).parents[1]
WORKING = REPO / "fixtures" / "pairs" / "working-84"
HQ = WORKING / "a.cfg"
BRANCH_TEXT = (WORKING / "b.cfg").read_text()
KEY_LINE = " ikev1 pre-shared-key Harbour-Lantern-42"

COMMANDS = cli_commands()


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def branch(tmp_path, monkeypatch):
    """Write the branch's config, damaged as a test likes, into tmp."""
    monkeypatch.chdir(tmp_path)

    def write(data: bytes | str, name: str = "branch.cfg") -> Path:
        path = tmp_path / name
        if isinstance(data, str):
            data = data.encode()
        path.write_bytes(data)
        return path

    return write


def _pair_json(path: Path, capsys) -> tuple[int, dict, str]:
    before = _digest(path), _digest(HQ)
    code, out, err = _run(["pair", str(HQ), str(path), "-f", "json"],
                          capsys)
    # asalint never writes to the configs it reads.
    assert (_digest(path), _digest(HQ)) == before
    document = json.loads(out.replace(str(path), "BRANCH")) if out else {}
    return code, document, err


def _outcomes(document: dict) -> list[tuple[str, str, str | None]]:
    return [
        (t["predicted"]["initiator_state"],
         t["predicted"]["responder_state"], t["predicted"]["cause"])
        for t in document["tunnels"]
    ]


ESTABLISHED = [("MM_ACTIVE", "MM_ACTIVE", None)] * 2


# --- what cannot be read: exit 2, one line ----------------------------------


def _assert_one_line(code: int, out: str, err: str, path, problem: str):
    assert code == 2
    assert out == ""
    assert err == f"asalint: {path}: {problem}\n"


@pytest.mark.parametrize("command", ["pair", "check"])
def test_missing_path(command, capsys, tmp_path):
    missing = tmp_path / "no-such.cfg"
    argv = _argv(command, missing)

    _assert_one_line(*_run(argv, capsys), missing, "no such file")


@pytest.mark.parametrize("command", ["pair", "check"])
def test_directory(command, capsys, tmp_path):
    folder = tmp_path / "configs.cfg"
    folder.mkdir()

    _assert_one_line(*_run(_argv(command, folder), capsys), folder,
                     "is a directory, not a config file")


@pytest.mark.parametrize("command", ["pair", "check"])
def test_empty_path(command, capsys):
    argv = _argv(command, Path("x"))
    argv[-1] = ""

    _assert_one_line(*_run(argv, capsys), "''", "an empty path names no file")


def _argv(command: str, path: Path) -> list[str]:
    if command not in COMMANDS:
        pytest.skip(f"`asalint {command}` does not exist yet")
    if command == "pair":
        return ["pair", str(HQ), str(path)]
    return [command, str(path)]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads a file whatever its mode",
)
def test_unreadable_file_by_its_mode(branch, capsys):
    path = branch(BRANCH_TEXT)
    path.chmod(0)

    _assert_one_line(*_run(_argv("pair", path), capsys), path,
                     "permission denied")


def test_unreadable_file(branch, capsys, monkeypatch):
    # As root no mode keeps a file from us: make the read itself fail.
    path = branch(BRANCH_TEXT)
    read_bytes = Path.read_bytes

    def refuse(self):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)

    _assert_one_line(*_run(_argv("pair", path), capsys), path,
                     "permission denied")


@pytest.mark.parametrize("command", ["pair", "check"])
@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "empty file, no config lines"),
        (b"\n  \r\n\t\n", "empty file, no config lines"),
        (b"\xef\xbb\xbf", "empty file, no config lines"),
        (bytes(range(256)) * 64, "binary data, not a text config"),
        (b"\x00" * 4096, "binary data, not a text config"),
    ],
    ids=["empty", "blank-lines", "only-a-bom", "binary", "all-nul"],
)
def test_nothing_to_read(command, data, problem, branch, capsys):
    path = branch(data)

    _assert_one_line(*_run(_argv(command, path), capsys), path, problem)


JUNOS = """\
system {
    host-name vsrx-branch;
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 198.51.100.10/28;
            }
        }
    }
}
security {
    ike {
        proposal p1 {
            authentication-method pre-shared-keys;
        }
    }
}
"""
JUNOS_SET = """\
set system host-name vsrx-branch
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.10/28
set security ike proposal p1 authentication-method pre-shared-keys
set security ike gateway hq address 203.0.113.2
"""
FORTIGATE = """\
config system global
    set hostname fgt-branch
end
config vpn ipsec phase1-interface
    edit to-hq
        set interface wan1
        set remote-gw 203.0.113.2
    next
end
"""
PALO_ALTO = """\
<?xml version="1.0"?>
<config version="10.1.0" urldb="paloaltonetworks">
  <devices>
    <entry name="localhost.localdomain"/>
  </devices>
</config>
"""


@pytest.mark.parametrize("command", ["pair", "check"])
@pytest.mark.parametrize(
    "text, vendor",
    [
        (JUNOS, "Juniper Junos"),
        (JUNOS_SET, "Juniper Junos"),
        (FORTIGATE, "Fortinet FortiGate"),
        (PALO_ALTO, "Palo Alto (XML)"),
    ],
    ids=["junos", "junos-set", "fortigate", "palo-alto-xml"],
)
def test_another_vendors_config_is_named(command, text, vendor, branch,
                                         capsys):
    path = branch(text)

    _assert_one_line(
        *_run(_argv(command, path), capsys),
        path,
        f"looks like a {vendor} config, not Cisco ASA, PIX or IOS",
    )


def test_text_that_is_no_config_says_so(branch, capsys):
    path = branch("Hi all,\nthe new firewall config follows.\nThanks\n")

    code, out, err = _run(_argv("pair", path), capsys)

    assert (code, out) == (2, "")
    assert err.startswith(f"asalint: {path}: not a Cisco ASA, PIX or IOS")
    assert err.count("\n") == 1


def test_every_unreadable_file_is_named_once(branch, capsys):
    empty, binary = branch(b"", "empty.cfg"), branch(b"\x01" * 512, "b.cfg")

    code, out, err = _run(["pair", str(empty), str(binary)], capsys)

    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"asalint: {empty}: empty file, no config lines",
        f"asalint: {binary}: binary data, not a text config",
    ]


def test_with_v_the_traceback_goes_through_logging(branch, capsys):
    path = branch(b"")

    code, out, err = _run([*_argv("pair", path), "-v"], capsys)

    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert f"asalint: {path}: empty file, no config lines" in lines
    assert "asalint: DEBUG: asalint.cli: Traceback (most recent call last):" \
        in lines
    assert lines[-1] == "InputError"


# --- what can be read: the normal result ------------------------------------


def _pager(text: str) -> str:
    # What a terminal capture holds: the prompt, carriage return, spaces
    # that blank it, carriage return, then the next line's text.
    prompt = "<--- More --->\r              \r"
    lines = text.split("\n")
    return "\n".join(
        prompt + line if number % 24 == 23 else line
        for number, line in enumerate(lines)
    )


def _nul(text: str) -> bytes:
    return text.replace("\n", "\x00\n").encode()


def _latin1(text: str) -> bytes:
    banner = "banner motd Acc\xe8s r\xe9serv\xe9 \xe0 l'\xe9quipe IT\n"
    return (text + banner).encode("latin-1")


READABLE = {
    "bom": (lambda t: b"\xef\xbb\xbf" + t.encode(),
            ("UTF-8 byte-order mark removed",)),
    "crlf": (lambda t: t.replace("\n", "\r\n").encode(), ()),
    "bom-crlf": (lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),
                 ("UTF-8 byte-order mark removed",)),
    "nul-bytes": (_nul, ("NUL bytes removed",)),
    "latin-1": (_latin1, ("not UTF-8, read as Latin-1",)),
    "utf-16": (lambda t: t.encode("utf-16"), ("UTF-16 text",)),
    "pager-debris": (lambda t: _pager(t).encode(),
                     ("terminal pager prompts removed",)),
    "pager-debris-crlf": (lambda t: _pager(t).replace("\n", "\r\n").encode(),
                          ("terminal pager prompts removed",)),
}


@pytest.mark.parametrize("damage", sorted(READABLE))
def test_readable_damage_gives_the_clean_result(damage, branch, capsys):
    clean = branch(BRANCH_TEXT, "clean.cfg")
    encode, _ = READABLE[damage]
    path = branch(encode(BRANCH_TEXT))

    expected = _pair_json(clean, capsys)[1]
    code, document, err = _pair_json(path, capsys)

    assert (code, err) == (0, "")
    assert _outcomes(document) == ESTABLISHED
    clean_findings = json.dumps(expected["findings"]).replace(
        str(clean), "BRANCH")
    assert json.dumps(document["findings"]) == clean_findings


@pytest.mark.parametrize("damage", sorted(READABLE))
def test_readable_damage_keeps_line_numbers_and_notes_it(damage, branch):
    encode, notes = READABLE[damage]
    path = branch(encode(BRANCH_TEXT))

    source = read_config(str(path))
    device = api.load_device(str(path))

    number = BRANCH_TEXT.splitlines().index(KEY_LINE) + 1
    assert source.line(number) == KEY_LINE
    assert device.notes == notes
    assert device.tunnel_groups["203.0.113.2"].ikev1_key.origin.line == number


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_the_report_says_how_the_file_was_read(output_format, branch,
                                               capsys):
    path = branch(_nul(BRANCH_TEXT))

    code, out, _ = _run([*_argv("pair", path), "-f", output_format], capsys)

    assert code == 0
    assert "NUL bytes removed" in out


def test_a_line_of_a_megabyte(branch, capsys):
    long_line = "description " + "x" * 1_000_000
    text = BRANCH_TEXT.replace("hostname branch-fw",
                               f"hostname branch-fw\n{long_line}")
    path = branch(text)

    started = time.monotonic()
    code, document, err = _pair_json(path, capsys)

    assert time.monotonic() - started < 60
    assert (code, err) == (0, "")
    assert _outcomes(document) == ESTABLISHED


def test_a_megabyte_of_one_word(branch, capsys):
    path = branch(BRANCH_TEXT + "A" * 1_000_000 + "\n")

    code, document, err = _pair_json(path, capsys)

    assert (code, err) == (0, "")
    assert _outcomes(document) == ESTABLISHED


def test_thousands_of_indentation_levels(branch, capsys):
    deep = "\n".join(" " * level + f"level{level}" for level in range(3000))
    path = branch(BRANCH_TEXT + deep + "\n")

    started = time.monotonic()
    code, document, err = _pair_json(path, capsys)

    assert time.monotonic() - started < 60
    assert (code, err) == (0, "")
    assert _outcomes(document) == ESTABLISHED


# A file cut off in the middle of a block is read as far as it goes: what
# the lost lines held is absent, as on a device given the same lines.


def _cut_after(marker: str, extra: int = 0) -> str:
    return BRANCH_TEXT[: BRANCH_TEXT.index(marker) + len(marker) + extra]


@pytest.mark.parametrize(
    "cut, expected",
    [
        # The policy block ends before its encryption line: the branch's
        # policy 10 is not hq's aes-256 one, and hq's offer is refused.
        (_cut_after("crypto ikev1 policy 10\n authentication p"),
         [("MM_WAIT_MSG2", "NO_SA", "phase1-policy-mismatch")] * 2),
        # The tunnel-group block ends before its key.
        (_cut_after("tunnel-group 203.0.113.2 ipsec-attributes\n"),
         [("MM_WAIT_MSG4", "MM_WAIT_MSG3", "psk-missing")] * 2),
        # The key itself is cut: what is left is another key.
        (_cut_after(KEY_LINE[:-6]),
         [("MM_WAIT_MSG6", "MM_WAIT_MSG5", "psk-mismatch")] * 2),
    ],
    ids=["in-a-policy", "before-the-key", "in-the-key"],
)
def test_a_file_cut_in_the_middle_of_a_block(cut, expected, branch, capsys):
    path = branch(cut)

    code, document, err = _pair_json(path, capsys)

    assert (code, err) == (1, "")
    assert sorted(_outcomes(document)) == sorted(expected)


def test_an_ios_config_is_read_as_ios(branch, capsys):
    path = branch(IOS_BRANCH)

    code, document, err = _pair_json(path, capsys)

    assert err == ""
    assert code == 1  # its key is not hq's
    assert [d["platform"] for d in document["devices"]] == ["asa", "ios"]
    assert {cause for *_, cause in _outcomes(document)} == {"psk-mismatch"}


def _pair_json_of(first: Path, second: Path, capsys):
    code, out, err = _run(["pair", str(first), str(second), "-f", "json"],
                          capsys)
    return code, json.loads(out) if out else {}, err


def test_a_crypto_interface_without_an_address(branch, capsys, tmp_path):
    hq = tmp_path / "hq.cfg"
    hq.write_text(HQ.read_text().replace(
        " ip address 203.0.113.2 255.255.255.240\n", ""))
    path = branch(BRANCH_TEXT)

    code, document, err = _pair_json_of(hq, path, capsys)

    assert (code, err) == (1, "")
    hq_first, branch_first = document["tunnels"]
    # hq holds no address to send from: it never starts.
    assert hq_first["predicted"]["initiator_state"] == "NO_SA"
    assert hq_first["predicted"]["stage"] == "trigger"
    # The branch's peer address is nobody's now.
    assert _outcomes({"tunnels": [branch_first]}) == [
        ("MM_WAIT_MSG2", "NO_SA", "peer-address-mismatch")]


# --- contradictory lines: the later one wins, as on the device --------------


def test_two_hostnames_the_later_wins(branch, capsys):
    path = branch(BRANCH_TEXT.replace(
        "hostname branch-fw", "hostname old-name\nhostname branch-fw"))

    code, document, _ = _pair_json(path, capsys)

    assert code == 0
    assert document["devices"][1]["hostname"] == "branch-fw"


# Entering `crypto ikev1 policy 10` again enters the same policy: its
# lines change that policy's attributes, the last one set wins.


def test_a_policy_number_given_twice_is_one_policy(branch):
    path = branch(BRANCH_TEXT + "crypto ikev1 policy 10\n encryption 3des\n")

    policies = api.load_device(str(path)).ikev1_policies

    assert [(p.priority, p.encryption.value, p.hash.value, p.group.value)
            for p in policies] == [(10, "3des", "sha", 14)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (BRANCH_TEXT + "crypto ikev1 policy 10\n encryption 3des\n",
         [("MM_WAIT_MSG2", "NO_SA", "phase1-policy-mismatch")] * 2),
        (BRANCH_TEXT.replace(
            "crypto ikev1 policy 10\n",
            "crypto ikev1 policy 10\n encryption 3des\n"
            "crypto ikev1 policy 10\n", 1),
         ESTABLISHED),
    ],
    ids=["3des-later", "3des-earlier"],
)
def test_duplicate_policy_numbers_the_later_line_decides(
    text, expected, branch, capsys
):
    code, document, _ = _pair_json(branch(text), capsys)

    assert sorted(_outcomes(document)) == sorted(expected)
    assert code == (0 if expected == ESTABLISHED else 1)


@pytest.mark.parametrize(
    "extra, expected",
    [
        # A second key for the same tunnel-group replaces the first.
        (("tunnel-group 203.0.113.2 ipsec-attributes\n"
          " ikev1 pre-shared-key Another-Key-9\n"),
         {"psk-mismatch"}),
        # PFS set twice: the branch requires group5, hq offers none.
        (("crypto map outside_map 10 set pfs group14\n"
          "crypto map outside_map 10 set pfs group5\n"),
         {"pfs-mismatch", None}),
        ("no sysopt connection permit-vpn\n", {"vpn-traffic-blocked"}),
    ],
    ids=["key-replaced", "pfs-replaced", "permit-vpn-off"],
)
def test_contradictory_lines_the_later_wins(extra, expected, branch,
                                            capsys):
    code, document, _ = _pair_json(branch(BRANCH_TEXT + extra), capsys)

    assert code == 1
    assert {cause for *_, cause in _outcomes(document)} == expected


def test_a_wrong_key_then_the_right_one_establishes(branch, capsys):
    wrong = BRANCH_TEXT.replace(KEY_LINE, " ikev1 pre-shared-key Wrong-1")
    path = branch(wrong + "tunnel-group 203.0.113.2 ipsec-attributes\n"
                  + KEY_LINE + "\n")

    code, document, _ = _pair_json(path, capsys)

    assert (code, _outcomes(document)) == (0, ESTABLISHED)


def test_later_lines_win_in_the_model(branch):
    path = branch(
        BRANCH_TEXT
        + "crypto map outside_map 10 set peer 192.0.2.9\n"
        + "crypto map outside_map 10 set pfs group14\n"
        + "crypto map outside_map 10 set pfs group5\n"
    )

    entry = api.load_device(str(path)).crypto_maps[0]

    assert [str(peer) for peer in entry.peers] == ["192.0.2.9"]
    assert entry.pfs.value == "group5"


# --- -o: atomic, and never onto an input ------------------------------------


def _interrupted_write(branch, capsys, monkeypatch):
    path = branch(BRANCH_TEXT)
    report = path.parent / "report.json"
    report.write_text("old report\n")

    def interrupted(descriptor):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    # No cache: the write to interrupt is the report's, not a cache entry.
    code, out, err = _run(
        [*_argv("pair", path), "-f", "json", "-o", str(report),
         "--no-cache"],
        capsys,
    )
    return path, report, code, out, err


def test_an_interrupted_write_leaves_the_old_report_whole(
    branch, capsys, monkeypatch
):
    path, report, code, out, _ = _interrupted_write(
        branch, capsys, monkeypatch)

    assert (code, out) == (130, "")
    assert report.read_text() == "old report\n"
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "branch.cfg", "report.json"]


def test_an_interrupted_run_says_so(branch, capsys, monkeypatch):
    *_, err = _interrupted_write(branch, capsys, monkeypatch)

    assert err == "asalint: interrupted\n"


def test_output_through_a_link_to_an_input_is_refused(branch, capsys):
    path = branch(BRANCH_TEXT)
    link = path.parent / "report.txt"
    link.symlink_to(path)
    before = _digest(path)

    code, out, err = _run([*_argv("pair", path), "-o", str(link)], capsys)

    assert (code, out) == (2, "")
    assert err == f"asalint: {link}: is an input config; not overwriting\n"
    assert _digest(path) == before
