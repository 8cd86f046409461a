"""Configs that hold canary secrets, for the tests that no secret leaks.

Every secret-bearing line a Cisco config can hold is written here once,
each with its own distinctive canary, so that a leak names the form that
leaked. The configs are whole devices that pair with each other (the
keys differ on purpose, so the simulation compares them and cites both
key lines), plus damaged copies: truncated, binary-ish, pager debris,
unparseable lines with a key in them.

All text here is written for these tests; addresses are documentation
ranges.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

# Form -> canary. Each value is alphanumeric (no escaping in JSON or
# SARIF can hide it) and starts with `Cny` so that no config word holds it.
CANARIES: dict[str, str] = {
    "asa_ikev1_psk": "CnyAsaIkev1Psk7Qx",
    "asa_ikev1_psk_branch": "CnyAsaIkev1Br4Wv",
    "asa_ikev2_remote_psk": "CnyAsaIkev2Rem9Lp",
    "asa_ikev2_local_psk": "CnyAsaIkev2Loc3Tz",
    "asa_named_group_psk": "CnyAsaNamedGrp5Hd",
    "asa_pre83_psk": "CnyAsaPre83Psk2Mf",
    "pix6_isakmp_key": "CnyPix6IsakmpKey8Rb",
    "ios_isakmp_key": "CnyIosIsakmpKey6Nc",
    "ios_keyring_key": "CnyIosKeyring1Jg",
    "ios_ikev2_local": "CnyIosIkev2Loc4Yk",
    "ios_ikev2_remote": "CnyIosIkev2Rem0Us",
    "asa_enable": "CnyAsaEnable5Pe",
    "asa_passwd": "CnyAsaPasswd2Ka",
    "asa_username": "CnyAsaUser8Vo",
    "asa_snmp_community": "CnyAsaSnmpComm3Gi",
    "asa_snmp_host": "CnyAsaSnmpHost6Db",
    "asa_snmpv3_auth": "CnyAsaSnmpAuth1Xe",
    "asa_snmpv3_priv": "CnyAsaSnmpPriv7Ow",
    "asa_failover_key": "CnyAsaFailover4Qm",
    "asa_failover_ipsec": "CnyAsaFoIpsec9Zr",
    "asa_aaa_inline": "CnyAsaAaaInline3Hu",
    "asa_aaa_key": "CnyAsaAaaKey5Bn",
    "asa_radius_common": "CnyAsaRadCommon2Ty",
    "asa_ldap_login": "CnyAsaLdapLogin1Fs",
    "asa_ntp_key": "CnyAsaNtpKey7Ad",
    "asa_config_key_new": "CnyAsaCfgKeyNew6Lj",
    "asa_config_key_old": "CnyAsaCfgKeyOld3Wc",
    "asa_url_password": "CnyAsaUrlPass8Sk",
    "pix6_enable": "CnyPix6Enable4Ri",
    "pix6_passwd": "CnyPix6Passwd9Ep",
    "pix6_snmp": "CnyPix6Snmp5Ox",
    "ios_enable_secret": "CnyIosEnable2Vu",
    "ios_username": "CnyIosUser7Hq",
    "ios_snmp_community": "CnyIosSnmpComm1Dz",
    "ios_snmp_host": "CnyIosSnmpHost4Na",
    "ios_tacacs": "CnyIosTacacs8Gm",
    "ios_radius_host": "CnyIosRadius3Pw",
    "ios_key_string": "CnyIosKeyString6Cv",
    "ios_ospf_md5": "CnyIosOspfMd5Key9Rt",
    "ios_bgp_password": "CnyIosBgpPass2Yl",
    "ios_ntp_key": "CnyIosNtpKey5Fb",
    "ios_config_key": "CnyIosCfgKey0Ji",
    "ios_vty_password": "CnyIosVty7Mw",
    "ios_hsrp": "CnyIosHsrp1Ag",
}

C = CANARIES

# ASA 9.8, 8.4+ syntax: hq at 203.0.113.2, the branch at 198.51.100.10.
ASA84_HQ = f"""\
: Saved
:
ASA Version 9.8(4)
!
hostname canary-hq
enable password {C["asa_enable"]} encrypted
passwd {C["asa_passwd"]} encrypted
username admin password {C["asa_username"]} privilege 15
names
!
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.240 standby 203.0.113.3
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.10.0.1 255.255.255.0 standby 10.10.0.2
!
object network HQ-LAN
 subnet 10.10.0.0 255.255.255.0
