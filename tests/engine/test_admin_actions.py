from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.fergus import models as fm
from sync.engine import connection_backfill
from sync.models import WorkItem

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_the_dry_run_action_shows_what_would_happen_and_writes_nothing(live, admin_client):
    response = admin_client.post(reverse("admin:sync_connection_changelist"),
                                 {"action": "dry_run", "_selected_action": [live.connection.pk]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dry run" in body and "customer_create" in body and "patient" in body
    assert not fm.Customer.objects.exists()
    assert not WorkItem.objects.exists()


def test_the_work_item_replay_action_requeues_a_dead_item(live, admin_client):
    connection_backfill(live.connection, time_budget=120)
    item = WorkItem.objects.filter(object_type="patient").first()
    WorkItem.objects.filter(pk=item.pk).update(state="dead", last_error="x")
    response = admin_client.post(reverse("admin:sync_workitem_changelist"),
                                 {"action": "replay_selected", "_selected_action": [item.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "pending" and item.origin == "replay"
    page = admin_client.get(reverse("admin:sync_workitem_change", args=[item.pk]))
    assert page.status_code == 200 and "snapshot_ciphertext" not in page.content.decode()
