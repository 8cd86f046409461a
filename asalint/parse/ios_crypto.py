"""IOS IKEv1 and IPsec: ISAKMP policies, keys, keyrings, profiles,
transform sets and crypto maps.

The crypto map attribute reader (`apply_map_words`) and the transform-set
reader are shared with PIX 6, which writes the same attributes on one
line each (`crypto map M 10 set peer A`).
"""

from __future__ import annotations

from ipaddress import IPv4Network

from asalint.model import (
    CryptoMapBinding,
    Era,
    IpsecProposal,
    IsakmpProfile,
    PeerKey,
    Setting,
    TransformSet,
)
from asalint.parse import ios_aggressive
from asalint.parse import ios_names as names
from asalint.parse.common import (
    host_network,
    looks_like_mask,
    network_from_mask,
    parse_ip,
)
from asalint.parse.ioslike import (
    EntryDraft,
    LegacyState,
    read_key,
    to_int,
)
from asalint.parse.tree import Node

# --- ISAKMP policies -------------------------------------------------------


def read_isakmp_policy(state: LegacyState, node: Node) -> None:
    """`crypto isakmp policy N` and its ` encr` ... ` lifetime` lines."""
    priority = to_int(node.words[3]) if len(node.words) > 3 else None
    if priority is None:
        state.collector.unreadable(node, "ISAKMP policy without a priority")
        return

    draft = state.policy(priority, node)
    for child in node.children:
        if not apply_policy_words(state, draft.settings, child.words, child):
            state.collector.not_modelled(child)


def apply_policy_words(
    state: LegacyState, settings: dict, words: list[str], node: Node
) -> bool:
    """One policy attribute into `settings`; False if not an attribute.

    IOS writes `encr aes 256` (or `encryption`), PIX 6 `encryption
    aes-256`; both land as the ASA's `aes-256`.
    """
    if not words:
        return False
    keyword, values = words[0].lower(), [w.lower() for w in words[1:]]
    name = {"encr": "encryption"}.get(keyword, keyword)
    if name not in ("encryption", "hash", "authentication", "group",
                    "lifetime"):
        return False

    value = _policy_value(name, values)
    if value is None:
        state.collector.unreadable(node, f"ISAKMP policy {name} not read")
        return True
    settings[name] = Setting(value=value, origin=state.origin(node))
    return True


def _policy_value(name: str, values: list[str]) -> str | int | None:
    if not values:
        return None
    if name == "encryption":
        length = values[1] if len(values) > 1 else None
        return names.IKEV1_ENCRYPTION.get((values[0], length))
    if name == "hash":
        return values[0] if values[0] in names.IKEV1_HASHES else None
    if name == "authentication":
        known = values[0] in names.IKEV1_AUTHENTICATIONS
        return values[0] if known else None
    return to_int(values[0])


# --- keys ------------------------------------------------------------------


def read_isakmp_key(state: LegacyState, node: Node) -> None:
    """`crypto isakmp key [0|6] K address A [M] [no-xauth]` or
    `... hostname H`."""
    read_isakmp_key_words(state, node, 3)


def read_isakmp_key_words(state: LegacyState, node: Node, at: int) -> None:
    """The key at word `at`, then its peer (PIX 6: `isakmp key K address
    A netmask M [no-xauth] [no-config-mode]`)."""
    words = node.words
    origin = state.origin(node)
    found = read_key(words, at, origin)
    if found is None:
        state.collector.unreadable(node, "ISAKMP key without a value")
        return

    key, index = found
    peer = _key_peer(words, index)
    if peer is None:
        state.collector.unreadable(node, "ISAKMP key: peer not read")
        return
    network, hostname = peer
    state.peer_keys.append(
        PeerKey(
            peer=network,
            hostname=hostname,
            key=key,
            no_xauth="no-xauth" in [w.lower() for w in words],
            origin=origin,
        )
    )


def _key_peer(
    words: list[str], index: int
) -> tuple[IPv4Network | None, str | None] | None:
    """`address A [M]` (PIX 6: `address A netmask M`) or `hostname H`."""
    if index + 1 >= len(words):
        return None
    keyword, value = words[index].lower(), words[index + 1]
    if keyword == "hostname":
        return None, value
    if keyword != "address" or parse_ip(value) is None:
        return None

    rest = words[index + 2:]
    if rest and rest[0].lower() == "netmask":
        rest = rest[1:]
    if rest and looks_like_mask(rest[0]):
        network = network_from_mask(value, rest[0])
        return (network, None) if network else None
    return host_network(value), None


def read_keyring(state: LegacyState, node: Node) -> None:
    """`crypto keyring N [vrf V]` with ` pre-shared-key address A [M]
    key K` and ` pre-shared-key hostname H key K`."""
    name = node.words[2] if len(node.words) > 2 else ""
    for child in node.children:
        words = child.words
        if words[:1] != ["pre-shared-key"]:
            state.collector.not_modelled(child)
            continue
        _keyring_entry(state, name, child)


