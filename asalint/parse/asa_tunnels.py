"""Tunnel-groups, group-policies and `sysopt connection permit-vpn`.

A tunnel-group is spread over several blocks (`type`, `general-attributes`,
`ipsec-attributes`); they are merged by name. Keys are read into their
state (plain, masked, encrypted) and never leave a `SecretStr`.
"""

from __future__ import annotations

from asalint.model import GroupPolicy, PreSharedKey, Setting, TunnelGroup
from asalint.parse.asa_state import AsaState
from asalint.parse.common import read_key
from asalint.parse.tree import Node

# The ASA creates these two groups itself, with these types; a config
# shows them only when their attributes differ from the defaults.
BUILT_IN_GROUPS = {"DefaultL2LGroup": "ipsec-l2l",
                   "DefaultRAGroup": "remote-access"}

# ipsec-attributes key lines: (words that start the line, model field)
_KEY_LINES = (
    (("ikev1", "pre-shared-key"), "ikev1_key"),
    (("pre-shared-key",), "ikev1_key"),
    (("ikev2", "local-authentication", "pre-shared-key"), "ikev2_local_key"),
    (("ikev2", "remote-authentication", "pre-shared-key"),
     "ikev2_remote_key"),
)


def read_tunnel_group(state: AsaState, node: Node) -> None:
    """`tunnel-group N type T | general-attributes | ipsec-attributes`."""
    words = node.words
    if len(words) < 3:
        state.collector.unreadable(node, "tunnel-group without a command")
        return

    name, command = words[1], words[2]
    if command == "type" and len(words) > 3:
        _update(state, node, name, type=words[3],
                type_origin=state.origin(node))
    elif command == "general-attributes":
        _general_attributes(state, node, name)
    elif command == "ipsec-attributes":
        _ipsec_attributes(state, node, name)
    else:
        state.collector.not_modelled(node)


def _update(state: AsaState, node: Node, name: str, **values) -> None:
    group = state.tunnel_groups.get(name)
    if group is None:
        group = TunnelGroup(
            name=name, type=BUILT_IN_GROUPS.get(name),
            origin=state.origin(node),
        )
    state.tunnel_groups[name] = group.model_copy(update=values)


def _general_attributes(state: AsaState, node: Node, name: str) -> None:
    _update(state, node, name)
    for child in node.children:
        words = child.words
        if words[0] == "default-group-policy" and len(words) > 1:
            _update(state, child, name, default_group_policy=words[1])
        else:
            state.collector.not_modelled(child)


def _ipsec_attributes(state: AsaState, node: Node, name: str) -> None:
    _update(state, node, name)
    for child in node.children:
        words = child.words
        if words[0] == "peer-id-validate" and len(words) > 1:
            _update(state, child, name, peer_id_validate=words[1])
            continue
        field_name, key = _key_line(state, child)
        if field_name is None:
            state.collector.not_modelled(child)
        elif key is None:
            state.collector.unreadable(child, "pre-shared-key without a key")
        else:
            _update(state, child, name, **{field_name: key})


def _key_line(
    state: AsaState, child: Node
) -> tuple[str | None, PreSharedKey | None]:
    words = child.words
    for start, field_name in _KEY_LINES:
        if tuple(words[: len(start)]) == start:
            rest = words[len(start):]
            return field_name, read_key(rest, state.origin(child))
    return None, None


# --- group-policy ----------------------------------------------------------


def read_group_policy(state: AsaState, node: Node) -> None:
    """`group-policy N internal` and `group-policy N attributes`."""
    words = node.words
    if len(words) < 3:
        state.collector.unreadable(node, "group-policy without a command")
        return

    name = words[1]
    policy = state.group_policies.get(name) or GroupPolicy(
        name=name, origin=state.origin(node)
    )
    if words[2] == "attributes":
        policy = _policy_attributes(state, node, policy)
    elif words[2] not in ("internal", "external"):
        state.collector.not_modelled(node)
    state.group_policies[name] = policy


def _policy_attributes(state, node: Node, policy: GroupPolicy):
    for child in node.children:
        words = child.words
        if words[:2] == ["vpn-filter", "value"] and len(words) > 2:
            policy = policy.model_copy(update={"vpn_filter": words[2]})
        elif words[:2] == ["vpn-filter", "none"]:
            policy = policy.model_copy(update={"vpn_filter": None})
        elif words[0] == "vpn-tunnel-protocol":
            policy = _tunnel_protocols(state, child, policy)
        else:
            state.collector.not_modelled(child)
    return policy


def _tunnel_protocols(state, node: Node, policy: GroupPolicy):
    # Before 8.4 the list said `IPSec` for what 8.4 calls `ikev1`; a group
    # whose list lacks the tunnel's IKE version refuses it at IKE_AUTH.
    spelled = {"ipsec": "ikev1"}
    protocols = tuple(
        spelled.get(word.lower(), word.lower()) for word in node.words[1:]
    )
    return policy.model_copy(
        update={
            "vpn_tunnel_protocols": protocols,
            "vpn_tunnel_protocol_origin": state.origin(node),
        }
    )


# --- sysopt ----------------------------------------------------------------


def read_sysopt(state: AsaState, node: Node, negated: bool) -> None:
    """`[no] sysopt connection permit-vpn` (7.0: `permit-ipsec`).

    With it on, decrypted traffic bypasses the interface ACLs.
    """
    words = node.words[1:] if negated else node.words
    if words[1:3] in (["connection", "permit-vpn"],
                      ["connection", "permit-ipsec"]):
        state.permit_vpn = Setting(value=not negated,
                                   origin=state.origin(node))
    else:
        state.collector.not_modelled(node)
