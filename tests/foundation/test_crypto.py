from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from sync import crypto
from sync.crypto import DecryptionError, EncryptionKeyError

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _fresh_cache():
    crypto._multifernet.cache_clear()
    yield
    crypto._multifernet.cache_clear()


def test_it_round_trips_and_never_stores_plaintext():
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        token = crypto.encrypt("MS0xLWl4SzYYYYdtR3V2-au2")
        assert "MS0x" not in token
        assert crypto.looks_encrypted(token)
        assert crypto.decrypt(token) == "MS0xLWl4SzYYYYdtR3V2-au2"


def test_it_explains_a_wrong_key_without_showing_the_secret():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        token = crypto.encrypt("secret-value-123")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]), pytest.raises(DecryptionError) as info:
        crypto.decrypt(token, what="the Cliniko API key")
    assert "FIELD_ENCRYPTION_KEYS" in str(info.value)
    assert "secret-value-123" not in str(info.value)


def test_it_decrypts_with_any_key_and_rotates_to_the_first():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        token = crypto.encrypt("abc")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert crypto.decrypt(token) == "abc"
        rotated = crypto.rotate(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert crypto.decrypt(rotated) == "abc"
        with pytest.raises(DecryptionError):
            crypto.decrypt(token)


def test_it_refuses_to_work_without_keys():
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[]),
        pytest.raises(EncryptionKeyError, match="generate_encryption_key"),
    ):
        crypto.encrypt("x")
