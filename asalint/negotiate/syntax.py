"""Command spellings per platform and era, for the fixes.

Each function returns config lines the user can paste on that device.
Keys are never written: `<key>` stands for the key.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from asalint.model import Device, Era, Platform
from asalint.negotiate.algorithms import Suite, Transform

KEY = "<key>"
NEXT_HOP = "<next-hop>"


def is_ios(device: Device) -> bool:
    return device.platform == Platform.IOS


def _ike(device: Device) -> str:
    """The IKEv1 keyword: `ikev1` from 8.4 on, `isakmp` before."""
    return "ikev1" if device.era == Era.ASA84 else "isakmp"


def mask(network: IPv4Network) -> str:
    return f"{network.network_address} {network.netmask}"


def wildcard(network: IPv4Network) -> str:
    return f"{network.network_address} {network.hostmask}"


def host_or_net(device: Device, network: IPv4Network) -> str:
    if network.prefixlen == 32:
        return f"host {network.network_address}"
    return wildcard(network) if is_ios(device) else mask(network)


# --- IKE -----------------------------------------------------------------


def enable_ike(device: Device, interface: str) -> list[str]:
    if device.era == Era.PIX6:
        return [f"isakmp enable {interface}"]
    return [f"crypto {_ike(device)} enable {interface}"]


def disable_am_disable(device: Device) -> list[str]:
    if device.era == Era.PIX6 or is_ios(device):
        return ["no crypto isakmp aggressive-mode disable"]
    return [f"no crypto {_ike(device)} am-disable"]


def identity_address(device: Device) -> list[str]:
    if device.era == Era.PIX6:
        return ["isakmp identity address"]
    return ["crypto isakmp identity address"]


_ASA_CIPHER = {"aes-128": "aes", "aes-192": "aes-192", "aes-256": "aes-256"}
_IOS_CIPHER = {"aes-128": "aes", "aes-192": "aes 192", "aes-256": "aes 256"}
_HASH = {"sha1": "sha", "md5": "md5"}


def policy(device: Device, priority: int, suite: Suite) -> list[str]:
    cipher_names = _IOS_CIPHER if is_ios(device) else _ASA_CIPHER
    values = {
        "encryption": cipher_names.get(suite.encryption, suite.encryption),
        "hash": _HASH.get(suite.hash or "", suite.hash or "sha"),
        "group": str(suite.group),
        "authentication": suite.authentication,
    }
    if device.era == Era.PIX6:
        return [
            f"isakmp policy {priority} {name} {value}"
            for name, value in values.items()
        ]
    if is_ios(device):
        values["encr"] = values.pop("encryption")
    head = (
        "crypto isakmp policy"
        if is_ios(device)
        else f"crypto {_ike(device)} policy"
    )
    return [f"{head} {priority}"] + [f" {k} {v}" for k, v in values.items()]


# --- keys ------------------------------------------------------------------


def nat_traversal(device: Device) -> list[str]:
    """Turn NAT-T on (20 s keepalives, the ASA's default interval)."""
    if device.era == Era.PIX6:
        return ["isakmp nat-traversal 20"]
    if is_ios(device):
        return ["crypto ipsec nat-transparency udp-encapsulation"]
    return ["crypto isakmp nat-traversal 20"]


def hostname_key(device: Device, name: str) -> list[str]:
    """IOS: a key for a peer that identifies itself by host name."""
    return [f"crypto isakmp key {KEY} hostname {name}"]


def tunnel_group(device: Device, peer: IPv4Address | str) -> list[str]:
    keyword = (
        "ikev1 pre-shared-key" if device.era == Era.ASA84 else "pre-shared-key"
    )
    return [
        f"tunnel-group {peer} type ipsec-l2l",
        f"tunnel-group {peer} ipsec-attributes",
        f" {keyword} {KEY}",
    ]


def peer_key(
    device: Device, peer: IPv4Address, no_xauth: bool = False
) -> list[str]:
    if device.era == Era.PIX6:
        suffix = " no-xauth" if no_xauth else ""
        return [
            f"isakmp key {KEY} address {peer} netmask 255.255.255.255{suffix}"
        ]
    suffix = " no-xauth" if no_xauth else ""
    return [f"crypto isakmp key {KEY} address {peer}{suffix}"]


def psk(device: Device, peer: IPv4Address) -> list[str]:
    if is_ios(device) or device.era == Era.PIX6:
        return peer_key(device, peer)
    return tunnel_group(device, peer)


# --- crypto maps -------------------------------------------------------------


def map_lines(
    device: Device, name: str, sequence: int, settings: list[str]
) -> list[str]:
    """`set ...` / `match ...` lines of one entry, in the device's form."""
    if is_ios(device):
        return [f"crypto map {name} {sequence} ipsec-isakmp"] + [
            f" {setting}" for setting in settings
        ]
    return [f"crypto map {name} {sequence} {setting}" for setting in settings]


def remove_entry(device: Device, name: str, sequence: int) -> list[str]:
    if is_ios(device):
        return [f"no crypto map {name} {sequence}"]
    return [f"clear configure crypto map {name} {sequence}"]


def unset(device: Device, name: str, sequence: int, setting: str) -> list[str]:
    """Remove one `set ...` line of an entry."""
    if is_ios(device):
        return [f"crypto map {name} {sequence} ipsec-isakmp", f" no {setting}"]
    return [f"no crypto map {name} {sequence} {setting}"]


def set_transform_set(device: Device, names: str) -> str:
    if device.era == Era.ASA84:
        return f"set ikev1 transform-set {names}"
    return f"set transform-set {names}"


def bind_map(device: Device, name: str, interface: str) -> list[str]:
    if is_ios(device):
        return [f"interface {interface}", f" crypto map {name}"]
    return [f"crypto map {name} interface {interface}"]


_ESP_ASA = {
    "aes-128": "esp-aes",
    "aes-192": "esp-aes-192",
    "aes-256": "esp-aes-256",
    "3des": "esp-3des",
    "des": "esp-des",
    "null": "esp-null",
}
_ESP_IOS = {
    "aes-128": "esp-aes",
    "aes-192": "esp-aes 192",
    "aes-256": "esp-aes 256",
    "3des": "esp-3des",
    "des": "esp-des",
    "null": "esp-null",
    "aes-gcm-128": "esp-gcm",
    "aes-gcm-256": "esp-gcm 256",
}
_HMAC = {
    "sha1": "esp-sha-hmac",
    "md5": "esp-md5-hmac",
    "sha256": "esp-sha256-hmac",
    "sha384": "esp-sha384-hmac",
    "sha512": "esp-sha512-hmac",
}


def transform_set(device: Device, name: str, wanted: Transform) -> list[str]:
    table = _ESP_IOS if is_ios(device) else _ESP_ASA
    parts = [table.get(wanted.encryption or "", f"esp-{wanted.encryption}")]
    if wanted.integrity:
        parts.append(
            _HMAC.get(wanted.integrity, f"esp-{wanted.integrity}-hmac")
        )
    elif not is_ios(device):
        parts.append("esp-none")
    if is_ios(device):
        head = f"crypto ipsec transform-set {name} {' '.join(parts)}"
        return [head, f" mode {wanted.mode}"]
    prefix = (
        "crypto ipsec ikev1" if device.era == Era.ASA84 else "crypto ipsec"
    )
    lines = [f"{prefix} transform-set {name} {' '.join(parts)}"]
    if wanted.mode != "tunnel":
        lines.append(f"{prefix} transform-set {name} mode {wanted.mode}")
    return lines


# --- ACLs, routes, NAT, filters ----------------------------------------------


def acl_entry(
    device: Device, acl: str, local: IPv4Network, remote: IPv4Network
) -> list[str]:
    source, destination = (
        host_or_net(device, local),
        host_or_net(device, remote),
    )
    if is_ios(device) and not acl.isdigit():
        return [
            f"ip access-list extended {acl}",
            f" permit ip {source} {destination}",
        ]
    if is_ios(device) or device.era == Era.PIX6:
        return [f"access-list {acl} permit ip {source} {destination}"]
    return [f"access-list {acl} extended permit ip {source} {destination}"]


def route(
    device: Device, interface: str | None, target: IPv4Network
) -> list[str]:
    if is_ios(device):
        return [f"ip route {mask(target)} {NEXT_HOP}"]
    return [f"route {interface or '<interface>'} {mask(target)} {NEXT_HOP}"]


def permit_vpn(device: Device) -> list[str]:
    if device.era == Era.PIX6 or (device.version or "").startswith("7.0"):
        return ["sysopt connection permit-ipsec"]
    return ["sysopt connection permit-vpn"]


def _object_name(network: IPv4Network) -> str:
    return f"obj-{network.network_address}_{network.prefixlen}"


def _object(network: IPv4Network) -> list[str]:
    if network.prefixlen == 32:
        body = f" host {network.network_address}"
    else:
        body = f" subnet {mask(network)}"
    return [f"object network {_object_name(network)}", body]


def nat_exemption(
    device: Device,
    inside: str | None,
    outside: str | None,
    local: IPv4Network,
    remote: IPv4Network,
) -> list[str]:
    inside, outside = inside or "<inside>", outside or "<outside>"
    if is_ios(device):
        return [
            "ip access-list extended <nat-acl>",
            f" deny ip {wildcard(local)} {wildcard(remote)}",
        ]
    if device.era in (Era.ASA83, Era.ASA84):
        lo, re = _object_name(local), _object_name(remote)
        return (
            _object(local)
            + _object(remote)
            + [
                (
                    f"nat ({inside},{outside}) 1 source static {lo} {lo}"
                    f" destination static {re} {re} no-proxy-arp route-lookup"
                )
            ]
        )
    acl = "NONAT"
    return acl_entry(device, acl, local, remote) + [
        f"nat ({inside}) 0 access-list {acl}"
    ]


# --- IKEv2 -----------------------------------------------------------------


def ikev2_keys(device: Device, peer: IPv4Address) -> list[str]:
    if is_ios(device):
        return [
            "crypto ikev2 keyring <keyring>",
            f" peer {peer}",
            f"  address {peer}",
            f"  pre-shared-key {KEY}",
        ]
    return [
        f"tunnel-group {peer} type ipsec-l2l",
        f"tunnel-group {peer} ipsec-attributes",
        f" ikev2 remote-authentication pre-shared-key {KEY}",
        f" ikev2 local-authentication pre-shared-key {KEY}",
    ]


def ikev2_policy(device: Device, values: dict[str, str]) -> list[str]:
    if is_ios(device):
        return ["crypto ikev2 proposal <proposal>"] + [
            f" {name} {value}" for name, value in values.items()
        ]
    return ["crypto ikev2 policy 10"] + [
        f" {name} {value}" for name, value in values.items()
    ]


def tunnel_protocols(name: str) -> list[str]:
    return [
        f"group-policy {name} attributes",
        " vpn-tunnel-protocol ikev1 ikev2",
    ]


def ipsec_proposal(name: str, encryption: str, integrity: str) -> list[str]:
    return [
        f"crypto ipsec ikev2 ipsec-proposal {name}",
        f" protocol esp encryption {encryption}",
        f" protocol esp integrity {integrity}",
    ]
