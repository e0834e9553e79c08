"""Request bodies for the simulator tests."""

from __future__ import annotations

from typing import Any


def customer(n: int = 1, email: str | None = None, **extra: Any) -> dict:
    return {"customerFullName": f"Patient {n}", "mainContact": {
        "firstName": "Patient", "lastName": str(n), "contactItems": [
            {"contactType": "email", "contactValue": email or f"p{n}@patients.example"}]},
        **extra}


def site(n: int = 1, city: str = "Sydney") -> dict:
    return {"defaultContact": {"firstName": "Patient", "lastName": str(n)},
            "siteAddress": {"address1": f"{n} Harbour St", "addressCity": city}}


def make_customer_site(sim: Any, n: int = 1) -> tuple[int, int]:
    c = sim.call("POST", "/customers", json=customer(n)).json()["data"]["id"]
    s = sim.call("POST", "/sites", json=site(n)).json()["data"]["id"]
    return c, s


def make_job(sim: Any, n: int = 1, **extra: Any) -> dict:
    c, s = make_customer_site(sim, n)
    body = {"jobType": "Charge Up", "title": f"Invoice {n}", "description": "d",
            "customerId": c, "siteId": s, **extra}
    return sim.call("POST", "/jobs", json=body).json()["data"]
