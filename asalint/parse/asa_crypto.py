"""IKE policies, IKE on interfaces, and IPsec transform sets / proposals.

Both spellings land in one model: `crypto ikev1 policy 10` (8.4+),
`crypto isakmp policy 10` blocks (before 8.4) and the one-line PIX 7 form
`isakmp policy 10 encryption aes-256`. Top-level `isakmp ...` lines are
read as `crypto isakmp ...`.
"""

from __future__ import annotations

from asalint.model import (
    Era,
    IkeV1Policy,
    IkeV2Policy,
    IpsecProposal,
    Origin,
    Setting,
    TransformSet,
)
from asalint.parse.asa_state import AsaState, PolicyDraft
from asalint.parse.tree import Node

# What an ASA applies for an IKEv1 policy attribute without its line:
# Cisco ASA VPN CLI configuration guide, "IPsec and ISAKMP", table of
# IKEv1 policy keywords (authentication pre-share, encryption 3des, hash
# sha, group 2 and lifetime 86400 are marked "default").
IKEV1_POLICY_DEFAULTS: dict[str, str | int] = {
    "authentication": "pre-share",
    "encryption": "3des",
    "hash": "sha",
    "group": 2,
    "lifetime": 86400,
}
IKEV2_LIFETIME_DEFAULT = 86400

# IOS spells some attributes differently; an ASA accepts neither, but
# configs pasted from router examples hold them.
_IKEV1_ALIASES = {"encr": "encryption"}

_ESP_ENCRYPTIONS = frozenset(
    {"esp-des", "esp-3des", "esp-aes", "esp-aes-192", "esp-aes-256",
     "esp-null", "esp-seal", "esp-gcm", "esp-gcm-192", "esp-gcm-256",
     "esp-gmac", "esp-gmac-192", "esp-gmac-256", "esp-aes-gcm",
     "esp-aes-192-gcm", "esp-aes-256-gcm"}
)
_ESP_INTEGRITIES = frozenset(
    {"esp-md5-hmac", "esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac",
     "esp-sha512-hmac", "esp-none"}
)


# --- IKEv1 policies --------------------------------------------------------


def read_ikev1_policy(state: AsaState, node: Node, words: list[str]):
    """`crypto ikev1|isakmp policy N [ATTR VALUE]` and its children.

    `words` are the node's words with `crypto` and the version keyword
    removed: ["policy", "10", ...].
    """
    if len(words) < 2 or not words[1].isdigit():
        state.collector.unreadable(node, "IKE policy without priority")
        return

    priority = int(words[1])
    draft = state.ikev1_policies.get(priority)
    if draft is None:
        draft = PolicyDraft(priority, state.origin(node))
        state.ikev1_policies[priority] = draft
    if len(words) > 2:
        _ikev1_attribute(state, draft, node, words[2:])
    for child in node.children:
        _ikev1_attribute(state, draft, child, child.words)


def _ikev1_attribute(state, draft: PolicyDraft, node: Node, words) -> None:
    name = _IKEV1_ALIASES.get(words[0], words[0])
    if name not in IKEV1_POLICY_DEFAULTS:
        state.collector.not_modelled(node)
        return
    if len(words) < 2:
        state.collector.unreadable(node, f"{name} without a value")
        return

    value = _ikev1_value(name, words[1:])
    if value is None:
        state.collector.unreadable(node, f"{name} value not readable")
        return
    draft.settings[name] = Setting(value=value, origin=state.origin(node))


def _ikev1_value(name: str, values: list[str]) -> str | int | None:
    if name in ("group", "lifetime"):
        if values[0] == "none":
            return "none"
        return int(values[0]) if values[0].isdigit() else None
    if name == "encryption":
        return ike_encryption(values)
    return values[0]


def ike_encryption(values: list[str]) -> str:
    """ASA spelling of an IKE cipher: IOS `aes 256` is ASA `aes-256`."""
    if values[0] == "aes" and len(values) > 1 and values[1].isdigit():
        return "aes" if values[1] == "128" else f"aes-{values[1]}"
    return values[0]


