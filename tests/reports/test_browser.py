"""A practice manager in a real browser: report, filter, re-sync, resolved after the worker ran."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reports.models import Mismatch
from sandbox.fergus import backdoor
from sync.engine import connection_sync
from sync.models import CrossReference
from tests.reports.helpers import backfilled, manager, reconciled

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed "
                       "(apt-get install -y chromium)"),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop; Django refuses ORM calls from a
    # thread with one unless told this is a test (undone after the test).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()


def test_a_manager_re_syncs_a_drifted_customer_and_sees_it_resolved(live, live_server, browser):
    backfilled(live)
    patient = CrossReference.objects.filter(object_type="patient", state="linked").first()
    backdoor.customer_edit(patient.fergus_id, full_name="Typed Wrong")
    gone = CrossReference.objects.filter(object_type="appointment", state="linked").first()
    backdoor.event_delete(gone.fergus_id)
    reconciled(live)
    drift = Mismatch.objects.get(kind="field_drift")
    manager("mia", live.connection, password="a-long-test-password")
    OUTPUT.mkdir(exist_ok=True)

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.get_by_label("Username").fill("mia")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1:has-text('Dashboard')")
    assert live.connection.clinic_name in page.content()
    page.screenshot(path=str(OUTPUT / "dashboard.png"), full_page=True)

    page.get_by_role("link", name="Mismatches").first.click()
    page.get_by_label("Kind").select_option("field_drift")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    row = page.locator(f"#mismatch-{drift.pk}")
    assert "Typed Wrong" in row.inner_text()
    page.screenshot(path=str(OUTPUT / "mismatch-report.png"), full_page=True)

    row.get_by_role("button", name="Re-sync").click()
    page.wait_for_selector("text=Re-sync queued")
    assert "re-sync queued" in page.locator(f"#mismatch-{drift.pk}").inner_text()

    connection_sync(live.connection)  # stands in for the worker
    page.reload()
    assert "Resolved by re-sync" in page.locator(f"#mismatch-{drift.pk}").inner_text()
    assert "kind=field_drift" in page.url  # the filter survived the round trip
