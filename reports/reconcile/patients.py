"""Patients ↔ Fergus customers: missing, gone, field drift, duplicates.

Fergus customers are streamed first into id → (digest of the compared fields)
and e-mail hash → ids; Cliniko patients are then streamed page by page and
mapped with the live mapping. Only a digest mismatch costs a re-read of that
one customer, to say which fields differ.
"""

from __future__ import annotations

from typing import Any

from reports.reconcile.common import Recon, not_found
from sync.models import CrossReference
from sync.models.work import ObjectType

PATIENT = ObjectType.PATIENT
LINKED = CrossReference.State.LINKED
_ADDRESS = ("address1", "address2", "addressSuburb", "addressCity", "addressRegion",
            "addressPostcode", "addressCountry")
# The fields the default mapping writes; custom targets are compared on a re-read.
CUSTOMER_FIELDS = (
    "customerFullName", "mainContact.firstName", "mainContact.lastName",
    "mainContact.contactItems[email]", "mainContact.contactItems[mobile]",
    "mainContact.contactItems[phone]",
    *(f"physicalAddress.{k}" for k in _ADDRESS),
)
SKIP_KEYS = {"id", "links", "createdAt", "companyId"}


def flatten(payload: Any, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    """{"a.b": "value"}; contact items become "…contactItems[type]" = sorted values."""
    out = {} if out is None else out
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in SKIP_KEYS:
                continue
            flatten(value, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(payload, list):
        if all(isinstance(i, dict) and "contactType" in i for i in payload):
            grouped: dict[str, list[str]] = {}
            for item in payload:
                value = str(item.get("contactValue") or "").strip()
                if item.get("contactType") == "email":
                    value = value.lower()
                grouped.setdefault(str(item.get("contactType")), []).append(value)
            for kind, values in grouped.items():
                out[f"{prefix}[{kind}]"] = "; ".join(sorted(values))
        else:
            out[prefix] = "; ".join(str(i) for i in payload)
    else:
        out[prefix] = "" if payload is None else str(payload).strip()
    return out


def digest(flat: dict[str, str]) -> int:
    return hash(tuple(flat.get(name, "") for name in CUSTOMER_FIELDS))


def check_patients(r: Recon) -> None:
    customers: dict[int, int] = {}
    by_email: dict[int, list[int]] = {}
    for customer in r.fergus.customers(page_size=100):
        customers[customer.id] = digest(flatten(customer.raw))
        for email in {e.strip().lower() for e in customer.emails if e.strip()}:
            by_email.setdefault(hash(email), []).append(customer.id)
    r.count("fergus_customers", len(customers))

    for page in r.cliniko.iter_pages("patients", include_archived=True):
        ids = [str(rec.id) for rec in page.items]
        links, states = r.links(PATIENT, ids), r.item_states(PATIENT, ids)
        r.count("patients", len(ids))
        for rec in page.items:
            _patient(r, rec.raw, str(rec.id), links.get(str(rec.id)), states, customers)
    _duplicates(r, by_email)


def _patient(r: Recon, raw: dict, cid: str, link: Any, states: dict[str, str],
             customers: dict[int, int]) -> None:
    archived = bool(raw.get("archived_at") or raw.get("merged_at"))
    if link is None or not link.fergus_id:
        if not archived and not r.filtered_out("patient_customer", raw, {}):
            r.missing_unless_explained(PATIENT, cid, states)
        return
    fid = int(link.fergus_id)
    if fid not in customers or link.state == CrossReference.State.GONE:
        try:
            r.fergus.customer(fid)
        except Exception as exc:
            if not not_found(exc):
                raise
            r.recorder.found("fergus_record_gone", PATIENT, cliniko_id=cid, fergus_id=fid)
            return
    if archived or link.state != LINKED:
        return  # archived/merged patients keep their customer as it was
    mapped = r.map("patient_customer", raw, {})
    if not mapped.ok:
        return  # the push dead-letters it; reported as a dead work item
    wanted = flatten(mapped.payload)
    if fid in customers and digest(wanted) == customers[fid] and set(wanted) <= set(
            CUSTOMER_FIELDS):
        return
    actual = flatten(r.fergus.customer(fid).raw)
    for name in sorted(set(wanted) | (set(CUSTOMER_FIELDS) & set(actual))):
        mine, theirs = wanted.get(name, ""), actual.get(name, "")
        if mine != theirs:
            r.recorder.found("field_drift", PATIENT, cliniko_id=cid, fergus_id=fid, field=name,
                             values=(mine, theirs))


def _duplicates(r: Recon, by_email: dict[int, list[int]]) -> None:
    for ids in by_email.values():
        if len(ids) < 2:
            continue
        ids = sorted(set(ids))
        if len(ids) < 2:
            continue
        linked = dict(CrossReference.objects.filter(
            connection=r.connection, object_type=PATIENT, fergus_id__in=ids,
        ).values_list("fergus_id", "cliniko_id"))
        patients = sorted(set(linked.values()))
        if len(patients) == 1:
            cid = patients[0]
            own = next(fid for fid, c in linked.items() if c == cid)
            r.recorder.found("duplicate_customers", PATIENT, cliniko_id=cid, fergus_id=own,
                             key=f"duplicate_customers:patient:{cid}",
                             detail={"customer_ids": ids})
        else:
            r.recorder.found("duplicate_customers", "customer", fergus_id=ids[0],
                             field="email", key=f"duplicate_customers:email:{ids[0]}",
                             detail={"customer_ids": ids, "patient_ids": patients})
