"""Peer profiles: a partner's agreed parameters as the far end of a pair.

The head office of fixtures/repo has an entry (OUTSIDE-MAP 40) for a
partner at 192.0.2.50 whose config nobody here holds; the profiles in
fixtures/profiles stand for it, written from the defaults AWS and Azure
document for their VPN gateways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from asalint import api
from asalint.errors import UsageError
from asalint.model import Origin
from asalint.peer_profile import (
    load_profile,
    pair_with_profile,
    profile_device,
)
from asalint.source import mask_line

REPO = Path(__file__).parents[1]
PROFILES = REPO / "fixtures" / "profiles"
AWS = PROFILES / "aws-style.toml"
AZURE = PROFILES / "azure-style.toml"
HQ = REPO / "fixtures" / "repo" / "configs" / "hq-fw.cfg"
IKEV2_HQ = REPO / "fixtures" / "pairs" / "asa-asa-ikev2-working" / "a.cfg"

# hq-fw's entry for the partner, agreed exactly.
AGREED = """\
name = "partner-gw"
address = "192.0.2.50"
ike_version = 1
pfs = "none"
key_given = true

[[phase1]]
encryption = "aes-256"
hash = "sha1"
group = 14
lifetime = 86400

[[phase2]]
encryption = "aes-256"
integrity = "sha1"

