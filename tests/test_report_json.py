"""The JSON document: field names, order and values of the contract."""

from __future__ import annotations

import json

from pydantic import SecretStr
from report_builders import (
    BRANCH,
    HQ,
    device,
    established,
    finding,
    origin,
    pair_result,
    stalled_at_mm4,
    two_devices,
)

from asalint import __version__
from asalint.model import KeyState, PreSharedKey, TunnelGroup
from asalint.report.json_doc import json_document, render_json
from asalint.results import Level, Related

TUNNEL_KEYS = [
    "initiator",
    "responder",
    "initiator_address",
    "responder_address",
    "ike_version",
    "mode",
    "crypto_map",
    "predicted",
    "steps",
]
PREDICTED_KEYS = [
    "initiator_state",
    "responder_state",
    "stage",
    "cause",
    "cause_side",
    "certain",
    "conditions",
]
FINDING_KEYS = [
    "rule",
    "name",
    "cause",
    "level",
    "message",
    "path",
    "line",
    "related",
]


def test_top_level_keys_in_contract_order():
    document = json_document(pair_result(), two_devices())

    assert list(document) == ["asalint", "devices", "tunnels", "findings"]
    assert document["asalint"] == __version__


def test_devices_carry_path_hostname_platform_version_first():
    hq = device(HQ, "hq", unparsed=3, unreadable=1)

    (entry,) = json_document(pair_result(), [hq])["devices"]

    assert list(entry)[:4] == ["path", "hostname", "platform", "version"]
    assert entry["path"] == "hq.cfg"
    assert entry["hostname"] == "hq"
    assert entry["platform"] == "asa"
    assert entry["version"] == "9.8(4)"
    assert entry["era"] == "asa-8.4+"
    assert entry["unparsed"] == 4
    assert entry["unreadable"] == 1


def test_tunnel_fields_in_contract_order():
    document = json_document(pair_result(stalled_at_mm4()), two_devices())

    (tunnel,) = document["tunnels"]

    assert list(tunnel)[: len(TUNNEL_KEYS)] == TUNNEL_KEYS
    assert list(tunnel["predicted"]) == PREDICTED_KEYS


def test_tunnel_values_of_a_stall_at_mm4():
    document = json_document(pair_result(stalled_at_mm4()), two_devices())

    (tunnel,) = document["tunnels"]

    assert tunnel["initiator"] == HQ
    assert tunnel["responder"] == BRANCH
    assert tunnel["initiator_address"] == "198.51.100.1"
    assert tunnel["responder_address"] == "203.0.113.2"
    assert tunnel["ike_version"] == 1
    assert tunnel["mode"] == "main"
    assert tunnel["crypto_map"] == {HQ: "outside_map 10"}
    assert tunnel["predicted"] == {
        "initiator_state": "MM_WAIT_MSG4",
        "responder_state": "MM_WAIT_MSG3",
        "stage": "phase1",
        "cause": "tunnel-group-missing",
        "cause_side": "responder",
        "certain": True,
        "conditions": [],
    }


def test_steps_cite_path_and_line_only():
    document = json_document(pair_result(stalled_at_mm4()), two_devices())

    keys_step = document["tunnels"][0]["steps"][1]

    assert list(keys_step)[:4] == ["step", "ok", "detail", "lines"]
    assert keys_step["step"] == "keys"
    assert keys_step["ok"] is False
    assert keys_step["lines"] == [
        {"path": HQ, "line": 41},
        {"path": BRANCH, "line": 12},
    ]


def test_established_tunnel_has_null_cause_and_side():
    document = json_document(pair_result(established()), two_devices())

    predicted = document["tunnels"][0]["predicted"]

    assert predicted["stage"] == "established"
    assert predicted["cause"] is None
    assert predicted["cause_side"] is None


def test_extra_fields_exchange_and_fixes():
    document = json_document(pair_result(stalled_at_mm4()), two_devices())

    tunnel = document["tunnels"][0]

    assert [m["name"] for m in tunnel["exchange"]][:4] == [
        "MM1",
        "MM2",
        "MM3",
        "MM4",
    ]
    assert tunnel["exchange"][3]["delivered"] is False
    assert tunnel["exchange"][3]["sender"] == "responder"
    assert tunnel["fixes"][0]["path"] == BRANCH
    assert tunnel["fixes"][0]["commands"][0] == (
        "tunnel-group 198.51.100.1 type ipsec-l2l"
    )
    assert tunnel["failed_exchange"] is None


def test_finding_fields_and_values():
    related = Related(path=HQ, line=41, message="the peer is set here")
    result = pair_result(findings=(finding(related=(related,)),))

    (entry,) = json_document(result, two_devices())["findings"]

    assert list(entry) == FINDING_KEYS
    assert entry["rule"] == "ASA103"
    assert entry["level"] == "error"
    assert entry["path"] == BRANCH
    assert entry["line"] == 12
    assert entry["related"] == [
        {"path": HQ, "line": 41, "message": "the peer is set here"}
    ]


def test_findings_in_file_order_then_line():
    late_hq = finding("ASA114", Level.WARNING, HQ, 90)
    early_branch = finding("ASA103", Level.ERROR, BRANCH, 3)
    early_hq = finding("ASA101", Level.ERROR, HQ, 7)
    result = pair_result(findings=(early_branch, late_hq, early_hq))

    findings = json_document(result, two_devices())["findings"]

    assert [(f["path"], f["line"]) for f in findings] == [
        (HQ, 7),
        (HQ, 90),
        (BRANCH, 3),
    ]


def test_paths_stay_as_given_on_the_command_line():
    given = "./configs/../hq.cfg"
    tunnel = stalled_at_mm4(initiator=given)

    document = json_document(pair_result(tunnel), [device(given)])

    assert document["devices"][0]["path"] == given
    assert document["tunnels"][0]["initiator"] == given
    assert document["tunnels"][0]["crypto_map"] == {given: "outside_map 10"}


def test_rendered_text_is_two_space_indented_json():
    text = render_json(pair_result(stalled_at_mm4()), two_devices())

    assert text.endswith("}\n")
    assert text.splitlines()[1] == '  "asalint": "' + __version__ + '",'
    assert json.loads(text)["tunnels"][0]["predicted"]["stage"] == "phase1"


def test_rendering_is_stable():
    result = pair_result(stalled_at_mm4(), established())

    first = render_json(result, two_devices())

    assert render_json(result, two_devices()) == first


def test_plain_key_held_by_the_device_never_reaches_the_document():
    canary = "Canary-Key-7f3a"
    key = PreSharedKey(
        state=KeyState.PLAIN,
        value=SecretStr(canary),
        origin=origin(BRANCH, 13, " ikev1 pre-shared-key *****"),
    )
    group = TunnelGroup(
        name="198.51.100.1",
        type="ipsec-l2l",
        ikev1_key=key,
        origin=origin(BRANCH, 12, "tunnel-group 198.51.100.1"),
    )
    branch = device(BRANCH, "branch").model_copy(
        update={"tunnel_groups": {group.name: group}}
    )

    text = render_json(pair_result(stalled_at_mm4()), [device(), branch])

    assert canary not in text
