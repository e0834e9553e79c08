"""Shared helpers for the Fergus `responses` tests."""

from __future__ import annotations

import json
from typing import Any

import responses

from sync.clients.fergus import FergusClient
from tests.fergus.conftest import FIXTURES, fixture

BASE = "https://api.fergus.test"
TOKEN = "fergPAT_00000000-1111-2222-3333-444444444444"


def client(**kw: Any) -> FergusClient:
    return FergusClient(TOKEN, base_url=BASE, **kw)


def add(method: str, path: str, name: str | None = None, status: int = 200,
        body: Any = None, headers: dict | None = None, **kw: Any) -> None:
    payload = fixture(name) if name else body
    responses.add(method, f"{BASE}{path}", json=payload, status=status, headers=headers, **kw)


def add_html(method: str, path: str, name: str, status: int) -> None:
    responses.add(method, f"{BASE}{path}", body=(FIXTURES / name).read_text(), status=status,
                  content_type="text/html")


def sent_json(index: int = -1) -> Any:
    return json.loads(responses.calls[index].request.body)
