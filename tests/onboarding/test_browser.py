"""A consultant walks the whole onboarding flow in a real browser."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, databases="__all__")]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test
    # body are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def test_a_consultant_onboards_a_clinic_from_keys_to_the_backfill_bar(
        page, live_server, seeded, monkeypatch):
    started: list[int] = []
    monkeypatch.setattr("sync.tasks.connection_loop_start", started.append)
    User.objects.create_superuser("consultant", "c@example.com", "browser-pass-123")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "consultant")
    page.fill("#id_password", "browser-pass-123")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/sync/onboardingstate/add/")
    page.fill("#id_name", "browser-clinic")
    page.fill("#id_clinic_name", "Browser Clinic")
    page.fill("#id_cliniko_user_agent_email", "ops@browser.example")
    page.fill("#id_cliniko_api_key", seeded.clinic.limited_api_key)
    page.fill("#id_fergus_token", seeded.company.token)
    page.fill("#id_cliniko_base_url", f"{seeded.base_url}/cliniko/{{shard}}/v1")
    page.fill("#id_fergus_base_url", f"{seeded.base_url}/fergus")
    page.click("input[name=save]")

    page.click("input[name=test]")
    assert "administrator" in page.inner_text("[data-system=cliniko]")
    assert page.locator("text=Next: objects and mapping").count() == 0

    page.click("text=Change the credentials")  # resume step 1 with the right key
    assert page.input_value("#id_cliniko_api_key") == ""  # never rendered back
    page.fill("#id_cliniko_api_key", seeded.clinic.api_key)
    page.click("input[name=save]")
    page.click("input[name=test]")
    assert page.get_attribute("[data-system=cliniko]", "data-code") == "ok"
    assert page.get_attribute("[data-system=fergus]", "data-code") == "ok"

    page.click("text=Next: objects and mapping")
    page.uncheck("#id_sync_invoices")
    page.click("#onboarding-objects input[type=submit]")

    page.click("input[name=match]")
    assert page.locator("#practitioner-matches tr.matched").count() >= 2
    assert page.locator("#all-matched").count() == 1

    page.click("text=Next: dry run")
    page.fill("#id_max_pages", "1")
    page.click("#onboarding-dry-run input[type=submit]")
    assert "patient" in page.inner_text("#dry-run-counts")

    page.click("text=Next: go live")
    page.click("input[name=go_live]")
    assert page.locator("#backfill-progress").count() == 1
    assert len(started) == 1

    page.goto(f"{live_server.url}/admin/sync/onboardingstate/")
    page.click("text=Resume at step 6")
    assert page.locator("#backfill-progress").count() == 1
    assert seeded.company.token not in page.content()
