from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sync.clients.fergus import FergusClient

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_it_round_trips_through_the_client(sim):
    c = FergusClient(sim.token, base_url=sim.base)
    print(c.test_credentials())
    r = c.customer_create({"customerFullName": "Jane Citizen", "mainContact": {
        "firstName": "Jane", "lastName": "Citizen",
        "contactItems": [{"contactType": "email", "contactValue": "jane@x.example"}]}})
    assert r.created
    r2 = c.customer_create({"customerFullName": "Jane Citizen", "mainContact": {
        "firstName": "Jane", "contactItems": [{"contactType": "email", "contactValue": "JANE@x.example"}]}})
    assert r2 == type(r2)(r.id, False, r2.raw)
    assert c.customer_find_by_email("jane@X.example").id == r.id
    cust = c.customer_patch(r.id, {"mainContact": {"lastName": "Doe"}})
    assert cust.main_contact["lastName"] == "Doe"
    s = c.site_create({"firstName": "Jane", "lastName": "Doe"}, {"address1": "1 A St", "addressCity": "Sydney"})
    job = c.job_create("Charge Up", "INV-1", description="x", customer_id=r.id, site_id=s.id, customer_reference="INV-1")
    ph = c.phase_create(job.id, "Consult", "d")
    c.line_item_add(ph.id, "Consult", Decimal("95.50"), Decimal("2"))
    from sandbox.fergus.backdoor import invoice_raise
    inv = invoice_raise(job.id)
    got = list(c.invoices(job_id=job.id))
    assert got[0].subtotal == Decimal("191.00") and got[0].tax_value == Decimal("19.10")
    me = c.me()
    tz = ZoneInfo("Australia/Sydney")
    ev = c.event_create("Appt", datetime(2026, 3, 27, 9, 7, tzinfo=tz), datetime(2026, 3, 27, 9, 37, tzinfo=tz), user_id=me.id)
    print(ev)
    evs = c.events(date(2026, 3, 27), tz, "DAY")
    assert [e.id for e in evs] == [ev.id]
    c.event_delete(ev.id)
    assert c.events(date(2026, 3, 27), tz, "DAY") == []
    print(c.requests_sent)
