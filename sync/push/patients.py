"""Patient → Fergus customer (+ site, + a marker note carrying the Cliniko id)."""

from __future__ import annotations

from typing import Any

from sync.models import CrossReference
from sync.models.work import ObjectType
from sync.push.base import Outcome, PushContext, Skip, jsonable, link_id, payload_hash

PATIENT = ObjectType.PATIENT
MARKER = "Cliniko patient {id}"


def marker_for(cliniko_id: str) -> str:
    return MARKER.format(id=cliniko_id)


def _email(payload: dict) -> str | None:
    for item in (payload.get("mainContact") or {}).get("contactItems") or []:
        if item.get("contactType") == "email" and item.get("contactValue"):
            return str(item["contactValue"]).strip().lower()
    return None


def _marker_owner(ctx: PushContext, customer_id: int) -> str | None:
    """The Cliniko patient id a customer's marker note names, if any."""
    prefix = MARKER.split("{", 1)[0]
    for note in ctx.fergus.notes("customer", customer_id):
        text = (note.text or "").strip()
        if text.startswith(prefix):
            return text[len(prefix):].split()[0] if text[len(prefix):].split() else None
    return None


def _linked_elsewhere(ctx: PushContext, customer_id: int, cliniko_id: str) -> str | None:
    other = CrossReference.objects.filter(
        connection=ctx.connection, object_type=PATIENT, fergus_kind="customer",
        fergus_id=customer_id,
    ).exclude(cliniko_id=cliniko_id).values_list("cliniko_id", flat=True).first()
    return other


def _adoptable(ctx: PushContext, customer_id: int, cliniko_id: str) -> bool:
    owner = _marker_owner(ctx, customer_id)
    if owner == cliniko_id:
        return True
    other = owner or _linked_elsewhere(ctx, customer_id, cliniko_id)
    if other:
        ctx.warn(f"patient {cliniko_id} shares its e-mail with patient {other}; "
                 f"Fergus customer {customer_id} stays linked to {other} only")
        return False
    return True


def find_existing(ctx: PushContext, cliniko_id: str, payload: dict, *,
                  look_first: bool = False) -> int | None:
    """Match before create: the marker, then the e-mail (exact, case-insensitive).

    A customer already linked to another patient, or whose marker names another
    patient, is never adopted: two patients sharing an e-mail stay two customers,
    and the clash is reported. After an attempt that may have created the customer
    (look_first), a patient without an e-mail is matched by exact name, but only to
    a customer nobody else claims.
    """
    email = _email(payload)
    if email:
        customer = ctx.fergus.customer_find_by_email(email, full_scan=False)
        if customer is not None and _adoptable(ctx, customer.id, cliniko_id):
            return customer.id
        return None
    name = str(payload.get("customerFullName") or "").strip()
    if not look_first or not name:
        return None
    for customer in ctx.fergus.customers(search=name):
        if customer.full_name.strip() == name and _adoptable(ctx, customer.id, cliniko_id):
            return customer.id
    return None


def _site_push(ctx: PushContext, raw: dict, cliniko_id: str, xref_extra: dict,
               context: dict) -> list[str]:
    """Keep one site at the patient's address (jobs need a site). Returns warnings."""
    site_map = ctx.map("patient_site", PATIENT, cliniko_id, raw, context)
    site = site_map.payload
    address = site.get("siteAddress") or {}
    if not (address.get("address1") or "").strip():
        return [f"patient {cliniko_id} has no street address: no Fergus site"]
    site_hash = payload_hash(site)
    site_id = xref_extra.get("site_id")
    if site_id and xref_extra.get("site_hash") == site_hash:
        return []
    contact = site.get("defaultContact") or {}
    if site_id:
        ctx.fergus.site_update(site_id, site_address=jsonable(address),
                               default_contact=jsonable(contact))
    else:
        result = ctx.fergus.site_create(jsonable(contact), jsonable(address),
                                        name=site.get("name"))
        site_id = result.id
    xref_extra.update(site_id=site_id, site_hash=site_hash)
    return []