object network BRANCH-LAN
 subnet 10.20.0.0 255.255.255.0
access-list outside_cryptomap_10 extended permit ip object HQ-LAN \
object BRANCH-LAN
nat (inside,outside) source static HQ-LAN HQ-LAN destination static \
BRANCH-LAN BRANCH-LAN no-proxy-arp route-lookup
route outside 0.0.0.0 0.0.0.0 203.0.113.1 1
aaa-server RAD protocol radius
aaa-server RAD (inside) host 10.10.0.5 {C["asa_aaa_inline"]} timeout 5
aaa-server RAD (inside) host 10.10.0.6
 key {C["asa_aaa_key"]}
 radius-common-pw {C["asa_radius_common"]}
aaa-server DIR protocol ldap
aaa-server DIR (inside) host 10.10.0.7
 ldap-login-password {C["asa_ldap_login"]}
 ldap-login-dn cn=vpn,dc=corp,dc=example
snmp-server community {C["asa_snmp_community"]}
snmp-server host inside 10.10.0.8 community {C["asa_snmp_host"]} version 2c
snmp-server user ops ops-group v3 auth sha {C["asa_snmpv3_auth"]} \
priv aes 128 {C["asa_snmpv3_priv"]}
ntp authentication-key 1 md5 {C["asa_ntp_key"]}
ntp trusted-key 1
key config-key password-encryption {C["asa_config_key_new"]} \
{C["asa_config_key_old"]}
auto-update server https://fwops:{C["asa_url_password"]}@10.10.0.9/update
failover
failover lan unit primary
failover key {C["asa_failover_key"]}
failover ipsec pre-shared-key {C["asa_failover_ipsec"]}
crypto ipsec ikev1 transform-set ESP-AES256-SHA esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address outside_cryptomap_10
crypto map outside_map 10 set peer 198.51.100.10
crypto map outside_map 10 set ikev1 transform-set ESP-AES256-SHA
crypto map outside_map interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 lifetime 86400
tunnel-group 198.51.100.10 type ipsec-l2l
tunnel-group 198.51.100.10 ipsec-attributes
 ikev1 pre-shared-key {C["asa_ikev1_psk"]}
 ikev2 remote-authentication pre-shared-key {C["asa_ikev2_remote_psk"]}
 ikev2 local-authentication pre-shared-key {C["asa_ikev2_local_psk"]}
tunnel-group PARTNER type ipsec-l2l
tunnel-group PARTNER ipsec-attributes
 ikev1 pre-shared-key {C["asa_named_group_psk"]}
: end
"""

# The branch ASA: its key differs from hq's, so the pair compares them.
ASA84_BRANCH = f"""\
ASA Version 9.12(4)
!
hostname canary-branch
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.10 255.255.255.240
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.20.0.1 255.255.255.0
!
object network HQ-LAN
 subnet 10.10.0.0 255.255.255.0
object network BRANCH-LAN
 subnet 10.20.0.0 255.255.255.0
access-list outside_cryptomap_10 extended permit ip object BRANCH-LAN \
object HQ-LAN
nat (inside,outside) source static BRANCH-LAN BRANCH-LAN destination \
static HQ-LAN HQ-LAN no-proxy-arp route-lookup
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
crypto ipsec ikev1 transform-set ESP-AES256-SHA esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address outside_cryptomap_10
crypto map outside_map 10 set peer 203.0.113.2
crypto map outside_map 10 set ikev1 transform-set ESP-AES256-SHA
crypto map outside_map interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 lifetime 86400
tunnel-group 203.0.113.2 type ipsec-l2l
tunnel-group 203.0.113.2 ipsec-attributes
 ikev1 pre-shared-key {C["asa_ikev1_psk_branch"]}
"""

# ASA 8.2 (pre-8.3 syntax) at 203.0.113.2, paired with the PIX 6 below.
ASA82_HQ = f"""\
ASA Version 8.2(5)
!
hostname canary-hq82
interface Ethernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.240
!
interface Ethernet0/1
 nameif inside
 security-level 100
 ip address 10.10.0.1 255.255.255.0
