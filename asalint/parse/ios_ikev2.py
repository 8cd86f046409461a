"""IOS IKEv2: proposals, policies, keyrings and profiles.

IOS builds an IKEv2 offer from the proposals that a `crypto ikev2
policy` names; a proposal no policy names is never offered. Without a
user policy, the smart defaults apply: the `default` policy offers the
`default` proposal, whose contents differ by release. The model has no named IKEv2 policies, so each
offered proposal becomes one `IkeV2Policy`, numbered in offer order.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from asalint.model import IkeV2Policy, IsakmpProfile, PeerKey, Setting
from asalint.parse import ios_names as names
from asalint.parse.common import (
    host_network,
    looks_like_mask,
    network_from_mask,
    parse_ip,
)
from asalint.parse.ioslike import LegacyState, ProposalDraft, read_key
from asalint.parse.tree import Node

# IKEv2 SA lifetime where the profile sets none (IOS: 86,400 seconds).
IKEV2_LIFETIME = 86400

_LIST_TABLES = {
    "encryption": names.IKEV2_ENCRYPTION,
    "integrity": names.IKEV2_INTEGRITY,
    "prf": names.IKEV2_INTEGRITY,
}


def read_ikev2(state: LegacyState, node: Node) -> None:
    """Dispatch `crypto ikev2 proposal|policy|keyring|profile`."""
    words = node.words
    kind = words[2].lower() if len(words) > 2 else ""
    reader = {
        "proposal": _proposal,
        "policy": _policy,
        "keyring": _keyring,
        "profile": _profile,
    }.get(kind)
    if reader is None or len(words) < 4:
        state.collector.not_modelled(node)
        return
    reader(state, node, words[3])


def _proposal(state: LegacyState, node: Node, name: str) -> None:
    draft = ProposalDraft(state.origin(node))
    for child in node.children:
        words = [word.lower() for word in child.words]
        if words[:1] == ["group"]:
            draft.lists["groups"] = tuple(words[1:])
        elif words[:1] and words[0] in _LIST_TABLES:
            values = _translate(words[0], words[1:])
            if values is None:
                state.collector.unreadable(child, f"IKEv2 {words[0]} not read")
                continue
            draft.lists[words[0]] = values
        else:
            state.collector.not_modelled(child)
    state.ikev2.proposals[name] = draft


def _translate(kind: str, values: list[str]) -> tuple[str, ...] | None:
    table = _LIST_TABLES[kind]
    found = tuple(table.get(value) for value in values)
    if not found or None in found:
        return None
    return found  # type: ignore[return-value]


def _policy(state: LegacyState, node: Node, name: str) -> None:
    proposals = state.ikev2.policies.setdefault(name, [])
    for child in node.children:
        words = child.words
        if words[:1] == ["proposal"]:
            proposals.extend(words[1:])
        else:
            state.collector.not_modelled(child)


def _keyring(state: LegacyState, node: Node, name: str) -> None:
    """` peer X` blocks: `  address A [M]`, `  pre-shared-key [local|
    remote] K`. A bare key serves both directions."""
    for peer in node.children:
        if peer.words[:1] != ["peer"]:
            state.collector.not_modelled(peer)
            continue
        _keyring_peer(state, peer, name)


def _keyring_peer(state: LegacyState, peer: Node, keyring: str) -> None:
    network: IPv4Network | None = None
    hostname: str | None = None
    keys: list[tuple[Node, list[str]]] = []
    for child in peer.children:
        words = child.words
        if words[:1] == ["address"] and len(words) > 1:
            network = _address(words[1:])
        elif words[:1] == ["hostname"] and len(words) > 1:
            hostname = words[1]
        elif words[:1] == ["pre-shared-key"]:
            keys.append((child, words))
        else:
            state.collector.not_modelled(child)

    for child, words in keys:
        _peer_key(state, child, words, keyring, network, hostname)


def _address(words: list[str]) -> IPv4Network | None:
    if parse_ip(words[0]) is None:
        return None
    if len(words) > 1 and looks_like_mask(words[1]):
        return network_from_mask(words[0], words[1])
    return host_network(words[0])


def _peer_key(
    state: LegacyState,
    node: Node,
    words: list[str],
    keyring: str,
    network: IPv4Network | None,
    hostname: str | None,
) -> None:
    direction = words[1].lower() if len(words) > 1 else None
    index = 2 if direction in ("local", "remote") else 1
    found = read_key(words, index, state.origin(node))
    if found is None:
        state.collector.unreadable(node, "IKEv2 key without a value")
        return
    state.peer_keys.append(
        PeerKey(
            peer=network,
            hostname=hostname,
            key=found[0],
            keyring=keyring,
            ikev2=True,
            direction=direction if index == 2 else None,
            origin=state.origin(node),
        )
    )


def _profile(state: LegacyState, node: Node, name: str) -> None:
    values: dict[str, object] = {"keyrings": [], "matches": []}
    for child in node.children:
        if not _profile_line(values, child.words):
            state.collector.not_modelled(child)

    state.profiles[name] = IsakmpProfile(
        name=name,
        ikev2=True,
        keyrings=tuple(values["keyrings"]),  # type: ignore[arg-type]
        match_addresses=tuple(values["matches"]),  # type: ignore[arg-type]
        local_auth=values.get("local"),  # type: ignore[arg-type]
        remote_auth=values.get("remote"),  # type: ignore[arg-type]
        origin=state.origin(node),
    )


def _profile_line(values: dict[str, object], words: list[str]) -> bool:
    lowered = [word.lower() for word in words]
    if lowered[:4] == ["match", "identity", "remote", "address"]:
        network = _address(words[4:]) if len(words) > 4 else None
        if network is None:
            return False
        values["matches"].append(network)  # type: ignore[attr-defined]
    elif lowered[:1] == ["authentication"] and len(words) > 2:
        if lowered[1] not in ("local", "remote"):
            return False
        values[lowered[1]] = lowered[2]
    elif lowered[:1] == ["keyring"] and len(words) > 1:
        # `keyring local N` (15.x and later) or `keyring N` (older).
        values["keyrings"].append(words[-1])  # type: ignore[attr-defined]
    else:
        return False
    return True


# --- the offer -------------------------------------------------------------


def offered_policies(state: LegacyState) -> list[IkeV2Policy]:
    """What the router offers and accepts in IKE_SA_INIT, in order.

    Without a user policy the smart defaults apply; their contents differ
    by release (field reports, no Cisco table), so the parser records
    only that they apply, as an uncertain default.
    """
    drafts = state.ikev2
    named = [p for ps in drafts.policies.values() for p in ps]
    if not drafts.policies:
        if drafts.no_default is None:
            state.collector.default(
                "ikev2-default-proposal", "smart defaults", uncertain=True
            )
        return []

    for name in drafts.proposals:
        if name not in named:
            state.collector.note(
                f"IKEv2 proposal {name} is named by no policy: never offered"
            )
    policies = []
    for name in named:
        proposal = drafts.proposals.get(name)
        if proposal is None:
            state.collector.note(f"IKEv2 proposal {name} is not defined")
            continue
        policies.append(_from_draft(len(policies) + 1, proposal))
    return policies


def _from_draft(priority: int, draft: ProposalDraft) -> IkeV2Policy:
    integrities = draft.lists.get("integrity", ())
    return IkeV2Policy(
        priority=priority,
        encryptions=draft.lists.get("encryption", ()),
        integrities=integrities,
        groups=draft.lists.get("groups", ()),
        prfs=draft.lists.get("prf", integrities),
        lifetime=Setting(value=IKEV2_LIFETIME),
        origin=draft.origin,
    )