[networks]
local = ["172.20.0.0/16"]
remote = ["10.10.0.0/16"]
"""


@pytest.fixture(scope="module")
def hq():
    return api.load_device(str(HQ))


def line_of(path: Path, start: str) -> int:
    """The 1-based line of `path` that starts with `start`."""
    for number, line in enumerate(path.read_text().split("\n"), 1):
        if line.startswith(start):
            return number
    raise AssertionError(f"{start!r} not in {path}")


def write(tmp_path: Path, text: str, name: str = "partner.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def by_initiator(result, path) -> dict:
    return {
        "out" if t.initiator == str(HQ) else "in": t.predicted
        for t in result.tunnels
        if str(path) in (t.initiator, t.responder)
    }


# --- the fixture profiles ------------------------------------------------------


def test_aws_style_partner_requires_pfs_that_hq_does_not_offer(hq):
    result, peer = pair_with_profile(hq, str(AWS))
    assert peer.hostname == "aws-vgw" and peer.platform.value == "ios"
    out, back = by_initiator(result, AWS)["out"], by_initiator(
        result, AWS)["in"]

    # Only the responder's PFS setting decides: hq starting without PFS
    # is refused in quick mode; the partner starting with PFS is fine.
    assert (out.initiator_state, out.responder_state, out.cause) == (
        "MM_ACTIVE", "QM_IDLE", "pfs-mismatch",
    )
    assert (back.initiator_state, back.responder_state, back.stage) == (
        "QM_IDLE", "MM_ACTIVE", "established",
    )
    assert back.cause == "psk-unverifiable" and not back.certain

    pfs = [f for f in result.findings if f.rule == "ASA202"]
    assert [(f.path, f.line) for f in pfs] == [
        (str(AWS), line_of(AWS, "pfs = 14")),
    ]
    assert (str(HQ), 56) in {(r.path, r.line) for r in pfs[0].related}


def test_azure_style_partner_speaks_ikev2_which_hq_does_not(hq):
    result, _ = pair_with_profile(hq, str(AZURE))
    back = by_initiator(result, AZURE)["in"]
    assert (back.cause, back.stage.value) == (
        "ike-version-mismatch", "phase1",
    )
    cited = {(f.path, f.line) for f in result.findings
             if f.rule == "ASA110"}
    assert (str(HQ), 60) in cited  # crypto ikev1 enable outside
    assert str(AZURE) in {path for path, _ in cited}


@pytest.mark.xfail(
    strict=True,
    reason="IOS refuses ISAKMP after `no crypto isakmp`; the simulation's "
    "IOS responder runs ISAKMP on every interface regardless",
)
def test_an_ikev2_only_partner_refuses_hq_ikev1_as_a_version_mismatch(hq):
    result, _ = pair_with_profile(hq, str(AZURE))
    out = by_initiator(result, AZURE)["out"]
    assert (out.initiator_state, out.cause) == (
        "MM_WAIT_MSG2", "ike-version-mismatch",
    )


# --- the device a profile stands for ---------------------------------------------


def test_agreed_parameters_establish_in_both_directions(hq, tmp_path):
    path = write(tmp_path, AGREED)
    result, _ = pair_with_profile(hq, str(path))
    predicted = by_initiator(result, path)
    for direction in ("out", "in"):
        assert predicted[direction].stage.value == "established"
        assert predicted[direction].conditions == (
            "keys equal: both masked",
        )


def test_every_origin_of_the_profile_device_is_a_line_of_the_profile(
    hq, tmp_path
):
    path = write(tmp_path, AGREED)
    loaded = load_profile(str(path))
    device = profile_device(loaded, hq)
    lines = path.read_text().split("\n")
    origins = list(_origins(device))
    assert len(origins) > 20
    for origin in origins:
        assert origin.path == str(path)
        assert origin.text == mask_line(lines[origin.line - 1])
    cited = {origin.line for origin in origins}
    for key in ("address", "encryption", "hash", "group", "lifetime",
                "key_given", "[[phase2]]", "local"):
        assert line_of(path, key) in cited, key


def _origins(value):
    if isinstance(value, Origin):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _origins(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _origins(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _origins(item)


def test_the_partner_names_hq_by_the_address_hq_binds_its_map_to(hq,
                                                                  tmp_path):
    device = profile_device(load_profile(str(write(tmp_path, AGREED))), hq)
    entry = device.crypto_maps[0]
    assert [str(p) for p in entry.peers] == ["198.51.100.1"]
    assert [str(k.peer) for k in device.peer_keys] == ["198.51.100.1/32"]


def test_a_partner_that_hq_does_not_name_needs_its_peer_address(hq,
                                                               tmp_path):
    text = AGREED.replace("192.0.2.50", "192.0.2.99")
    with pytest.raises(UsageError, match=r"partner.toml: peer: .* 192.0.2"):
        profile_device(load_profile(str(write(tmp_path, text))), hq)
    given = text.replace('ike_version', 'peer = "198.51.100.1"\nike_version')
    device = profile_device(load_profile(str(write(tmp_path, given))), hq)
    assert str(device.crypto_maps[0].peers[0]) == "198.51.100.1"


def test_a_partner_without_a_key_stops_hq_at_the_key(hq, tmp_path):
    path = write(tmp_path, AGREED.replace("key_given = true",
                                          "key_given = false"))
    result, _ = pair_with_profile(hq, str(path))
    out = by_initiator(result, path)["out"]
    # IOS looks the key up while it weighs the proposals.
    assert (out.initiator_state, out.cause) == ("MM_WAIT_MSG2",
                                                 "psk-missing")
    # The partner's side of the finding: the gateway that holds no key.
    cited = {(f.path, f.line) for f in result.findings
             if f.rule == "ASA104"}
    assert (str(path), line_of(path, "address")) in cited


def test_the_platform_names_the_partner_states(hq, tmp_path):
    text = AGREED.replace('pfs = "none"', "pfs = 14")
    generic = write(tmp_path, text, "generic.toml")
    asa = write(tmp_path, text.replace('ike_version = 1',
                                       'ike_version = 1\nplatform = "asa"'),
                "asa.toml")
    states = {}
    for path in (generic, asa):
        result, peer = pair_with_profile(hq, str(path))
        out = by_initiator(result, path)["out"]
        states[path.stem] = (peer.platform.value, out.responder_state,
                             out.cause)
    assert states == {
        "generic": ("ios", "QM_IDLE", "pfs-mismatch"),
        "asa": ("asa", "MM_ACTIVE", "pfs-mismatch"),
    }


@pytest.mark.parametrize("platform", ["generic", "asa"])
def test_an_ikev2_partner_without_a_key(platform, tmp_path):
    hq = api.load_device(str(IKEV2_HQ))
    path = write(tmp_path, f"""\
address = "198.51.100.10"
ike_version = 2
platform = "{platform}"
key_given = false

[[phase1]]
encryption = "aes-256"
integrity = "sha256"
prf = "sha256"
group = 14

[[phase2]]
encryption = "aes-256"
integrity = "sha256"