def build_ikev1_policies(state: AsaState) -> tuple[IkeV1Policy, ...]:
    policies = []
    for priority in sorted(state.ikev1_policies):
        draft = state.ikev1_policies[priority]
        settings = {
            name: _with_default(state, draft, name, default)
            for name, default in IKEV1_POLICY_DEFAULTS.items()
        }
        policies.append(
            IkeV1Policy(priority=priority, origin=draft.origin, **settings)
        )
    if not policies and state.era != Era.ASA84:
        # Before 8.4 a built-in lowest-priority policy exists; it
        # authenticates with certificates, so it never matches a
        # pre-shared-key peer.
        state.collector.default(
            "ikev1-default-policy", "rsa-sig, lowest priority", True
        )
    return tuple(policies)


def _with_default(state, draft: PolicyDraft, name: str, default) -> Setting:
    if name in draft.settings:
        return draft.settings[name]
    state.collector.default(
        f"ikev1-policy-{draft.priority}-{name}", str(default)
    )
    return Setting(value=default)


# --- IKEv2 policies --------------------------------------------------------

_IKEV2_LISTS = {
    "encryption": "encryptions",
    "integrity": "integrities",
    "group": "groups",
    "prf": "prfs",
}


def read_ikev2_policy(state: AsaState, node: Node, words: list[str]):
    """`crypto ikev2 policy N` with several values per attribute line."""
    if len(words) < 2 or not words[1].isdigit():
        state.collector.unreadable(node, "IKEv2 policy without priority")
        return

    priority = int(words[1])
    draft = state.ikev2_policies.setdefault(
        priority, PolicyDraft(priority, state.origin(node))
    )
    for child in node.children:
        _ikev2_attribute(state, draft, child)


def _ikev2_attribute(state, draft: PolicyDraft, child: Node) -> None:
    words = child.words
    field_name = _IKEV2_LISTS.get(words[0])
    if field_name and len(words) > 1:
        draft.lists[field_name] = tuple(words[1:])
        draft.list_origins[words[0]] = state.origin(child)
    elif words[0] == "lifetime" and len(words) > 2:
        value = words[2]
        draft.settings["lifetime"] = Setting(
            value=int(value) if value.isdigit() else value,
            origin=state.origin(child),
        )
    else:
        state.collector.not_modelled(child)


def build_ikev2_policies(state: AsaState) -> tuple[IkeV2Policy, ...]:
    policies = []
    for priority in sorted(state.ikev2_policies):
        draft = state.ikev2_policies[priority]
        lifetime = draft.settings.get("lifetime")
        if lifetime is None:
            lifetime = Setting(value=IKEV2_LIFETIME_DEFAULT)
            state.collector.default(
                f"ikev2-policy-{priority}-lifetime",
                str(IKEV2_LIFETIME_DEFAULT),
            )
        policies.append(
            IkeV2Policy(
                priority=priority,
                encryptions=draft.lists.get("encryptions", ()),
                integrities=draft.lists.get("integrities", ()),
                groups=draft.lists.get("groups", ()),
                prfs=draft.lists.get("prfs", ()),
                lifetime=lifetime,
                origin=draft.origin,
                attribute_origins=dict(draft.list_origins),
            )
        )
    return tuple(policies)


# --- IKE globals -----------------------------------------------------------


def read_enable(state: AsaState, node: Node, words, version: str) -> None:
    """`crypto ikev1|ikev2|isakmp enable IF`: IKE listens on IF."""
    if len(words) < 2:
        state.collector.unreadable(node, "IKE enable without interface")
        return

    target = state.ikev2_interfaces if version == "ikev2" else (
        state.ikev1_interfaces
    )
    target[words[1]] = state.origin(node)


def read_identity(state: AsaState, node: Node, words: list[str]) -> None:
    """`crypto isakmp identity address|hostname|auto|key-id K`."""
    if len(words) < 2:
        state.collector.unreadable(node, "identity without a type")
        return
    if words[1] == "key-id" and len(words) < 3:
        state.collector.unreadable(node, "key-id identity without its name")
        return
    # `key-id NAME` keeps its name: in aggressive mode the peer looks
    # its tunnel-group up by it.
    value = " ".join(words[1:3]) if words[1] == "key-id" else words[1]
    state.isakmp_identity = Setting(value=value, origin=state.origin(node))


def read_nat_traversal(state: AsaState, node: Node, enabled: bool) -> None:
    state.nat_traversal = Setting(value=enabled, origin=state.origin(node))


def read_am_disable(state: AsaState, node: Node, disabled: bool) -> None:
    state.aggressive_mode_disabled = Setting(
        value=disabled, origin=state.origin(node)
    )


