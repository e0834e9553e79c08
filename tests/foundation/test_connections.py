from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection as db_connection
from django.test import override_settings

from sync import crypto
from sync.crypto import DecryptionError
from sync.models import Connection, shard_from_key
from sync.services import connection_create

DISTINCTIVE_KEY = "ZZdistinctiveClinikoKey7719QQ-au3"
DISTINCTIVE_TOKEN = "fergPAT_distinctive-fergus-token-5531"


def make_connection(**overrides) -> Connection:
    values = dict(
        name="bayside", clinic_name="Bayside Mobile Physio",
        cliniko_api_key=DISTINCTIVE_KEY, fergus_token=DISTINCTIVE_TOKEN,
        user_agent_email="ops@bayside.example",
    )
    values.update(overrides)
    return connection_create(**values)


@pytest.mark.parametrize(
    ("key", "shard"),
    [
        ("MS0xLWl4SzYYYYdtR3V2HNOTAREALKEYwvNHdeW0pd-au2", "au2"),
        ("MxJrZXkiOiI1Njd1amJmZTQ1NyJ9", "au1"),
        ("abc-def-uk1", "uk1"),
        ("abc-notashard", "au1"),
        ("abc-AU5", "au5"),
    ],
)
def test_it_derives_the_shard_from_the_key_suffix(key, shard):
    assert shard_from_key(key) == shard


@pytest.mark.django_db
def test_it_keeps_secrets_encrypted_and_readable_in_memory():
    c = make_connection()
    c.refresh_from_db()
    assert c.cliniko_shard == "au3"
    assert c.cliniko_api_key == DISTINCTIVE_KEY
    assert c.fergus_token == DISTINCTIVE_TOKEN
    assert DISTINCTIVE_KEY not in c.cliniko_api_key_ciphertext
    assert DISTINCTIVE_KEY not in repr(c) and DISTINCTIVE_KEY not in str(c)


@pytest.mark.django_db
def test_it_builds_base_urls_from_shard_or_override():
    c = make_connection()
    assert c.cliniko_base == "https://api.au3.cliniko.com/v1"
    assert c.fergus_base == "https://api.fergus.com"
    c2 = make_connection(name="sandboxed", cliniko_base_url="http://127.0.0.1:8100/cliniko/{shard}/v1",
                         fergus_base_url="http://127.0.0.1:8100/fergus/")
    assert c2.cliniko_base == "http://127.0.0.1:8100/cliniko/au3/v1"
    assert c2.fergus_base == "http://127.0.0.1:8100/fergus"
    assert c2.cliniko_user_agent == "Cliniko to Fergus Portal (ops@bayside.example)"


@pytest.mark.django_db
def test_it_rejects_a_bad_time_zone_and_a_bad_url():
    with pytest.raises(ValidationError) as info:
        make_connection(time_zone="Sydney", cliniko_base_url="ftp://x")
    assert "time_zone" in info.value.message_dict
    assert "cliniko_base_url" in info.value.message_dict


@pytest.mark.django_db
def test_it_refuses_to_take_ciphertext_as_a_credential():
    c = make_connection()
    with pytest.raises(ValueError, match="ciphertext"):
        c.cliniko_api_key = c.cliniko_api_key_ciphertext


@pytest.mark.django_db
def test_a_wrong_encryption_key_raises_a_clear_error_and_never_yields_ciphertext():
    c = make_connection()
    crypto._multifernet.cache_clear()
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        c = Connection.objects.get(pk=c.pk)
        with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
            _ = c.cliniko_api_key
    crypto._multifernet.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_the_key_appears_nowhere_in_the_database_file_or_a_dump():
    make_connection()
    if db_connection.vendor == "sqlite":
        with db_connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(db_connection.settings_dict["NAME"])
        blobs = [p.read_bytes() for p in path.parent.glob(path.name + "*")]
        assert blobs, "the test database file was not found"
        for blob in blobs:
            assert DISTINCTIVE_KEY.encode() not in blob
            assert DISTINCTIVE_TOKEN.encode() not in blob
    else:
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT * FROM sync_connection")
            assert DISTINCTIVE_KEY not in repr(cursor.fetchall())
    out = io.StringIO()
    call_command("dumpdata", "sync", stdout=out)
    assert DISTINCTIVE_KEY not in out.getvalue()
    assert DISTINCTIVE_TOKEN not in out.getvalue()


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row_under_the_first_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    crypto._multifernet.cache_clear()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        first = make_connection()
        make_connection(name="second")
        from sync.outbox import snapshot_decode, work_item_enqueue

        item, _ = work_item_enqueue(first, "patient", "1", source_updated_at=None,
                                    snapshot={"first_name": "Zoë"})
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        out = io.StringIO()
        call_command("rotate_encryption_keys", stdout=out)
        assert "Re-encrypted" in out.getvalue()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        for c in Connection.objects.all():
            assert c.cliniko_api_key == DISTINCTIVE_KEY
            assert c.fergus_token == DISTINCTIVE_TOKEN
        item.refresh_from_db()
        assert snapshot_decode(item) == {"first_name": "Zoë"}
    crypto._multifernet.cache_clear()
