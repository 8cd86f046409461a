"""No secret ever leaves asalint: not in any output, log, file or digest.

The configs in `canary_configs` hold a distinctive canary in every
secret-bearing form. Every command and format the CLI offers runs on
them, plain and with `-v`, to stdout and to `-o FILE`, on whole and on
damaged configs; no canary may appear in stdout, stderr, any file
written under the working folder, or as a digest or encoding of itself.
Commands and formats the CLI does not offer yet are skipped by name.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from canary_configs import (
    CANARIES,
    CONFIGS,
    DAMAGED,
    PAIRS,
    cli_commands,
    cli_formats,
    leaks,
    leaks_in_file,
    write_configs,
)

from asalint import api
from asalint.cli import run
from asalint.model import KeyState
from asalint.source import MASK, SECRET_HINTS, mask_line

COMMANDS = cli_commands()
FORMATS = ("text", "json", "sarif", "github", "markdown")


# --- mask_line, form by form ------------------------------------------------

K, K2 = "CnyMaskKey1", "CnyMaskKey2"

MASKED_FORMS = [
    # pre-shared keys, ASA
    (f" ikev1 pre-shared-key {K}", " ikev1 pre-shared-key *****"),
    (f" ikev2 remote-authentication pre-shared-key {K}",
     " ikev2 remote-authentication pre-shared-key *****"),
    (f" ikev2 local-authentication pre-shared-key 8 {K}",
     " ikev2 local-authentication pre-shared-key 8 *****"),
    (f" pre-shared-key {K}", " pre-shared-key *****"),
    (f" ikev1 pre-shared-key *{K}", " ikev1 pre-shared-key *****"),
    # PIX 6 and IOS
    (f"isakmp key {K} address 192.0.2.1 netmask 255.255.255.255 no-xauth",
     "isakmp key ***** address 192.0.2.1 netmask 255.255.255.255 no-xauth"),
    (f"crypto isakmp key 0 {K} address 192.0.2.1",
     "crypto isakmp key 0 ***** address 192.0.2.1"),
    (f"crypto isakmp key {K} hostname peer.example",
     "crypto isakmp key ***** hostname peer.example"),
    (f"  pre-shared-key address 192.0.2.0 255.255.255.0 key {K}",
     "  pre-shared-key address 192.0.2.0 255.255.255.0 key *****"),
    (f"  pre-shared-key local 6 {K}", "  pre-shared-key local 6 *****"),
    (f"  pre-shared-key remote {K}", "  pre-shared-key remote *****"),
    # passwords
    (f"enable password {K} encrypted", "enable password ***** encrypted"),
    (f"enable password level 15 {K}", "enable password level 15 *****"),
    (f"enable secret 0 {K}", "enable secret 0 *****"),
    (f"passwd {K} encrypted", "passwd ***** encrypted"),
    (f"username admin password {K} privilege 15",
     "username admin password ***** privilege 15"),
    (f"username admin privilege 15 secret 0 {K}",
     "username admin privilege 15 secret 0 *****"),
    (f" password 7 {K}", " password 7 *****"),
    (f" neighbor 192.0.2.1 password {K}", " neighbor 192.0.2.1 password *****"),
    # SNMP
    (f"snmp-server community {K}", "snmp-server community *****"),
    (f"snmp-server community 0 {K}", "snmp-server community 0 *****"),
    (f"snmp-server community {K} RO 10", "snmp-server community ***** RO 10"),
    (f"snmp-server host inside 10.1.1.1 community {K} version 2c",
     "snmp-server host inside 10.1.1.1 community ***** version 2c"),
    (f"snmp-server host inside 10.1.1.1 poll community 8 {K}",
     "snmp-server host inside 10.1.1.1 poll community 8 *****"),
    (f"snmp-server host 10.1.1.1 version 2c {K}",
     "snmp-server host 10.1.1.1 version 2c *****"),
    (f"snmp-server host 10.1.1.1 informs version 2c {K} udp-port 162",
     "snmp-server host 10.1.1.1 informs version 2c ***** udp-port 162"),
    (f"snmp-server user ops g v3 auth sha {K} priv aes 128 {K2}",
     "snmp-server user ops g v3 auth sha ***** priv aes 128 *****"),
    # failover, AAA, NTP, master passphrase
    (f"failover key {K}", "failover key *****"),
    (f"failover key hex {K}", "failover key hex *****"),
    (f"failover ipsec pre-shared-key 0 {K}",
     "failover ipsec pre-shared-key 0 *****"),
    (f"aaa-server RAD (inside) host 10.1.1.5 {K} timeout 5",
     "aaa-server RAD (inside) host 10.1.1.5 ***** timeout 5"),
    (f"aaa-server RAD host 10.1.1.5 key {K}",
     "aaa-server RAD host 10.1.1.5 key *****"),
    (f" key {K}", " key *****"),
    (f" radius-common-pw {K}", " radius-common-pw *****"),
    (f" ldap-login-password {K}", " ldap-login-password *****"),
    (f"tacacs-server host 10.1.1.9 key 7 {K}",
     "tacacs-server host 10.1.1.9 key 7 *****"),
    (f"radius-server host 10.1.1.6 auth-port 1645 acct-port 1646 key {K}",
     "radius-server host 10.1.1.6 auth-port 1645 acct-port 1646 key *****"),
    (f"ntp authentication-key 1 md5 {K}",
     "ntp authentication-key 1 md5 *****"),
    (f"ntp authentication-key 2 sha256 8 {K}",
     "ntp authentication-key 2 sha256 8 *****"),
    (f"ntp authentication-key 1 md5 {K} 7",
     "ntp authentication-key 1 md5 ***** 7"),
    (f"key config-key password-encryption {K} {K2}",
     "key config-key password-encryption ***** *****"),
    (f"key config-key password-encrypt {K}",
     "key config-key password-encrypt *****"),
    # routing and first-hop keys, URLs
    (f"  key-string {K}", "  key-string *****"),
    (f" ip ospf message-digest-key 1 md5 {K}",
     " ip ospf message-digest-key 1 md5 *****"),
    (f" ip ospf authentication-key 7 {K}",
     " ip ospf authentication-key 7 *****"),
    (f" standby 1 authentication {K}", " standby 1 authentication *****"),
    (f" vrrp 1 authentication text {K}", " vrrp 1 authentication text *****"),
    (f"auto-update server https://ops:{K}@10.1.1.9/update",
     "auto-update server https://ops:*****@10.1.1.9/update"),
]

UNCHANGED = [
    " ikev1 pre-shared-key *****",
    "isakmp key ******** address 192.0.2.1 netmask 255.255.255.255",
    " ldap-login-password <secret hidden>",
    "aaa-server RAD (inside) host 10.1.1.5 timeout 5",
    "aaa-server RAD (inside) host 10.1.1.5",
    " standby 1 authentication md5 key-chain HSRP",
    " authentication pre-share",
    "crypto ikev1 policy 10",
    "ssh key-exchange group dh-group14-sha1",
]


@pytest.mark.parametrize("line, masked", MASKED_FORMS)
def test_mask_line_masks_every_secret_form(line, masked):
    assert mask_line(line) == masked


@pytest.mark.parametrize("line", UNCHANGED)
def test_mask_line_leaves_masks_and_plain_lines_alone(line):
    assert mask_line(line) == line


@pytest.mark.parametrize("line, masked", MASKED_FORMS)
def test_masking_keeps_every_other_word_in_place(line, masked):
    # The cache finds a key again by the mask's place among the words.
    before, after = line.split(), mask_line(line).split()

    assert len(after) == len(before)
    changed = [
        (old, new) for old, new in zip(before, after, strict=True)
        if old != new
    ]
    assert changed and all(MASK in new for _, new in changed)


def test_every_line_mask_line_changes_holds_a_secret_hint():
    lines = [line for line, _ in MASKED_FORMS]
    for text in CONFIGS.values():
        lines += text.splitlines()

    changed = [line for line in lines if mask_line(line) != line]
    assert len(changed) > len(MASKED_FORMS)
    for line in changed:
        assert any(hint in line.lower() for hint in SECRET_HINTS), line


# --- the canary configs are what they claim ---------------------------------


def _plain_keys(device) -> list[str]:
    keys = [
        key
        for group in device.tunnel_groups.values()
        for key in (group.ikev1_key, group.ikev2_local_key,
                    group.ikev2_remote_key)
    ] + [peer.key for peer in device.peer_keys]
    return [
        key.value.get_secret_value()
        for key in keys
        if key.state == KeyState.PLAIN and key.value is not None
    ]


@pytest.mark.parametrize(
    "name, forms",
    [
        ("asa84-hq", ["asa_ikev1_psk", "asa_ikev2_local_psk",
                      "asa_ikev2_remote_psk", "asa_named_group_psk"]),
        ("asa84-branch", ["asa_ikev1_psk_branch"]),
        ("asa82-hq", ["asa_pre83_psk"]),
        ("pix6-branch", ["pix6_isakmp_key"]),
        ("ios-branch", ["ios_isakmp_key", "ios_keyring_key",
                        "ios_ikev2_local", "ios_ikev2_remote"]),
    ],
)
def test_canary_keys_are_read_as_plain_keys(tmp_path, name, forms):
    # Otherwise the leak tests below would pass on keys never compared.
    path = write_configs(tmp_path)[name]

    device = api.load_device(str(path))

    assert sorted(_plain_keys(device)) == sorted(CANARIES[f] for f in forms)
    assert leaks(device.model_dump_json()) == []


@pytest.mark.parametrize("first, second", PAIRS)
def test_canary_pairs_compare_their_keys(tmp_path, first, second):
    paths = write_configs(tmp_path)
    devices = [api.load_device(str(paths[n])) for n in (first, second)]

    result = api.pair(*devices)

    causes = {tunnel.predicted.cause for tunnel in result.tunnels}
    assert causes == {"psk-mismatch"}


# --- the cache's content digest ---------------------------------------------


def _config_holding(canary: str) -> str:
    return next(text for text in CONFIGS.values() if canary in text)


DIGEST_FORMS = sorted(CANARIES)


@pytest.mark.parametrize("form", DIGEST_FORMS)
def test_the_cache_digest_holds_no_secret(form):
    # The parsed-model cache writes a digest of each config's text to
    # disk; were a key in what it digests, anyone holding the cache could
    # test guesses of the key against it.
    from asalint.cache.text import content_digest

    text = _config_holding(CANARIES[form])
    other = text.replace(CANARIES[form], "Another1Value")

    assert content_digest("c.cfg", text, []) == content_digest(
        "c.cfg", other, [])


# --- every command, every format --------------------------------------------


class Workspace:
    """A working folder with the canary configs, for one CLI run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.configs = root / "configs"
        self.paths = write_configs(self.configs)
        self.inputs = self._hashes()

    def _hashes(self) -> dict[str, str]:
        return {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.configs.iterdir())
        }

    def add(self, name: str, data: bytes) -> Path:
        path = self.configs / name
        path.write_bytes(data)
        self.inputs = self._hashes()
        return path

    def written_files(self) -> list[Path]:
        """Every file under the folder except the configs themselves."""
        return [
            path
            for path in self.root.rglob("*")
            if path.is_file() and self.configs not in path.parents
        ]

    def assert_no_leak(self, out: str, err: str, extra=None) -> None:
        assert leaks(out, extra) == [], "stdout"
        assert leaks(err, extra) == [], "stderr"
        for path in self.written_files():
            assert leaks_in_file(path, extra) == [], path
        # asalint never writes to the configs it reads.
        assert self._hashes() == self.inputs


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return Workspace(tmp_path)