[networks]
local = ["10.20.0.0/24"]
remote = ["10.10.0.0/24"]
""")
    result, _ = pair_with_profile(hq, str(path))
    out = by_initiator(result, path)
    assert {p.cause for p in out.values()} == {"ikev2-psk-missing"}
    cited = {(f.path, f.line) for f in result.findings
             if f.rule == "ASA121"}
    assert (str(path), line_of(path, "key_given")) in cited


def test_fixes_for_a_generic_partner_are_left_out(hq):
    result, peer = pair_with_profile(hq, str(AWS))
    failing = [t for t in result.tunnels if t.fixes]
    assert failing
    assert all(fix.path != peer.path for t in failing for fix in t.fixes)


# --- a bad profile -------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        (("hash = \"sha1\"", "hash = \"sha1\"\ncolour = \"blue\""),
         "unknown key 'phase1 #1.colour'"),
        (("encryption = \"aes-256\"\nhash", "encryption = \"aes-512\"\nhash"),
         "phase1 #1.encryption: unknown encryption 'aes-512'"),
        (("address = \"192.0.2.50\"\n", ""), "missing key 'address'"),
        (("group = 14", "group = 13"), "phase1 #1.group: unknown DH group"),
        (("ike_version = 1", "ike_version = 3"), "ike_version"),
        (("encryption = \"aes-256\"\nhash",
          "encryption = \"aes-gcm-256\"\nhash"),
         "phase1 #1.encryption: AES-GCM needs IKEv2"),
        (("integrity = \"sha1\"\n", ""), "phase2 #1: missing key"),
        (("local = [\"172.20.0.0/16\"]", "local = [\"172.20.0.300/16\"]"),
         "networks.local #1"),
    ],
)
def test_a_bad_profile_is_one_line_naming_the_file_and_the_key(
    tmp_path, change, message
):
    old, new = change
    assert old in AGREED
    path = write(tmp_path, AGREED.replace(old, new, 1))
    with pytest.raises(UsageError) as raised:
        load_profile(str(path))
    text = str(raised.value)
    assert text.startswith(f"{path}: ") and message in text
    assert "\n" not in text


def test_a_key_written_into_a_profile_is_never_echoed(tmp_path):
    path = write(tmp_path, AGREED.replace("key_given = true",
                                          'key_given = "Pelican-Orbit-77"'))
    with pytest.raises(UsageError) as raised:
        load_profile(str(path))
    assert "key_given" in str(raised.value)
    assert "Pelican" not in str(raised.value)


def test_not_toml_and_no_file_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="not valid TOML"):
        load_profile(str(write(tmp_path, "address = \n")))
    with pytest.raises(UsageError, match="no such file"):
        load_profile(str(tmp_path / "missing.toml"))


# --- asalint pair A --peer PROFILE --------------------------------------------------


def test_pair_with_a_peer_profile_through_the_command_line(capsys):
    import json

    from asalint.cli import run

    code = run(["pair", str(HQ), "--peer", str(AWS), "-f", "json",
                "--no-cache"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1  # the PFS the partner requires is an error
    assert [d["path"] for d in document["devices"]] == [str(HQ), str(AWS)]
    assert [d["hostname"] for d in document["devices"]] == ["hq-fw",
                                                            "aws-vgw"]
    assert ("ASA202", str(AWS), line_of(AWS, "pfs = 14")) in {
        (f["rule"], f["path"], f["line"]) for f in document["findings"]
    }


def test_pair_with_a_peer_profile_gives_valid_sarif(capsys):
    import json

    from test_report_sarif import validated

    from asalint.cli import run

    assert run(["pair", str(HQ), "--peer", str(AZURE), "-f", "sarif",
                "--no-cache"]) == 1
    document = validated(json.loads(capsys.readouterr().out))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert "fixtures/profiles/azure-style.toml" in uris


@pytest.mark.parametrize("argv, message", [
    (["pair", str(HQ)], "give the peer's config B or --peer PROFILE"),
    (["pair", str(HQ), str(HQ), "--peer", str(AWS)],
     "give the peer's config B or --peer PROFILE"),
])
def test_pair_needs_exactly_one_peer(argv, message, capsys):
    from asalint.cli import run

    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "Usage: asalint pair" in err and message in err


def test_a_bad_profile_on_the_command_line_exits_2_in_one_line(
    tmp_path, capsys
):
    from asalint.cli import run

    path = write(tmp_path, AGREED.replace("group = 14", "group = 13"))
    assert run(["pair", str(HQ), "--peer", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"asalint: {path}: phase1 #1.group: unknown DH")
    assert err.count("\n") == 1
