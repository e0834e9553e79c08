import pytest
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

def test_smoke(api):
    for path in ["patients", "practitioners", "practitioners/inactive", "users", "user", "businesses", "appointment_types",
                 "individual_appointments", "group_appointments", "attendees", "bookings", "invoices", "invoice_items", "taxes"]:
        r = api.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        print(path, r.json().get("total_entries"), str(r.json())[:300])