def _require(command: str, output_format: str = "text") -> None:
    if command not in COMMANDS:
        pytest.skip(f"`asalint {command}` does not exist yet")
    if output_format not in cli_formats(command):
        pytest.skip(f"`asalint {command}` has no --format {output_format} yet")


def _argv(command: str, ws: Workspace, names: list[str]) -> list[str]:
    return [command, *(str(ws.paths[name]) for name in names)]


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("first, second", PAIRS)
def test_pair_leaks_no_canary(
    workspace, capsys, first, second, output_format, verbose
):
    _require("pair", output_format)
    argv = _argv("pair", workspace, [first, second])

    code, out, err = _run([*argv, "-f", output_format, *verbose], capsys)

    assert code == 1  # the keys differ: psk-mismatch is an error
    assert out.strip()
    workspace.assert_no_leak(out, err)


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_pair_to_a_file_leaks_no_canary(
    workspace, capsys, output_format, verbose
):
    _require("pair", output_format)
    argv = _argv("pair", workspace, ["asa84-hq", "asa84-branch"])
    report = workspace.root / "out" / f"report.{output_format}"
    report.parent.mkdir()

    code, out, err = _run(
        [*argv, "-f", output_format, "-o", str(report), *verbose], capsys
    )

    assert code == 1
    assert report.stat().st_size > 0
    workspace.assert_no_leak(out, err)