!
access-list nonat extended permit ip 10.10.0.0 255.255.255.0 \
10.20.0.0 255.255.255.0
access-list outside_cryptomap_10 extended permit ip 10.10.0.0 \
255.255.255.0 10.20.0.0 255.255.255.0
nat (inside) 0 access-list nonat
route outside 0.0.0.0 0.0.0.0 203.0.113.1 1
crypto ipsec transform-set ESP-AES256-SHA esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address outside_cryptomap_10
crypto map outside_map 10 set peer 198.51.100.2
crypto map outside_map 10 set transform-set ESP-AES256-SHA
crypto map outside_map interface outside
crypto isakmp enable outside
crypto isakmp policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 2
 lifetime 86400
tunnel-group 198.51.100.2 type ipsec-l2l
tunnel-group 198.51.100.2 ipsec-attributes
 pre-shared-key {C["asa_pre83_psk"]}
"""

PIX6_BRANCH = f"""\
PIX Version 6.3(5)
interface ethernet0 auto
interface ethernet1 100full
nameif ethernet0 outside security0
nameif ethernet1 inside security100
enable password {C["pix6_enable"]} encrypted
passwd {C["pix6_passwd"]} encrypted
hostname canary-pix
access-list nonat permit ip 10.20.0.0 255.255.255.0 10.10.0.0 255.255.255.0
access-list vpn-hq permit ip 10.20.0.0 255.255.255.0 10.10.0.0 255.255.255.0
ip address outside 198.51.100.2 255.255.255.248
ip address inside 10.20.0.1 255.255.255.0
nat (inside) 0 access-list nonat
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
snmp-server community {C["pix6_snmp"]}
sysopt connection permit-ipsec
crypto ipsec transform-set aes-sha esp-aes-256 esp-sha-hmac
crypto map outside_map 10 ipsec-isakmp
crypto map outside_map 10 match address vpn-hq
crypto map outside_map 10 set peer 203.0.113.2
crypto map outside_map 10 set transform-set aes-sha
crypto map outside_map interface outside
isakmp enable outside
isakmp key {C["pix6_isakmp_key"]} address 203.0.113.2 netmask \
255.255.255.255 no-xauth no-config-mode
isakmp identity address
isakmp policy 10 authentication pre-share
isakmp policy 10 encryption aes-256
isakmp policy 10 hash sha
isakmp policy 10 group 2
isakmp policy 10 lifetime 86400
: end
"""

# An IOS router at the ASA branch's address, to pair with ASA84_HQ.
IOS_BRANCH = f"""\
version 15.4
service timestamps debug datetime msec
no service password-encryption
hostname canary-rtr
enable secret 0 {C["ios_enable_secret"]}
username admin privilege 15 password 0 {C["ios_username"]}
key config-key password-encrypt {C["ios_config_key"]}
!
key chain OSPF-KEYS
 key 1
  key-string {C["ios_key_string"]}
!
crypto isakmp policy 10
 encr aes 256
 hash sha
 authentication pre-share
 group 14
crypto isakmp key {C["ios_isakmp_key"]} address 203.0.113.2 no-xauth
crypto keyring PARTNERS
  pre-shared-key address 192.0.2.60 key {C["ios_keyring_key"]}
crypto ikev2 keyring V2-PEERS
 peer far
  address 192.0.2.70
  pre-shared-key local {C["ios_ikev2_local"]}
  pre-shared-key remote {C["ios_ikev2_remote"]}
!
crypto ipsec transform-set AES256-SHA esp-aes 256 esp-sha-hmac
 mode tunnel
crypto map VPN 10 ipsec-isakmp
 set peer 203.0.113.2
 set transform-set AES256-SHA
 match address 101
!
interface GigabitEthernet0/0
 ip address 198.51.100.10 255.255.255.240
 ip ospf message-digest-key 1 md5 {C["ios_ospf_md5"]}
 standby 1 ip 198.51.100.9
 standby 1 authentication {C["ios_hsrp"]}
 crypto map VPN
!
interface GigabitEthernet0/1
 ip address 10.20.0.1 255.255.255.0
!
router bgp 65010
 neighbor 192.0.2.1 remote-as 65020
 neighbor 192.0.2.1 password {C["ios_bgp_password"]}