def _keyring_entry(state: LegacyState, keyring: str, node: Node) -> None:
    words = node.words
    lowered = [word.lower() for word in words]
    if "key" not in lowered[1:]:
        state.collector.unreadable(node, "keyring entry without a key")
        return

    origin = state.origin(node)
    key_index = lowered.index("key", 1)
    peer = _key_peer(words[:key_index], 1)
    found = read_key(words, key_index + 1, origin)
    if peer is None or found is None:
        state.collector.unreadable(node, "keyring entry not read")
        return
    state.peer_keys.append(
        PeerKey(
            peer=peer[0],
            hostname=peer[1],
            key=found[0],
            keyring=keyring,
            origin=origin,
        )
    )


# --- profiles --------------------------------------------------------------


def read_isakmp_profile(state: LegacyState, node: Node) -> None:
    """`crypto isakmp profile N`: which keyrings, which peers it matches.

    IOS picks the profile whose ` match identity address` covers the
    peer; the profile's keyrings then hold the key.
    """
    name = node.words[3] if len(node.words) > 3 else ""
    keyrings: list[str] = []
    matches: list[IPv4Network] = []
    for child in node.children:
        words = child.words
        if words[:1] == ["keyring"] and len(words) > 1:
            keyrings.append(words[1])
        elif words[:3] == ["match", "identity", "address"]:
            _match_address(state, child, words[3:], matches)
        elif not ios_aggressive.read_profile_line(state, name, child):
            state.collector.not_modelled(child)

    state.profiles[name] = IsakmpProfile(
        name=name,
        keyrings=tuple(keyrings),
        match_addresses=tuple(matches),
        origin=state.origin(node),
    )


def _match_address(
    state: LegacyState,
    node: Node,
    words: list[str],
    matches: list[IPv4Network],
) -> None:
    # `match identity address A [M] [VRF]`: a word after A that is no
    # mask names the VRF.
    if not words or parse_ip(words[0]) is None:
        state.collector.unreadable(node, "match identity address not read")
        return
    mask = words[1] if len(words) > 1 and looks_like_mask(words[1]) else None
    network = (
        network_from_mask(words[0], mask) if mask else host_network(words[0])
    )
    if network is None:
        state.collector.unreadable(node, "match identity address not read")
        return
    matches.append(network)


# --- global ISAKMP settings ------------------------------------------------


def read_isakmp_global(state: LegacyState, node: Node) -> None:
    """`crypto isakmp identity|aggressive-mode|enable|nat ...`."""
    words = [word.lower() for word in node.words]
    origin = state.origin(node)
    if words[2:3] == ["identity"] and len(words) > 3:
        state.settings["isakmp_identity"] = Setting(
            value=words[3], origin=origin
        )
    elif words[2:4] == ["aggressive-mode", "disable"]:
        state.settings["aggressive_mode_disabled"] = Setting(
            value=True, origin=origin
        )
    elif words[2:] == ["enable"]:
        state.ike_disabled = None
    else:
        state.collector.not_modelled(node)


def read_no_crypto(state: LegacyState, node: Node) -> None:
    """`no crypto isakmp ...` and `no crypto ipsec nat-transparency`."""
    words = [word.lower() for word in node.words]
    origin = state.origin(node)
    if words[1:] in (["crypto", "isakmp"], ["crypto", "isakmp", "enable"]):
        state.ike_disabled = origin
    elif words[1:] == ["crypto", "isakmp", "default", "policy"]:
        state.no_default_policies = origin
    elif words[1:4] in (
        ["crypto", "isakmp", "nat-traversal"],
        ["crypto", "ipsec", "nat-transparency"],
    ):
        state.settings["nat_traversal"] = Setting(value=False, origin=origin)
    elif words[1:] == ["crypto", "isakmp", "aggressive-mode", "disable"]:
        state.settings["aggressive_mode_disabled"] = Setting(
            value=False, origin=origin
        )
    else:
        state.collector.not_modelled(node)


# --- transform sets --------------------------------------------------------


def read_transform_set(state: LegacyState, node: Node) -> None:
    """`crypto ipsec transform-set N esp-aes 256 esp-sha-hmac` + mode.

    IOS writes the AES key length as its own token; the model keeps the
    ASA spelling (`esp-aes-256`). Without ` mode`, IOS uses tunnel mode.
    """
    words = node.words
    if len(words) < 5:
        state.collector.unreadable(node, "transform set without transforms")
        return

    transforms = _transforms(words[4:])
    if transforms is None:
        state.collector.unreadable(node, "transform not recognised")
        return
    mode = _mode(state, node)
    name = words[3]
    state.transform_sets[name] = TransformSet(
        name=name, mode=mode, origin=state.origin(node), **transforms
    )
    _mirror_proposal(state, state.transform_sets[name])


