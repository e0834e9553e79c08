"""Fergus company, users, customers, contacts, sites, notes, credentials (§7.1-§7.4, §7.9)."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sync.clients.base import ApiError, ErrorKind
from sync.clients.fergus_types import (
    Company,
    CreateResult,
    CredentialReport,
    Customer,
    Note,
    Site,
    User,
    contact_items,
)

if TYPE_CHECKING:
    from sync.clients.fergus import Reply

log = logging.getLogger(__name__)
_LOCATION_ID = re.compile(r"/(\d+)/?$")
ENTITY_NAMES = ("job", "customer", "customer_invoice", "quote", "site", "task", "enquiry",
                "job_phase")


def create_result(reply: Reply, path: str) -> CreateResult:
    """201 → created; 303 → already exists, id from `location` (never followed, §6)."""
    if reply.status == 303:
        body = reply.body if isinstance(reply.body, dict) else {}
        location = body.get("location") or reply.headers.get("Location") or ""
        match = _LOCATION_ID.search(location.split("?")[0])
        if not match:
            raise ApiError("fergus", ErrorKind.MALFORMED, f"Fergus POST {path} → 303 without a "
                           "usable location", status=303, method="POST", path=path)
        return CreateResult(int(match.group(1)), False, body)
    data = reply.data if isinstance(reply.data, dict) else {}
    if "id" not in data:
        raise ApiError("fergus", ErrorKind.MALFORMED, f"Fergus POST {path} → {reply.status} "
                       "without an id", status=reply.status, method="POST", path=path)
    return CreateResult(int(data["id"]), True, data)


def _check_customer_payload(payload: dict) -> None:
    # PUT and POST need both every time (§7.2); fail here rather than at Fergus.
    if not str(payload.get("customerFullName") or "").strip():
        raise ValueError("customer payload needs customerFullName")
    main = payload.get("mainContact")
    if not isinstance(main, dict) or not str(main.get("firstName") or "").strip():
        raise ValueError("customer payload needs mainContact.firstName")


def _merge(base: dict, changes: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class ResourcesMixin:
    # Provided by FergusClient.
    _request: Any
    _get: Any
    _paged: Any

    # --- company, users, credentials ---------------------------------------------

    def company(self) -> Company:
        return Company.from_json(self._get("/company"))

    def me(self) -> User:
        return User.from_json(self._get("/users/me"))

    def users(self, *, status: str | None = None, search: str | None = None) -> list[User]:
        users = [User.from_json(u) for u in self._paged(
            "/users", {"pageSize": 100, "filterStatus": status, "filterSearchText": search})]
        if status:
            # filterStatus=active can return disabled users (§7.9): filter again here.
            users = [u for u in users if u.status == status]
        return users

    def user(self, user_id: int) -> User:
        return User.from_json(self._get(f"/users/{user_id}"))

    def test_credentials(self) -> CredentialReport:
        try:
            me = self.me()
            company = self.company()
        except ApiError as exc:
            messages = {
                ErrorKind.AUTH: "Fergus refused the token: it is invalid, revoked or expired "
                                "(personal access tokens expire after 365 days).",
                ErrorKind.FORBIDDEN: "Fergus accepted the token but its user may not read the "
                                     "company; use a token of an owner or full user.",
                ErrorKind.RATE_LIMITED: "Fergus is rate limiting this company; try again in a "
                                        "minute.",
                ErrorKind.TIMEOUT: "Fergus did not answer in time.",
                ErrorKind.NETWORK: "Fergus could not be reached.",
            }
            return CredentialReport(False, messages.get(exc.kind, exc.message),
                                    error_kind=exc.kind)
        name = f"{me.first_name} {me.last_name}".strip()
        owner = "an owner" if me.is_owner else "not an owner"
        return CredentialReport(
            True, f"Connected to {company.name} as {name} ({owner}); time zone "
                  f"{company.time_zone or 'unknown'}; tax {company.tax_type or '?'} "
                  f"{company.tax_rate if company.tax_rate is not None else '?'}%.",
            company_name=company.name, time_zone=company.time_zone, tax_rate=company.tax_rate,
            tax_type=company.tax_type, user_id=me.id, user_name=name, is_owner=me.is_owner,
        )

    # --- customers -----------------------------------------------------------------

    def customers(self, *, search: str | None = None, sort: str | None = None,
                  order: str | None = None, page_size: int = 100) -> Iterator[Customer]:
        params = {"pageSize": page_size, "filterSearchText": search, "sortField": sort,
                  "sortOrder": order}
        for item in self._paged("/customers", params):
            yield Customer.from_json(item)

    def customer(self, customer_id: int) -> Customer:
        return Customer.from_json(self._get(f"/customers/{customer_id}"))

    def customer_create(self, payload: dict) -> CreateResult:
        _check_customer_payload(payload)
        return create_result(self._request("POST", "/customers", json=payload), "/customers")

    def customer_update(self, customer_id: int, payload: dict) -> Customer:
        """PUT is a full replace: `payload` must be the whole customer (§7.2)."""
        _check_customer_payload(payload)
        return Customer.from_json(self._request("PUT", f"/customers/{customer_id}",
                                                json=payload).data)

    def customer_patch(self, customer_id: int, changes: dict) -> Customer:
        """Read, merge `changes` into the full body, write it back (read-modify-write)."""
        current = self.customer(customer_id)
        return self.customer_update(customer_id, _merge(current.write_payload(), changes))

    def customer_delete(self, customer_id: int) -> None:
        self._request("DELETE", f"/customers/{customer_id}")

    def customer_find_by_email(self, email: str, *, full_scan: bool = True) -> Customer | None:
        """`filterSearchText`, then an exact case-insensitive match on the main contact's
        e-mail items. The search is a substring search that has been seen ignoring its input,
        so every page it returns is checked; if it finds nothing, optionally scan them all."""
        wanted = email.strip().lower()
        if not wanted:
            return None
        matches = self._match_email(self.customers(search=email.strip()), wanted)
        if matches is None and full_scan:
            matches = self._match_email(self.customers(), wanted)
        return matches

    @staticmethod
    def _match_email(customers: Iterator[Customer], wanted: str) -> Customer | None:
        for customer in customers:
            if any(e.strip().lower() == wanted for e in customer.emails):
                return customer
        return None

    # --- contacts --------------------------------------------------------------------

    def contacts(self, *, customer_id: int | None = None,
                 site_id: int | None = None) -> Iterator[dict]:
        yield from self._paged("/contacts", {"pageSize": 100, "filterCustomerId": customer_id,
                                             "filterSiteId": site_id})

    def contact_create(self, payload: dict) -> dict:
        if not str(payload.get("firstName") or "").strip():
            raise ValueError("contact payload needs firstName")
        return self._request("POST", "/contacts", json=payload).data

    def contact_update(self, contact_id: int, payload: dict) -> dict:
        return self._request("PUT", f"/contacts/{contact_id}", json=payload).data

    # --- sites -------------------------------------------------------------------------

    def site_create(self, default_contact: dict, site_address: dict, *,
                    name: str | None = None, postal_address: dict | None = None) -> CreateResult:
        if not (default_contact.get("firstName") and default_contact.get("lastName")):
            raise ValueError("site defaultContact needs firstName and lastName")
        if not str(site_address.get("address1") or "").strip():
            raise ValueError("siteAddress.address1 must not be empty")
        body: dict[str, Any] = {"defaultContact": default_contact, "siteAddress": site_address}
        if name:
            body["name"] = name
        if postal_address:
            body["postalAddress"] = postal_address
        return create_result(self._request("POST", "/sites", json=body), "/sites")

    def site(self, site_id: int) -> Site:
        return Site.from_json(self._get(f"/sites/{site_id}"))

    def sites(self, **filters: Any) -> Iterator[Site]:
        params = {"pageSize": 100, **{k: v for k, v in filters.items() if v is not None}}
        for item in self._paged("/sites", params):
            yield Site.from_json(item)

    def site_update(self, site_id: int, *, site_address: dict | None = None,
                    **fields: Any) -> Site:
        """PATCH always needs `siteAddress` (§7.4): the current one is re-sent if not given."""
        if site_address is None:
            site_address = self.site(site_id).physical_address or {}
        body = {"siteAddress": site_address, **fields}
        return Site.from_json(self._request("PATCH", f"/sites/{site_id}", json=body).data)

    def site_archive(self, site_id: int) -> None:
        self._request("POST", f"/sites/{site_id}/archive")

    def site_restore(self, site_id: int) -> None:
        self._request("POST", f"/sites/{site_id}/restore")

    # --- notes -----------------------------------------------------------------------

    def note_create(self, entity_name: str, entity_id: int, text: str, *,
                    pinned: bool = False) -> Note:
        name = entity_name.lower()
        if name not in ENTITY_NAMES:
            raise ValueError(f"unknown note entityName {name!r}")
        # isPinned on create drops the text (§7.11): pin with a PATCH afterwards.
        note = Note.from_json(self._request("POST", "/notes", json={
            "entityName": name, "entityId": entity_id, "text": text}).data)
        if pinned:
            note = Note.from_json(self._request("PATCH", f"/notes/{note.id}",
                                                json={"isPinned": True}).data)
        return note

    def notes(self, entity_name: str, entity_id: int) -> list[Note]:
        return [Note.from_json(n) for n in self._paged("/notes", {
            "pageSize": 100, "filterEntityName": entity_name.lower(),
            "filterEntityId": entity_id, "sortField": "created_at"})]


def email_items(email: str | None, phone: str | None = None,
                mobile: str | None = None) -> list[dict[str, str]]:
    """Contact items for a person payload: e-mail and phones never go top level (§7.2)."""
    items = []
    for kind, value in (("email", email), ("phone", phone), ("mobile", mobile)):
        if value:
            items.append({"contactType": kind, "contactValue": value})
    return items


__all__ = ["ResourcesMixin", "create_result", "email_items", "contact_items"]