# --- IPsec: transform sets, proposals, global lifetimes --------------------


def read_transform_set(state: AsaState, node: Node, words: list[str]):
    """`transform-set N T1 [T2]`, `transform-set N mode transport`.

    `words` start at `transform-set`; the set's `mode` may also come as
    a child line (IOS style).
    """
    if len(words) < 3:
        state.collector.unreadable(node, "transform set without transforms")
        return

    name = words[1]
    if words[2] == "mode":
        _set_mode(state, name, node, words[3:])
    else:
        _define_transform_set(state, name, node, words[2:])
    for child in node.children:
        if child.words[0] == "mode":
            _set_mode(state, name, child, child.words[1:])
        else:
            state.collector.not_modelled(child)


def _define_transform_set(state, name: str, node: Node, tokens) -> None:
    transforms = esp_transforms(tokens)
    encryption = _first(transforms, _ESP_ENCRYPTIONS)
    integrity = _first(transforms, _ESP_INTEGRITIES)
    ah = next((item for item in transforms if item.startswith("ah-")), None)
    unknown = set(transforms) - _ESP_ENCRYPTIONS - _ESP_INTEGRITIES
    if unknown - ({ah} if ah else set()) or not transforms:
        state.collector.unreadable(node, "unknown transform in the set")
        return

    old = state.transform_sets.get(name)
    state.transform_sets[name] = TransformSet(
        name=name,
        esp_encryption=encryption,
        esp_integrity=None if integrity == "esp-none" else integrity,
        ah=ah,
        mode=old.mode if old else Setting(value="tunnel"),
        origin=state.origin(node),
    )


def esp_transforms(tokens: list[str]) -> list[str]:
    """Transform names in ASA spelling: IOS `esp-aes 256` -> esp-aes-256."""
    result: list[str] = []
    for token in tokens:
        if token.isdigit() and result and result[-1] in (
            "esp-aes", "esp-gcm", "esp-gmac"
        ):
            if token != "128":
                result[-1] = f"{result[-1]}-{token}"
            continue
        result.append(token.lower())
    return result


def _first(transforms: list[str], known: frozenset[str]) -> str | None:
    return next((item for item in transforms if item in known), None)


def _set_mode(state, name: str, node: Node, rest: list[str]) -> None:
    if not rest or rest[0] not in ("transport", "tunnel"):
        state.collector.unreadable(node, "mode is not tunnel or transport")
        return

    mode = Setting(value=rest[0], origin=state.origin(node))
    found = state.transform_sets.get(name)
    if found is None:
        state.collector.unreadable(node, "mode for an undefined set")
        return
    state.transform_sets[name] = found.model_copy(update={"mode": mode})


def read_ipsec_proposal(state: AsaState, node: Node, words: list[str]):
    """`crypto ipsec ikev2 ipsec-proposal N` with `protocol esp` lines."""
    if len(words) < 2:
        state.collector.unreadable(node, "ipsec-proposal without a name")
        return

    name = words[1]
    lists: dict[str, tuple[str, ...]] = {"encryption": (), "integrity": ()}
    origins: dict[str, Origin] = {}
    for child in node.children:
        cw = child.words
        if cw[:2] == ["protocol", "esp"] and len(cw) > 3 and cw[2] in lists:
            lists[cw[2]] = tuple(cw[3:])
            origins[cw[2]] = state.origin(child)
        else:
            state.collector.not_modelled(child)
    state.ipsec_proposals[name] = IpsecProposal(
        name=name,
        encryptions=lists["encryption"],
        integrities=lists["integrity"],
        origin=state.origin(node),
        attribute_origins=origins,
    )


def read_sa_lifetime(state: AsaState, node: Node, words: list[str]):
    """`crypto ipsec security-association lifetime seconds N`: the value
    every crypto map entry without its own lifetime uses."""
    where = state.origin(node)
    pairs = dict(zip(words[2::2], words[3::2], strict=False))
    if not pairs:
        state.collector.unreadable(node, "lifetime without a value")
    for unit, value in pairs.items():
        setting = _lifetime_setting(value, where)
        if unit == "seconds":
            state.sa_lifetime_seconds = setting
        elif unit == "kilobytes":
            state.sa_lifetime_kilobytes = setting


def _lifetime_setting(value: str, where: Origin) -> Setting:
    return Setting(value=int(value) if value.isdigit() else value,
                   origin=where)
