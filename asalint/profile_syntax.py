"""The configuration a peer profile stands for, written in its platform's
syntax, each line paired with the profile key that says it.

`asalint.peer_profile` reads these lines with asalint's own parser and
points every origin at the paired key's line of the profile; the text
written here is never shown. A generic peer is written as IOS, whose
state names (`MM_NO_STATE`, `QM_IDLE`) are what most non-Cisco gateways'
logs resemble.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from asalint.peer_profile import GCM, PeerProfile

Line = tuple[str, tuple]  # (config text, profile key path)

MAP = "PROFILE"
ACL = "PROFILE-VPN"
MASK = "*****"  # a key agreed out of band; its value is not ours to see


def _mask(network: IPv4Network) -> str:
    return str(network.netmask)


def _wildcard(network: IPv4Network) -> str:
    return str(network.hostmask)


def _set_peer_key(profile: PeerProfile) -> tuple:
    return ("peer",) if profile.peer else ("address",)


def _hostname(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)


# --- IOS (and generic) ---------------------------------------------------------

_IOS_IKE_CIPHER = {
    "des": "des", "3des": "3des", "aes-128": "aes", "aes-192": "aes 192",
    "aes-256": "aes 256",
}
_IOS_IKEV2_CIPHER = {
    "des": "des", "3des": "3des", "aes-128": "aes-cbc-128",
    "aes-192": "aes-cbc-192", "aes-256": "aes-cbc-256",
    "aes-gcm-128": "aes-gcm-128", "aes-gcm-256": "aes-gcm-256",
}
_IOS_HASH = {"sha1": "sha", "md5": "md5", "sha256": "sha256",
             "sha384": "sha384", "sha512": "sha512"}
_IOS_ESP = {
    "des": "esp-des", "3des": "esp-3des", "aes-128": "esp-aes",
    "aes-192": "esp-aes 192", "aes-256": "esp-aes 256",
    "aes-gcm-128": "esp-gcm", "aes-gcm-256": "esp-gcm 256",
}
_HMAC = {"sha1": "esp-sha-hmac", "md5": "esp-md5-hmac",
         "sha256": "esp-sha256-hmac", "sha384": "esp-sha384-hmac",
         "sha512": "esp-sha512-hmac"}


IOS_VERSION = {1: "15.0", 2: "15.4"}


def ios_lines(
    profile: PeerProfile, peer: IPv4Address, name: str
) -> list[Line]:
    """The IOS configuration of a peer that agreed to `profile`.

    The peer speaks only the IKE version it agreed to. IOS answers IKEv1
    unless `no crypto isakmp`, and IKEv2 from 15.1 on; the version line
    picks a release on the right side of that line that still accepts
    every algorithm a profile may name (IOS XE 17.11 refuses the weak
    ones, which a partner's agreement is about, not a release's).
    """
    lines: list[Line] = [
        (f"version {IOS_VERSION[profile.ike_version]}", ("ike_version",)),
        (f"hostname {_hostname(name)}", ("name",)),
    ]
    if profile.ike_version == 1:
        lines += _ios_ikev1(profile, peer)
    else:
        lines.append(("no crypto isakmp", ("ike_version",)))
        lines += _ios_ikev2(profile, peer)
    lines += _ios_transform_sets(profile)
    lines += _ios_acl(profile)
    lines += _ios_map(profile, peer)
    lines += _ios_interfaces(profile)
    return lines


def _ios_ikev1(profile: PeerProfile, peer: IPv4Address) -> list[Line]:
    lines: list[Line] = []
    for index, proposal in enumerate(profile.phase1):
        table = ("phase1", index)
        lines += [
            (f"crypto isakmp policy {10 * (index + 1)}", table),
            (f" encr {_IOS_IKE_CIPHER[proposal.encryption]}",
             (*table, "encryption")),
            (f" hash {_IOS_HASH[proposal.digest]}", (*table, "hash")),
            (" authentication pre-share", table),
            (f" group {proposal.group}", (*table, "group")),
        ]
        if proposal.lifetime:
            lines.append((f" lifetime {proposal.lifetime}",
                          (*table, "lifetime")))
    if profile.key_given:
        lines.append((f"crypto isakmp key {MASK} address {peer}",
                      ("key_given",)))
    return lines


def _ios_ikev2(profile: PeerProfile, peer: IPv4Address) -> list[Line]:
    lines: list[Line] = []
    for index, proposal in enumerate(profile.phase1):
        table = ("phase1", index)
        lines += [
            (f"crypto ikev2 proposal {MAP}-{index + 1}", table),
            (f" encryption {_IOS_IKEV2_CIPHER[proposal.encryption]}",
             (*table, "encryption")),
        ]
        if proposal.encryption not in GCM:
            # IOS takes no integrity with an AEAD cipher, only a PRF.
            lines.append((f" integrity {proposal.digest}",
                          (*table, "integrity")))
        lines.append((f" group {proposal.group}", (*table, "group")))
        if proposal.prf or proposal.encryption in GCM:
            lines.append((f" prf {proposal.prf or proposal.digest}",
                          (*table, "prf")))
    lines.append((f"crypto ikev2 policy {MAP}", ("phase1", 0)))
    lines += [(f" proposal {MAP}-{n + 1}", ("phase1", n))
              for n in range(len(profile.phase1))]
    return lines + _ios_ikev2_profile(profile, peer)


def _ios_ikev2_profile(
    profile: PeerProfile, peer: IPv4Address
) -> list[Line]:
    lines: list[Line] = []
    if profile.key_given:
        lines += [
            (f"crypto ikev2 keyring {MAP}", ("key_given",)),
            (" peer PARTNER", ("key_given",)),
            (f"  address {peer}", ("key_given",)),
            (f"  pre-shared-key {MASK}", ("key_given",)),
        ]
    # Without a key, the profile is where the key is missing.
    head = ("address",) if profile.key_given else ("key_given",)
    lines += [
        (f"crypto ikev2 profile {MAP}", head),
        (f" match identity remote address {peer} 255.255.255.255",
         _set_peer_key(profile)),
        (" authentication remote pre-share", ("key_given",)),
        (" authentication local pre-share", ("key_given",)),
    ]
    if profile.key_given:
        lines.append((f" keyring local {MAP}", ("key_given",)))
    return lines


def _ios_transform_sets(profile: PeerProfile) -> list[Line]:
    lines: list[Line] = []
    for index, proposal in enumerate(profile.phase2):
        table = ("phase2", index)
        words = [_IOS_ESP[proposal.encryption]]
        if proposal.integrity and proposal.encryption not in GCM:
            words.append(_HMAC[proposal.integrity])
        head = f"crypto ipsec transform-set {MAP}-{index + 1}"
        lines += [(f"{head} {' '.join(words)}", table),
                  (" mode tunnel", table)]
    return lines


def _ios_acl(profile: PeerProfile) -> list[Line]:
    lines: list[Line] = [(f"ip access-list extended {ACL}", ("networks",))]
    for local in profile.networks.local:
        for remote in profile.networks.remote:
            source = f"{local.network_address} {_wildcard(local)}"
            target = f"{remote.network_address} {_wildcard(remote)}"
            lines.append((f" permit ip {source} {target}",
                          ("networks", "local")))
    return lines


def _ios_map(profile: PeerProfile, peer: IPv4Address) -> list[Line]:
    names = " ".join(f"{MAP}-{n + 1}" for n in range(len(profile.phase2)))
    lines: list[Line] = [
        (f"crypto map {MAP} 10 ipsec-isakmp", ("address",)),
        (f" set peer {peer}", _set_peer_key(profile)),
        (f" set transform-set {names}", ("phase2", 0)),
    ]
    if profile.pfs != "none":
        lines.append((f" set pfs group{profile.pfs}", ("pfs",)))
    if lifetime := profile.phase2[0].lifetime:
        text = f" set security-association lifetime seconds {lifetime}"
        lines.append((text, ("phase2", 0, "lifetime")))
    if profile.ike_version == 2:
        lines.append((f" set ikev2-profile {MAP}", ("ike_version",)))
    lines.append((f" match address {ACL}", ("networks",)))
    return lines


def _ios_interfaces(profile: PeerProfile) -> list[Line]:
    lines: list[Line] = [
        ("interface Outside", ("address",)),
        (f" ip address {profile.address} 255.255.255.255", ("address",)),
        (f" crypto map {MAP}", ("address",)),
        ("interface Protected", ("networks", "local")),
        ("ip route 0.0.0.0 0.0.0.0 Outside", ("address",)),
    ]
    for local in profile.networks.local:
        lines.append((
            f"ip route {local.network_address} {_mask(local)} Protected",
            ("networks", "local"),
        ))
    return lines


# --- ASA ---------------------------------------------------------------------------

_ASA_CIPHER = {
    "des": "des", "3des": "3des", "aes-128": "aes", "aes-192": "aes-192",
    "aes-256": "aes-256", "aes-gcm-128": "aes-gcm",
    "aes-gcm-256": "aes-gcm-256",
}
_ASA_HASH = {"sha1": "sha", "md5": "md5", "sha256": "sha-256",
             "sha384": "sha-384", "sha512": "sha-512"}
_ASA_ESP = {
    "des": "esp-des", "3des": "esp-3des", "aes-128": "esp-aes",
    "aes-192": "esp-aes-192", "aes-256": "esp-aes-256",
}
# A release with IKEv2, SHA-2 and no default IKE policy (8.4 and later).
ASA_VERSION = "9.16(4)"


def asa_lines(
    profile: PeerProfile, peer: IPv4Address, name: str
) -> list[Line]:
    """The ASA configuration of a peer that agreed to `profile`."""
    lines: list[Line] = [
        (f"ASA Version {ASA_VERSION}", ("platform",)),
        (f"hostname {_hostname(name)}", ("name",)),
    ]
    lines += _asa_interfaces(profile, peer)
    lines += _asa_acl(profile)
    lines += _asa_phase2(profile)
    lines += _asa_map(profile, peer)
    lines += _asa_phase1(profile)
    lines += _asa_tunnel_group(profile, peer)
    return lines


def _asa_interfaces(profile: PeerProfile, peer: IPv4Address) -> list[Line]:
    lines: list[Line] = [
        ("interface GigabitEthernet0/0", ("address",)),
        (" nameif outside", ("address",)),
        (" security-level 0", ("address",)),
        (f" ip address {profile.address} 255.255.255.255", ("address",)),
        ("interface GigabitEthernet0/1", ("networks", "local")),
        (" nameif inside", ("networks", "local")),
        (" security-level 100", ("networks", "local")),
        # The routes name their interface; the next hops only fill the
        # syntax, as the profile says nothing about them.
        (f"route outside 0.0.0.0 0.0.0.0 {peer} 1", ("address",)),
    ]
    for local in profile.networks.local:
        hop = local.network_address
        lines.append((
            f"route inside {local.network_address} {_mask(local)} {hop} 1",
            ("networks", "local"),
        ))
    return lines


def _asa_acl(profile: PeerProfile) -> list[Line]:
    lines: list[Line] = []
    for local in profile.networks.local:
        for remote in profile.networks.remote:
            source = f"{local.network_address} {_mask(local)}"
            target = f"{remote.network_address} {_mask(remote)}"
            text = f"access-list {ACL} extended permit ip {source} {target}"
            lines.append((text, ("networks", "local")))
    return lines


def _asa_phase2(profile: PeerProfile) -> list[Line]:
    lines: list[Line] = []
    for index, proposal in enumerate(profile.phase2):
        table, name = ("phase2", index), f"{MAP}-{index + 1}"
        esp = _ASA_ESP.get(proposal.encryption, "")
        if profile.ike_version == 1:
            hmac = _HMAC.get(proposal.integrity or "", "esp-none")
            head = f"crypto ipsec ikev1 transform-set {name}"
            lines.append((f"{head} {esp} {hmac}", table))
            continue
        cipher = _ASA_CIPHER[proposal.encryption]
        integrity = _ASA_HASH.get(proposal.integrity or "", "null")
        lines += [
            (f"crypto ipsec ikev2 ipsec-proposal {name}", table),
            (f" protocol esp encryption {cipher}", (*table, "encryption")),
            (f" protocol esp integrity {integrity}", (*table, "integrity")),
        ]
    return lines


def _asa_map(profile: PeerProfile, peer: IPv4Address) -> list[Line]:
    entry = f"crypto map {MAP} 10"
    names = " ".join(f"{MAP}-{n + 1}" for n in range(len(profile.phase2)))
    kind = ("ikev1 transform-set" if profile.ike_version == 1
            else "ikev2 ipsec-proposal")
    lines: list[Line] = [
        (f"{entry} match address {ACL}", ("networks",)),
        (f"{entry} set peer {peer}", _set_peer_key(profile)),
        (f"{entry} set {kind} {names}", ("phase2", 0)),
    ]
    if profile.pfs != "none":
        lines.append((f"{entry} set pfs group{profile.pfs}", ("pfs",)))
    if lifetime := profile.phase2[0].lifetime:
        text = f"{entry} set security-association lifetime seconds {lifetime}"
        lines.append((text, ("phase2", 0, "lifetime")))
    version = f"ikev{profile.ike_version}"
    return lines + [
        (f"crypto map {MAP} interface outside", ("address",)),
        (f"crypto {version} enable outside", ("ike_version",)),
    ]


def _asa_phase1(profile: PeerProfile) -> list[Line]:
    lines: list[Line] = []
    for index, proposal in enumerate(profile.phase1):
        table = ("phase1", index)
        version = f"ikev{profile.ike_version}"
        lines += [
            (f"crypto {version} policy {10 * (index + 1)}", table),
            (f" encryption {_ASA_CIPHER[proposal.encryption]}",
             (*table, "encryption")),
        ]
        lines += (_asa_ikev1_policy(proposal, table)
                  if profile.ike_version == 1
                  else _asa_ikev2_policy(proposal, table))
    return lines


def _asa_ikev1_policy(proposal, table: tuple) -> list[Line]:
    lines: list[Line] = [
        (" authentication pre-share", table),
        (f" hash {_ASA_HASH[proposal.digest]}", (*table, "hash")),
        (f" group {proposal.group}", (*table, "group")),
    ]
    if proposal.lifetime:
        lines.append((f" lifetime {proposal.lifetime}",
                      (*table, "lifetime")))
    return lines


def _asa_ikev2_policy(proposal, table: tuple) -> list[Line]:
    integrity = "null" if proposal.encryption in GCM else proposal.digest
    lines: list[Line] = [
        (f" integrity {integrity}", (*table, "integrity")),
        (f" group {proposal.group}", (*table, "group")),
        (f" prf {proposal.prf or proposal.digest}", (*table, "prf")),
    ]
    if proposal.lifetime:
        lines.append((f" lifetime seconds {proposal.lifetime}",
                      (*table, "lifetime")))
    return lines


def _asa_tunnel_group(
    profile: PeerProfile, peer: IPv4Address
) -> list[Line]:
    if not profile.key_given:
        # The group exists; the key it should hold is what is missing.
        return [(f"tunnel-group {peer} type ipsec-l2l", ("key_given",))]
    lines: list[Line] = [
        (f"tunnel-group {peer} type ipsec-l2l", _set_peer_key(profile)),
    ]
    lines.append((f"tunnel-group {peer} ipsec-attributes", ("key_given",)))
    if profile.ike_version == 1:
        return lines + [
            (f" ikev1 pre-shared-key {MASK}", ("key_given",)),
        ]
    return lines + [
        (f" ikev2 remote-authentication pre-shared-key {MASK}",
         ("key_given",)),
        (f" ikev2 local-authentication pre-shared-key {MASK}",
         ("key_given",)),
    ]
