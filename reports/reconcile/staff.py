"""Practitioners without a Fergus user, and dead-lettered work items."""

from __future__ import annotations

from reports.reconcile.common import Recon
from sync.models import CrossReference, WorkItem


def check_practitioners(r: Recon) -> None:
    for pid, _name, user_id in r.references.practitioner_matches():
        practitioner = r.references.practitioner(pid)
        if practitioner.get("active") is False:
            continue
        r.count("practitioners", 1)
        if user_id is None:
            r.recorder.found("practitioner_without_fergus_user", "practitioner",
                             cliniko_id=pid)


def check_dead_items(r: Recon) -> None:
    dead = WorkItem.objects.filter(connection=r.connection, state=WorkItem.State.DEAD)
    for object_type, cid, item_id, error_kind in dead.values_list(
            "object_type", "cliniko_id", "pk", "last_error_kind").iterator():
        fid = CrossReference.objects.filter(connection=r.connection, object_type=object_type,
                                            cliniko_id=cid).values_list("fergus_id",
                                                                         flat=True).first()
        r.recorder.found("dead_work_item", object_type, cliniko_id=cid, fergus_id=fid,
                         key=f"dead_work_item:{object_type}:{cid}",
                         detail={"work_item_id": item_id, "error_kind": error_kind})
