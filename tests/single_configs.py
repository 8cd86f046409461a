"""Config texts shared by the single-config check tests."""

# One ASA 9.x with one tunnel to 203.0.113.2: every single-config check is
# silent on it, so a test edits in the one fault it is about.
HQ = """\
ASA Version 9.8(4)
hostname hq
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.1.0.1 255.255.0.0
access-list BRANCH-VPN extended permit ip 10.1.0.0 255.255.0.0 10.2.0.0 255.255.0.0
route outside 0.0.0.0 0.0.0.0 198.51.100.254 1
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address BRANCH-VPN
crypto map outside_map 10 set peer 203.0.113.2
crypto map outside_map 10 set ikev1 transform-set TS
crypto map outside_map interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
tunnel-group 203.0.113.2 type ipsec-l2l
tunnel-group 203.0.113.2 ipsec-attributes
 ikev1 pre-shared-key *****
"""