def _transforms(words: list[str]) -> dict[str, str | None] | None:
    found: dict[str, str | None] = {
        "esp_encryption": None, "esp_integrity": None, "ah": None
    }
    index = 0
    while index < len(words):
        word = words[index].lower()
        length = words[index + 1] if index + 1 < len(words) else None
        if word in names.ESP_KEYED and length and length.isdigit():
            found["esp_encryption"] = names.esp_encryption(word, length)
            index += 2
            continue
        if not _classify(word, found):
            return None
        index += 1
    return found


def _classify(word: str, found: dict[str, str | None]) -> bool:
    if word in names.ESP_ENCRYPTIONS:
        found["esp_encryption"] = word
    elif word in names.ESP_INTEGRITIES:
        found["esp_integrity"] = None if word == "esp-none" else word
    elif word in names.AH_TRANSFORMS:
        found["ah"] = word
    elif word != "comp-lzs":  # compression changes no negotiation outcome
        return False
    return True


def _mode(state: LegacyState, node: Node) -> Setting:
    mode: Setting | None = None
    for child in node.children:
        words = [word.lower() for word in child.words]
        if words[:1] == ["mode"] and len(words) > 1:
            mode = Setting(value=words[1], origin=state.origin(child))
        else:
            state.collector.not_modelled(child)
    if mode is None:
        state.collector.default("transform-set-mode", "tunnel")
        return Setting(value="tunnel")
    return mode


def _mirror_proposal(state: LegacyState, transform: TransformSet) -> None:
    # IOS offers the same transform sets to IKEv2 child SAs; the model's
    # IKEv2 side reads `ipsec_proposals`, in the ASA's words.
    encryption = names.PROPOSAL_ENCRYPTION.get(transform.esp_encryption or "")
    if encryption is None:
        return
    integrity = names.PROPOSAL_INTEGRITY.get(transform.esp_integrity or "")
    state.ipsec_proposals[transform.name] = IpsecProposal(
        name=transform.name,
        encryptions=(encryption,),
        integrities=(integrity or "null",),
        origin=transform.origin,
    )


def read_ipsec_global(state: LegacyState, node: Node) -> None:
    """`crypto ipsec security-association lifetime seconds N` and / or
    `kilobytes N`: the lifetime of entries that set none."""
    words = [word.lower() for word in node.words]
    if words[2:4] != ["security-association", "lifetime"]:
        state.collector.not_modelled(node)
        return

    pairs = list(zip(words[4::2], words[5::2], strict=False))
    if not pairs or any(
        unit not in _LIFETIME_FIELDS or to_int(text) is None
        for unit, text in pairs
    ):
        state.collector.unreadable(node, "SA lifetime not read")
        return
    for unit, text in pairs:
        state.sa_lifetimes[unit] = Setting(
            value=to_int(text), origin=state.origin(node)
        )


# --- crypto maps -----------------------------------------------------------


def read_crypto_map(state: LegacyState, node: Node) -> None:
    """`crypto map M N ipsec-isakmp [dynamic D]` with its ` set` lines,
    and the map-wide `crypto map M local-address IF` and `crypto map M
    client authentication list L` (Xauth)."""
    words = node.words
    if len(words) < 4:
        state.collector.unreadable(node, "crypto map line not read")
        return
    if not words[3].isdigit():
        if len(words) > 4 and words[4].lower().startswith("ipsec-"):
            state.collector.unreadable(node, "crypto map sequence not read")
            return
        read_map_wide(state, node)
        return

    kind = words[4].lower() if len(words) > 4 else "ipsec-isakmp"
    if kind != "ipsec-isakmp":
        state.collector.not_modelled(node, f"{kind} crypto map entry")
        return
    draft = state.entry(words[2], int(words[3]), False, node)
    if len(words) > 6 and words[5].lower() == "dynamic":
        draft.set("dynamic", state.origin(node), dynamic_map=words[6])
    _entry_children(state, draft, node)


def read_dynamic_map(state: LegacyState, node: Node) -> None:
    """`crypto dynamic-map D N` and its ` set` / ` match` lines."""
    words = node.words
    if len(words) < 4 or not words[3].isdigit():
        state.collector.unreadable(node, "dynamic-map line not read")
        return
    draft = state.entry(words[2], int(words[3]), True, node)
    _entry_children(state, draft, node)


def _entry_children(
    state: LegacyState, draft: EntryDraft, node: Node
) -> None:
    for child in node.children:
        if not apply_map_words(state, draft, child.words, child):
            state.collector.not_modelled(child)