!
ip route 0.0.0.0 0.0.0.0 198.51.100.1
access-list 101 permit ip 10.20.0.0 0.0.0.255 10.10.0.0 0.0.0.255
snmp-server community {C["ios_snmp_community"]} RO
snmp-server host 10.20.0.8 version 2c {C["ios_snmp_host"]}
tacacs-server host 10.20.0.5 key {C["ios_tacacs"]}
radius-server host 10.20.0.6 auth-port 1645 acct-port 1646 key \
{C["ios_radius_host"]}
ntp authentication-key 1 md5 {C["ios_ntp_key"]}
!
line vty 0 4
 password {C["ios_vty_password"]}
 login
!
end
"""

# name -> text; the pairs below name two of these.
CONFIGS: dict[str, str] = {
    "asa84-hq": ASA84_HQ,
    "asa84-branch": ASA84_BRANCH,
    "asa82-hq": ASA82_HQ,
    "pix6-branch": PIX6_BRANCH,
    "ios-branch": IOS_BRANCH,
}

PAIRS: tuple[tuple[str, str], ...] = (
    ("asa84-hq", "asa84-branch"),
    ("asa82-hq", "pix6-branch"),
    ("asa84-hq", "ios-branch"),
)


# --- damaged copies ---------------------------------------------------------

# Canaries of the damaged copies below; the cut one survives only as the
# prefix the cut leaves, and that prefix must not leak either.
DAMAGE_CANARIES: dict[str, str] = {
    "cut_key": "CnyCutKeyPrefix8Zt-and-the-lost-rest",
    "orphan_psk": "CnyOrphanPsk1Wd",
    "keyless_isakmp": "CnyKeylessIsakmp4Qa",
    "extra_words": "CnyExtraWords6Re",
    "pager_key": "CnyPagerKey2Lm",
    "control_bytes": "CnyControlBytes9Ku",
    "latin1_key": "CnyLatin1Key3Pv",
    "nul_key": "CnyNulKey7Tg",
    "binary_key": "CnyBinaryKey5Ej",
}
CUT_SURVIVOR = DAMAGE_CANARIES["cut_key"][:18]  # CnyCutKeyPrefix8Zt

D = DAMAGE_CANARIES


def cut_in_key() -> bytes:
    """hq's config cut off in the middle of a key, in its block."""
    text = ASA84_HQ.replace(C["asa_ikev1_psk"], D["cut_key"])
    end = text.index(D["cut_key"]) + len(CUT_SURVIVOR)
    return text[:end].encode()


def cut_after_key() -> bytes:
    """hq's config cut off right after a whole key, no newline."""
    end = ASA84_HQ.index(C["asa_ikev1_psk"]) + len(C["asa_ikev1_psk"])
    return ASA84_HQ[:end].encode()


def unparseable_key_lines() -> bytes:
    """Key lines out of place, incomplete, or with words after the key."""
    lines = (
        f"ikev1 pre-shared-key {D['orphan_psk']}",
        f"crypto isakmp key {D['keyless_isakmp']}",
        "isakmp key",
        "tunnel-group 192.0.2.99 ipsec-attributes",
        f" ikev1 pre-shared-key {D['extra_words']} extra words here",
        " pre-shared-key",
    )
    return _insert_before_end(ASA84_HQ, lines).encode()


def pager_debris_key() -> bytes:
    """A key line behind a `<--- More --->` prompt, as a pager leaves it."""
    prompt = "<--- More --->\r              \r"
    text = ASA84_HQ.replace(
        " ikev1 pre-shared-key " + C["asa_named_group_psk"],
        f"{prompt} ikev1 pre-shared-key {D['pager_key']}",
    )
    return text.replace("\n", "\r\n").encode()


def control_bytes_key() -> bytes:
    """A few control bytes, one run of them inside a key line."""
    data = ASA84_HQ.replace(
        " ikev1 pre-shared-key " + C["asa_named_group_psk"],
        f" ikev1 pre-shared-key {D['control_bytes']}\x1b[0m\x07",
    ).encode()
    return b"\x01\x02\x03 garbage\n" + data


def latin1_key() -> bytes:
    """A Latin-1 config (a banner in French) with a key next to it."""
    text = ASA84_HQ.replace(
        C["asa_named_group_psk"], D["latin1_key"] + "\xe9t\xe9"
    )
    return ("banner motd Acc\xe8s r\xe9serv\xe9\n" + text).encode("latin-1")


