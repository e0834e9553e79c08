"""Reconciliation: compare a connection's Cliniko records with Fergus, record mismatches.

`connection_reconcile(connection, trigger=...) -> ReconciliationRun` is the one
entry point (the schedule's task, the dashboard button and the `reconcile`
command call it). Both sides are read in pages; only id → small-tuple maps are
kept in memory. Values that differ are stored encrypted on the mismatch and
never logged.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from reports.models import ReconciliationRun
from reports.reconcile.appointments import check_appointments
from reports.reconcile.common import Recon
from reports.reconcile.invoices import check_invoices
from reports.reconcile.patients import check_patients
from reports.reconcile.recorder import Recorder
from reports.reconcile.staff import check_dead_items, check_practitioners
from sync.clients.base import ApiError
from sync.models import Connection

log = logging.getLogger("reports.reconcile")

__all__ = ["connection_reconcile"]


def connection_reconcile(connection: Connection, *,
                         trigger: str = ReconciliationRun.Trigger.BUTTON,
                         clients: object | None = None) -> ReconciliationRun:
    from reports.services import mismatches_settle, reconciliation_setting_for
    from sync.engine import clients_for
    from sync.references import References, references_refresh, references_stale

    run = ReconciliationRun.objects.create(connection=connection, trigger=trigger)
    clients = clients or clients_for(connection)
    recorder = Recorder(run)
    recon: Recon | None = None
    try:
        mismatches_settle(connection)
        if references_stale(connection):
            references_refresh(connection, clients.cliniko, clients.fergus)
        recon = Recon(connection, clients.cliniko, clients.fergus, recorder,
                      reconciliation_setting_for(connection), References(connection))
        if connection.sync_patients:
            check_patients(recon)
        if connection.sync_appointments:
            check_appointments(recon)
            check_practitioners(recon)
        if connection.sync_invoices:
            check_invoices(recon)
        check_dead_items(recon)
        run.resolved = recorder.finish()
        run.status = ReconciliationRun.Status.OK
    except ApiError as exc:
        recorder.flush()  # what was found stands; nothing is resolved on a partial run
        run.status = ReconciliationRun.Status.FAILED
        run.error = str(exc)[:2000]
        log.warning("reconciliation %s of connection %s failed: %s", run.pk, connection.pk,
                    exc)
    except Exception as exc:
        recorder.flush()
        run.status = ReconciliationRun.Status.FAILED
        run.error = f"{type(exc).__name__} (see the server log)"
        # The type and frames only: an exception's text could quote a patient value.
        log.error("reconciliation %s of connection %s failed with %s", run.pk, connection.pk,
                  type(exc).__name__)
        raise
    finally:
        run.counts = dict(sorted(recorder.counts.items()))
        run.checked = recon.checked if recon else {}
        run.new = recorder.new
        run.cliniko_requests = getattr(getattr(clients, "cliniko_count", None), "count", 0)
        run.fergus_requests = getattr(getattr(clients, "fergus_count", None), "count", 0)
        run.finished_at = timezone.now()
        run.save()
    return run