def read_map_wide(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    name, origin = node.words[2], state.origin(node)
    if words[3] == "local-address" and len(words) > 4:
        # IOS terminates this map's tunnels on that interface's address.
        state.map_settings.setdefault(name, {})["local_address"] = (
            node.words[4], origin
        )
    elif words[3:6] == ["client", "authentication", "list"]:
        # Xauth on the map: an L2L peer's key then needs `no-xauth`.
        state.xauth = True
    elif words[3:5] == ["isakmp-profile"] and len(words) > 4:
        state.map_settings.setdefault(name, {})["isakmp_profile"] = (
            node.words[4], origin
        )
    else:
        state.collector.not_modelled(node)


def apply_map_words(
    state: LegacyState, draft: EntryDraft, words: list[str], node: Node
) -> bool:
    """One entry attribute (`set peer A`, `match address X` ...).

    Returns False when the words are no attribute asalint models.
    """
    lowered = [word.lower() for word in words]
    origin = state.origin(node)
    if lowered[:2] == ["match", "address"] and len(words) > 2:
        draft.set("match", origin, acl=words[2])
    elif lowered[:2] == ["set", "peer"] and len(words) > 2:
        _add_peer(draft, words[2], origin)
    elif lowered[:2] == ["set", "transform-set"] and len(words) > 2:
        draft.set("transform-set", origin, transform_sets=tuple(words[2:]))
    elif lowered[:2] == ["set", "pfs"]:
        _set_pfs(state, draft, lowered[2:], node)
    elif lowered[:2] == ["set", "security-association"]:
        return _set_lifetime(state, draft, lowered[2:], node)
    else:
        return _apply_profile_words(draft, lowered, words, origin)
    return True


def _apply_profile_words(draft, lowered, words, origin) -> bool:
    if lowered[:2] == ["set", "isakmp-profile"] and len(words) > 2:
        draft.set("isakmp-profile", origin, isakmp_profile=words[2])
    elif lowered[:2] == ["set", "ikev2-profile"] and len(words) > 2:
        # An entry with an IKEv2 profile negotiates IKEv2, with its
        # transform sets as the child SA proposals.
        draft.set("ikev2-profile", origin, ikev2_profile=words[2])
    elif lowered[:1] == ["reverse-route"]:
        draft.set("reverse-route", origin, reverse_route=True)
    elif lowered[:2] == ["set", "nat-t-disable"]:
        draft.set("nat-t-disable", origin, nat_t_disable=True)
    else:
        return False
    return True


def _add_peer(draft: EntryDraft, peer: str, origin) -> None:
    # Several `set peer` lines list backup peers, tried in order.
    address = parse_ip(peer)
    if address is None:
        hostnames = draft.values.get("peer_hostnames", ())
        draft.set("peer", origin, peer_hostnames=(*hostnames, peer))
        return
    peers = draft.values.get("peers", ())
    if address not in peers:
        draft.set("peer", origin, peers=(*peers, address))


def _set_pfs(
    state: LegacyState, draft: EntryDraft, words: list[str], node: Node
) -> None:
    """` set pfs [groupN]`; bare, IOS (and PIX 6) use group 1.

    Cisco's IOS Security Command Reference for `set pfs`: "By default,
    group1 is used" when no group is given.
    """
    origin = state.origin(node)
    if not words:
        draft.set("pfs", origin, pfs=Setting(value="group1", origin=origin),
                  pfs_bare=True)
        state.collector.default(
            "pfs-group", "group1", uncertain=state.era == Era.PIX6
        )
        return
    group = names.pfs_group(words[0])
    if group is None:
        state.collector.unreadable(node, "PFS group not read")
        return
    draft.set("pfs", origin, pfs=Setting(value=group, origin=origin),
              pfs_bare=False)


def _set_lifetime(
    state: LegacyState, draft: EntryDraft, words: list[str], node: Node
) -> bool:
    """`lifetime seconds N` and / or `kilobytes N` (PIX 6: both on one
    line)."""
    if words[:1] != ["lifetime"] or len(words) < 3:
        return False
    origin = state.origin(node)
    pairs = list(zip(words[1::2], words[2::2], strict=False))
    for unit, text in pairs:
        field = _LIFETIME_FIELDS.get(unit)
        value = to_int(text)
        if field is None or value is None:
            state.collector.unreadable(node, "SA lifetime not read")
            return True
        draft.set("lifetime", origin,
                  **{field: Setting(value=value, origin=origin)})
    return True


_LIFETIME_FIELDS = {
    "seconds": "lifetime_seconds",
    "kilobytes": "lifetime_kilobytes",
}


def bind_interface_map(
    state: LegacyState, interface: str, name: str, node: Node
) -> None:
    state.bindings.append(
        CryptoMapBinding(map=name, interface=interface,
                         origin=state.origin(node))
    )