def nul_bytes_key() -> bytes:
    """NUL bytes around and inside a key line (a copy from a bad tool)."""
    data = ASA84_HQ.replace(
        C["asa_named_group_psk"], D["nul_key"]
    ).encode()
    return data.replace(D["nul_key"].encode(), b"\x00" + D["nul_key"].encode()
                        + b"\x00")


def mostly_binary_key() -> bytes:
    """Binary data (over a tenth control bytes) with a key line in it."""
    noise = bytes(range(32)) * 64
    line = f"\n ikev1 pre-shared-key {D['binary_key']}\n".encode()
    return noise + line + noise


def utf16_config() -> bytes:
    """hq's config saved as UTF-16 (Windows editors do this)."""
    return ASA84_HQ.encode("utf-16")


DAMAGED: dict[str, tuple] = {
    "cut-in-key": (cut_in_key, (CUT_SURVIVOR,)),
    "cut-after-key": (cut_after_key, ()),
    "unparseable-key-lines": (
        unparseable_key_lines,
        (D["orphan_psk"], D["keyless_isakmp"], D["extra_words"]),
    ),
    "pager-debris-key": (pager_debris_key, (D["pager_key"],)),
    "control-bytes-key": (control_bytes_key, (D["control_bytes"],)),
    "latin1-key": (latin1_key, (D["latin1_key"],)),
    "nul-bytes-key": (nul_bytes_key, (D["nul_key"],)),
    "mostly-binary-key": (mostly_binary_key, (D["binary_key"],)),
    "utf16": (utf16_config, ()),
}


def _insert_before_end(text: str, lines: tuple[str, ...]) -> str:
    head, _, _ = text.rpartition(": end")
    return head + "\n".join(lines) + "\n: end\n"


# --- what must never appear -------------------------------------------------


def every_canary() -> list[str]:
    return [*CANARIES.values(), *DAMAGE_CANARIES.values(), CUT_SURVIVOR]


def forms_of(canary: str) -> list[str]:
    """The canary and every digest or encoding of it a leak could take."""
    raw = canary.encode()
    forms = [canary, base64.b64encode(raw).decode().rstrip("=")]
    for name in ("md5", "sha1", "sha256", "sha512"):
        digest = hashlib.new(name, raw).hexdigest()
        forms += [digest, digest.upper()]
    return forms


def digests_of(canary: str) -> list[bytes]:
    """The raw digests, as a binary file (a pickle, say) would hold them."""
    raw = canary.encode()
    return [
        hashlib.new(name, raw).digest()
        for name in ("md5", "sha1", "sha256", "sha512")
    ]


def leaks(text: str, canaries: list[str] | None = None) -> list[str]:
    """Every canary form found in `text`, also across wrapped lines."""
    joined = "".join(text.split())
    found = []
    for canary in canaries or every_canary():
        for form in forms_of(canary):
            if form in text or form in joined:
                found.append(form)
    return found


def leaks_in_file(path: Path, canaries: list[str] | None = None) -> list[str]:
    """Canary forms in a file's bytes, decoded or as raw digests."""
    data = path.read_bytes()
    found = leaks(data.decode("utf-8", "replace"), canaries)
    for canary in canaries or every_canary():
        found += [
            f"raw digest of {canary[:6]}..."
            for digest in digests_of(canary)
            if digest in data
        ]
    return found


def write_configs(folder: Path) -> dict[str, Path]:
    """Every canary config written into `folder`, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in CONFIGS.items():
        paths[name] = folder / f"{name}.cfg"
        paths[name].write_text(text, encoding="utf-8")
    return paths


# --- the command line as it stands -----------------------------------------


def cli_help(*argv: str) -> str:
    """What `asalint ARGV --help` prints, run in this process."""
    import contextlib
    import io

    from asalint.cli import run

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        run([*argv, "--help"])
    return out.getvalue()


def cli_commands() -> set[str]:
    """The commands `asalint --help` lists."""
    text = cli_help()
    _, _, listing = text.partition("Commands:")
    return {line.split()[0] for line in listing.splitlines() if line.strip()}


def cli_formats(command: str) -> list[str]:
    """The `--format` choices `asalint COMMAND --help` lists."""
    import re

    match = re.search(r"--format\s+[<\[]([\w|-]+)[>\]]", cli_help(command))
    return match.group(1).split("|") if match else ["text"]
