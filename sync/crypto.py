"""Encryption of secrets at rest (API keys, tokens, payload snapshots).

Ciphertext lives in the database; plaintext exists only in memory, only when a
client needs it. Keys come from settings.FIELD_ENCRYPTION_KEYS: the first key
encrypts, every key decrypts, so keys can be rotated without downtime.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class EncryptionKeyError(RuntimeError):
    """FIELD_ENCRYPTION_KEYS is missing or malformed."""


class DecryptionError(RuntimeError):
    """Stored ciphertext could not be decrypted with any configured key."""


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise EncryptionKeyError(
            "FIELD_ENCRYPTION_KEYS is not set. Generate a key with `python manage.py "
            "generate_encryption_key` and set FIELD_ENCRYPTION_KEYS=<key>."
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip().encode()))
        except (ValueError, TypeError) as exc:
            raise EncryptionKeyError(
                f"FIELD_ENCRYPTION_KEYS entry {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from exc
    return MultiFernet(fernets)


def get_multifernet() -> MultiFernet:
    return _multifernet(tuple(k for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()))


def looks_encrypted(value: str) -> bool:
    """Fernet tokens start with the version byte 0x80, base64 'gAAAAA'."""
    return value.startswith("gAAAAA")


def encrypt(plaintext: str) -> str:
    return get_multifernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str, *, what: str = "a stored secret") -> str:
    try:
        return get_multifernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            f"Cannot decrypt {what}: none of the keys in FIELD_ENCRYPTION_KEYS matches. "
            "Restore the key it was encrypted with (keep old keys after the new one "
            "until `rotate_encryption_keys` has run), or enter the secret again."
        ) from exc


def rotate(ciphertext: str) -> str:
    """Re-encrypt under the first key."""
    try:
        return get_multifernet().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "Cannot rotate a secret: none of the keys in FIELD_ENCRYPTION_KEYS matches."
        ) from exc