def patient_push(ctx: PushContext, raw: dict, *, look_first: bool = False) -> Outcome:
    cliniko_id = str(raw["id"])
    xref = ctx.xref(PATIENT, cliniko_id)
    linked = xref is not None and xref.fergus_id and xref.state != CrossReference.State.GONE
    context: dict[str, Any] = {}

    if raw.get("archived_at") or raw.get("merged_at"):
        return _archive(ctx, raw, cliniko_id, xref)

    ctx.check_filters("patient_customer", raw, context)
    ctx.check_hold("patient_customer", cliniko_id, is_new=not linked)
    mapped = ctx.map("patient_customer", PATIENT, cliniko_id, raw, context)
    payload = mapped.payload
    digest = payload_hash(payload)
    extra = dict(xref.extra) if xref else {}

    if linked:
        customer_id = xref.fergus_id
        action = "unchanged"
        if xref.payload_hash != digest or ctx.force:
            ctx.fergus.customer_update(customer_id, jsonable(payload))
            action = "updated"
    else:
        customer_id = find_existing(ctx, cliniko_id, payload, look_first=look_first)
        action = "matched"
        if customer_id is None:
            result = ctx.fergus.customer_create(jsonable(payload))
            customer_id = result.id
            action = "created" if result.created else "matched"
            if not result.created:
                other = _linked_elsewhere(ctx, customer_id, cliniko_id)
                if other:
                    ctx.warn(f"patient {cliniko_id} matches Fergus customer {customer_id} "
                             f"(same name and e-mail) already linked to patient {other}")
        if action == "matched":
            # Adopted an existing customer: bring it up to date.
            ctx.fergus.customer_update(customer_id, jsonable(payload))
        # Record the link at once, so a failure below never leads to a second
        # customer on the next attempt.
        ctx.xref_save(PATIENT, cliniko_id, fergus_kind="customer", fergus_id=customer_id,
                      extra=extra)
    if not extra.get("note_id"):
        # A crash may have come between the note and the link: look before writing.
        if action == "created" or _marker_owner(ctx, customer_id) != cliniko_id:
            note = ctx.fergus.note_create("customer", customer_id, marker_for(cliniko_id))
            extra["note_id"] = getattr(note, "id", None)
        else:
            extra["note_id"] = "existing"
    ctx.xref_save(PATIENT, cliniko_id, fergus_kind="customer", fergus_id=customer_id,
                  payload_hash=digest, extra=extra)
    warnings = _site_push(ctx, raw, cliniko_id, extra, context)
    ctx.xref_save(PATIENT, cliniko_id, fergus_kind="customer", fergus_id=customer_id,
                  extra=extra, source_updated_at=_updated(raw))
    return Outcome(action, customer_id, warnings)


def _updated(raw: dict) -> Any:
    from sync.clients.cliniko_types import when

    return when(raw.get("updated_at"))


def _archive(ctx: PushContext, raw: dict, cliniko_id: str,
             xref: CrossReference | None) -> Outcome:
    """Fergus customers cannot be archived over the API (DELETE is irreversible), so an
    archived or merged patient keeps its customer; its site is archived and the link
    records why."""
    if xref is None or not xref.fergus_id:
        raise Skip("unchanged", "archived in Cliniko before it ever reached Fergus")
    state = CrossReference.State.MERGED if raw.get("merged_at") else CrossReference.State.ARCHIVED
    if xref.state == state:
        return Outcome("unchanged", xref.fergus_id)
    extra = dict(xref.extra)
    site_id = extra.get("site_id")
    if site_id and not extra.get("site_archived"):
        ctx.fergus.site_archive(site_id)
        extra["site_archived"] = True
    survivor = link_id(raw, "merged_with_patient")
    if survivor:
        extra["merged_into"] = survivor
    ctx.xref_save(PATIENT, cliniko_id, fergus_kind="customer", fergus_id=xref.fergus_id,
                  extra=extra, state=state, source_updated_at=_updated(raw))
    return Outcome("archived", xref.fergus_id)


def patient_customer_id(ctx: PushContext, patient_id: str) -> int | None:
    """The Fergus customer of a patient, pushing the patient first if needed."""
    xref = ctx.xref(PATIENT, patient_id)
    if xref is not None and xref.fergus_id:
        if xref.state == CrossReference.State.MERGED and xref.extra.get("merged_into"):
            survivor = patient_customer_id(ctx, xref.extra["merged_into"])
            return survivor or xref.fergus_id
        return xref.fergus_id
    outcome = patient_push(ctx, ctx.patient(patient_id))
    return outcome.fergus_id


def patient_site_id(ctx: PushContext, patient_id: str) -> int | None:
    xref = ctx.xref(PATIENT, patient_id)
    return (xref.extra or {}).get("site_id") if xref else None
