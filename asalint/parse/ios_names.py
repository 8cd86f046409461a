"""IOS and PIX 6 spellings, and the ASA spellings the model keeps.

The model holds one spelling per algorithm so that the simulation can
compare an IOS router's policy with an ASA's without a translation step
of its own: the ASA's `crypto ikev1 policy` words for IKEv1 (`aes-256`,
`sha`, `pre-share`), the ASA's transform-set words (`esp-aes-256`), and
the ASA's IKEv2 policy and ipsec-proposal words. DH groups are numbers.
"""

from __future__ import annotations

# IKEv1 `encr` / `encryption`: IOS writes the AES key length as its own
# token (`encr aes 256`), the ASA joins it (`encryption aes-256`).
IKEV1_ENCRYPTION = {
    ("des", None): "des",
    ("3des", None): "3des",
    ("aes", None): "aes",
    ("aes", "128"): "aes",
    ("aes", "192"): "aes-192",
    ("aes", "256"): "aes-256",
    # PIX 6.3 spells the key length the ASA way.
    ("aes-192", None): "aes-192",
    ("aes-256", None): "aes-256",
}

IKEV1_HASHES = frozenset({"sha", "md5", "sha256", "sha384", "sha512"})

IKEV1_AUTHENTICATIONS = frozenset(
    {"pre-share", "rsa-sig", "rsa-encr", "ecdsa-sig"}
)

# ESP encryption transforms that take a key-length token after them.
ESP_KEYED = frozenset({"esp-aes", "esp-gcm", "esp-gmac"})

ESP_ENCRYPTIONS = frozenset(
    {"esp-des", "esp-3des", "esp-null", "esp-seal", "esp-none"}
    | ESP_KEYED
    | {"esp-aes-192", "esp-aes-256"}  # PIX 6.3 and ASA spelling
)

ESP_INTEGRITIES = frozenset(
    {
        "esp-md5-hmac",
        "esp-sha-hmac",
        "esp-sha256-hmac",
        "esp-sha384-hmac",
        "esp-sha512-hmac",
        "esp-none",
    }
)

AH_TRANSFORMS = frozenset(
    {"ah-md5-hmac", "ah-sha-hmac", "ah-sha256-hmac", "ah-sha384-hmac",
     "ah-sha512-hmac"}
)

# ESP transform -> the ASA ipsec-proposal word (IKEv2 child SA).
PROPOSAL_ENCRYPTION = {
    "esp-des": "des",
    "esp-3des": "3des",
    "esp-aes": "aes",
    "esp-aes-192": "aes-192",
    "esp-aes-256": "aes-256",
    "esp-gcm": "aes-gcm",
    "esp-gcm-192": "aes-gcm-192",
    "esp-gcm-256": "aes-gcm-256",
    "esp-gmac": "aes-gmac",
    "esp-gmac-192": "aes-gmac-192",
    "esp-gmac-256": "aes-gmac-256",
    "esp-null": "null",
}

PROPOSAL_INTEGRITY = {
    "esp-md5-hmac": "md5",
    "esp-sha-hmac": "sha-1",
    "esp-sha256-hmac": "sha-256",
    "esp-sha384-hmac": "sha-384",
    "esp-sha512-hmac": "sha-512",
}

# IOS `crypto ikev2 proposal` words -> ASA `crypto ikev2 policy` words.
IKEV2_ENCRYPTION = {
    "des": "des",
    "3des": "3des",
    "aes-cbc-128": "aes",
    "aes-cbc-192": "aes-192",
    "aes-cbc-256": "aes-256",
    "aes-gcm-128": "aes-gcm",
    "aes-gcm-256": "aes-gcm-256",
}

IKEV2_INTEGRITY = {
    "md5": "md5",
    "sha1": "sha",
    "sha256": "sha256",
    "sha384": "sha384",
    "sha512": "sha512",
}


def esp_encryption(word: str, key_length: str | None) -> str:
    """`esp-aes` + `256` -> `esp-aes-256`; 128 is the unnamed default."""
    if key_length is None or key_length == "128":
        return word
    return f"{word}-{key_length}"


def pfs_group(word: str) -> str | None:
    """`group14` -> `group14`; None when the word names no DH group."""
    if word.startswith("group") and word[5:].isdigit():
        return word
    return None
