from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sync.models import Connection


@pytest.mark.django_db
def test_connection_create_prints_the_id_and_takes_secrets_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLINIKO_API_KEY", "envKeyQQQ777-au2")
    monkeypatch.setenv("FERGUS_TOKEN", "fergPAT_env-token-888")
    # argparse defaults are read when the parser is built, after setenv.
    out = io.StringIO()
    call_command("connection_create", "--name", "northside", "--time-zone", "Australia/Adelaide",
                 stdout=out)
    c = Connection.objects.get(pk=int(out.getvalue().strip()))
    assert c.cliniko_api_key == "envKeyQQQ777-au2"
    assert c.cliniko_shard == "au2"
    assert c.fergus_token == "fergPAT_env-token-888"
    assert c.time_zone == "Australia/Adelaide"


@pytest.mark.django_db
def test_connection_create_explains_what_is_missing():
    with pytest.raises(CommandError, match="Cliniko API key is required"):
        call_command("connection_create", "--name", "x", "--cliniko-key", "",
                     "--fergus-token", "t")
    with pytest.raises(CommandError, match="time_zone"):
        call_command("connection_create", "--name", "x", "--cliniko-key", "k",
                     "--fergus-token", "t", "--time-zone", "Mars/Olympus")


@pytest.mark.django_db
def test_connection_list_never_prints_secrets():
    call_command("connection_create", "--name", "listed", "--cliniko-key", "listKey4242",
                 "--fergus-token", "fergPAT_list-4242", stdout=io.StringIO())
    out = io.StringIO()
    call_command("connection_list", stdout=out)
    text = out.getvalue()
    assert "listed" in text and "set" in text
    assert "listKey4242" not in text and "fergPAT_list-4242" not in text
