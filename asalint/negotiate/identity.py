"""The ISAKMP identity a side sends, and the key the responder finds by it.

Main mode with pre-shared keys: the responder needs the key to read MM5,
which is where the identity arrives, so it chose the key by the
initiator's address (the ASA "selects the tunnel-group by the peer's IP
address only"; IOS looks the key up while it weighs the proposals). A
name sent in MM5 afterwards meets a key bound to an address; whether the
responder then refuses it is not documented (step 5, uncertain).

Aggressive mode: the first message carries the identity in clear, and the
responder looks the key up by it. The ASA matches the tunnel-group name
against the IKE identity first (an address, a host name or a key-id);
IOS takes the key configured for that host name (`crypto isakmp key K
hostname H`, or a keyring's `pre-shared-key hostname H key K`). Whether
either falls back to the address when the name finds nothing is not
documented: the simulation says it does not, and marks that uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from asalint.model import CryptoMapEntry, Device, KeyState, Origin, Setting
from asalint.negotiate.index import DeviceIndex
from asalint.negotiate.keys import L2L, KeyChoice, key_for
from asalint.negotiate.states import Family, family

# Identity kinds that carry a name rather than the sender's address.
NAMED = frozenset({"fqdn", "user-fqdn", "key-id", "dn"})

IDENTITY_MISMATCH = "identity-mismatch"


@dataclass(frozen=True)
class Identity:
    """What the ID payload carries: a kind and its value."""

    kind: str  # address | fqdn | user-fqdn | key-id | dn
    value: str
    origin: Origin | None  # the line that chose it; None: a default
    uncertain: bool = False  # the default itself is uncertain (PIX 6)

    @property
    def named(self) -> bool:
        return self.kind in NAMED

    def label(self) -> str:
        return f"{self.kind} {self.value}".strip()


def sent_identity(
    device: Device, entry: CryptoMapEntry | None, address: IPv4Address | None
) -> Identity:
    """The identity `device` sends from `entry`, its IKE address being
    `address`. `auto` is the address with pre-shared keys (the ASA's
    `crypto isakmp identity auto`); `hostname` the FQDN, host name and
    domain name."""
    setting = _setting(device, entry)
    words = str(setting.value or "auto").split()
    kind = words[0].lower()
    default = device.default_used("isakmp-identity")
    uncertain = setting.is_default and bool(default and default.uncertain)
    if kind in ("auto", "address"):
        value = words[1] if len(words) > 1 else str(address or "")
        return Identity("address", value, setting.origin, uncertain)
    if kind in ("hostname", "fqdn") and len(words) == 1:
        return Identity("fqdn", fqdn(device), setting.origin, uncertain)
    kind = "fqdn" if kind == "hostname" else kind
    value = " ".join(words[1:])
    return Identity(kind, value, setting.origin, uncertain)


def _setting(device: Device, entry: CryptoMapEntry | None) -> Setting:
    if entry is not None and entry.local_identity is not None:
        return entry.local_identity
    return device.isakmp_identity


def fqdn(device: Device) -> str:
    name = device.hostname or ""
    return f"{name}.{device.domain_name}" if device.domain_name else name


# --- aggressive mode: the responder's key, found by the identity ------------


def key_by_identity(
    index: DeviceIndex, identity: Identity, address: IPv4Address
) -> KeyChoice:
    """The responder's key in aggressive mode. An address identity is
    looked up as in main mode; a name by its own group or host-name key.
    When the name finds nothing but the address would have, the problem
    is `identity-mismatch`; when neither finds anything, the address
    lookup's own problem stands."""
    by_address = key_for(index, address)
    if not identity.named:
        return by_address
    asa = family(index.device) == Family.ASA
    if asa:
        found = _group_by_name(index, identity)
    else:
        found = _hostname_key(index, identity)
    if found is not None:
        return found
    if by_address.problem is not None:
        return by_address
    missing = "tunnel-group named" if asa else "key for host name"
    return KeyChoice(
        None,
        by_address.origin,
        f"no {missing} {identity.value}; the one for {address} is not"
        " looked at in aggressive mode",
        IDENTITY_MISMATCH,
    )


def _group_by_name(index: DeviceIndex, identity: Identity) -> KeyChoice | None:
    group = index.tunnel_group(identity.value)
    if group is None or group.type not in (None, L2L):
        return None
    how = f"tunnel-group {identity.value} (named by the identity)"
    key = group.ikev1_key
    if key.state == KeyState.ABSENT:
        return KeyChoice(None, group.origin, f"{how} holds no IKEv1 key",
                         "psk-missing")
    return KeyChoice(key, key.origin or group.origin, how)


def _hostname_key(index: DeviceIndex, identity: Identity) -> KeyChoice | None:
    # A host-name key answers an FQDN identity; IOS keeps key-ids for
    # Easy VPN client groups, which a site-to-site key never is.
    if identity.kind != "fqdn":
        return None
    wanted = identity.value.lower()
    for key in index.device.peer_keys:
        if not key.ikev2 and (key.hostname or "").lower() == wanted:
            return KeyChoice(
                key.key, key.origin, f"key for host name {key.hostname}",
                peer_key=key,
            )
    return None