def test_pair_text_cites_the_key_lines_masked(workspace, capsys):
    _require("pair")
    argv = _argv("pair", workspace, ["asa84-hq", "asa84-branch"])

    code, out, _ = _run([*argv, "-f", "text"], capsys)

    # Both key lines are cited (psk-mismatch), each with its key masked.
    flat = " ".join(out.split())
    assert "ikev1 pre-shared-key *****" in flat
    assert (code, leaks(out)) == (1, [])


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_check_leaks_no_canary(workspace, capsys, output_format, verbose):
    _require("check", output_format)
    argv = _argv("check", workspace, list(CONFIGS))

    code, out, err = _run([*argv, "-f", output_format, *verbose], capsys)

    assert code == 1
    assert out.strip()
    workspace.assert_no_leak(out, err)


@pytest.mark.parametrize("output_format", FORMATS)
def test_check_to_a_file_leaks_no_canary(workspace, capsys, output_format):
    _require("check", output_format)
    argv = _argv("check", workspace, list(CONFIGS))
    report = workspace.root / f"report.{output_format}"

    code, out, err = _run(
        [*argv, "-f", output_format, "-o", str(report), "-v"], capsys
    )

    assert code == 1
    assert report.stat().st_size > 0
    workspace.assert_no_leak(out, err)


# --- damaged configs that hold keys -----------------------------------------


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
@pytest.mark.parametrize("damage", sorted(DAMAGED))
@pytest.mark.parametrize("command", ["pair", "check"])
def test_damaged_configs_leak_no_canary(
    workspace, capsys, command, damage, verbose
):
    build, canaries = DAMAGED[damage]
    damaged = workspace.add(f"{damage}.cfg", build())
    peer = workspace.paths["asa84-branch"]
    argv = [command, str(damaged), str(peer)]
    _require(command)
    for output_format in cli_formats(command):
        code, out, err = _run([*argv, "-f", output_format, *verbose],
                              capsys)

        assert code in (0, 1, 2)
        assert "Traceback" not in err or verbose
        workspace.assert_no_leak(out, err, [*canaries, *CANARIES.values()])


# --- the real process: loguru, tracebacks, the environment ------------------


def _subprocess(argv: list[str], cwd: Path, code: str | None = None):
    env = dict(os.environ, HOME=str(cwd / "home"), COLUMNS="60")
    command = [sys.executable, "-c", code, *argv] if code else [
        sys.executable, "-m", "asalint", *argv]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_the_installed_command_leaks_no_canary(
    workspace, output_format, verbose
):
    _require("pair", output_format)
    argv = _argv("pair", workspace, ["asa84-hq", "ios-branch"])

    done = _subprocess([*argv, "-f", output_format, *verbose],
                       workspace.root)

    assert done.returncode == 1, done.stderr
    workspace.assert_no_leak(done.stdout, done.stderr)


# Make the parser fail inside one of ciscoconfparse2's functions that
# loguru's `logger.catch` wraps: with its handlers in place loguru prints
# the traceback with the local variables of every frame (the config's
# lines among them) to stdout.
_BREAK_THE_PARSER = """\
import sys
import ciscoconfparse2.ciscoconfparse2 as parser
from loguru import logger

@logger.catch(reraise=True)
def broken(comment_delimiters):
    raise ValueError("a parser fault")

parser.check_comment_delimiters = broken
from asalint.cli import run
sys.exit(run(sys.argv[1:]))
"""


@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
def test_a_parser_failure_prints_no_config_text(workspace, verbose):
    argv = _argv("pair", workspace, ["asa84-hq", "asa84-branch"])

    done = _subprocess([*argv, "-f", "json", *verbose], workspace.root,
                       code=_BREAK_THE_PARSER)

    assert done.returncode == 2
    assert done.stdout == ""
    first, second = argv[1:]
    lines = done.stderr.splitlines()
    for path in (first, second):
        assert f"asalint: {path}: the parser failed (ValueError)" in lines
    for config_text in ("canary-hq", "ASA Version", "tunnel-group"):
        assert config_text not in done.stderr
    workspace.assert_no_leak(done.stdout, done.stderr)


# An internal fault whose message quotes a key line, as `int()` or a
# pydantic validation error quotes the value it could not take.
_FAULT_QUOTING_A_KEY = """\
import sys
from asalint import api
from asalint.source import read_config

def failing_pair(first, second):
    source = read_config(first.path)
    line = next(l for l in source.lines if "pre-shared-key" in l)
    raise ValueError(f"cannot read {line!r}")

api.pair = failing_pair
from asalint.cli import run
sys.exit(run(sys.argv[1:]))
"""


def test_an_internal_error_is_one_line_without_its_message(workspace):
    argv = _argv("pair", workspace, ["asa84-hq", "asa84-branch"])

    done = _subprocess(argv, workspace.root, code=_FAULT_QUOTING_A_KEY)

    assert done.returncode == 2
    assert done.stderr == (
        "asalint: internal error (ValueError); run with -v for details\n"
    )
    workspace.assert_no_leak(done.stdout, done.stderr)


def test_an_internal_error_under_v_logs_no_key(workspace):
    argv = _argv("pair", workspace, ["asa84-hq", "asa84-branch"])

    done = _subprocess([*argv, "-v"], workspace.root,
                       code=_FAULT_QUOTING_A_KEY)

    assert done.returncode == 2
    assert "Traceback" in done.stderr
    workspace.assert_no_leak(done.stdout, done.stderr)
