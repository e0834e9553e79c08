"""The consultant's onboarding of a clinic, as named steps the admin views call.

1 credentials → 2 test → 3 objects, filters, template → 4 practitioners → 5 dry run → 6 live.
The current step lives on OnboardingState, so a consultant can leave at any point and resume;
going back is always allowed, going forward only once the earlier steps are satisfied.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from sync.models import Connection, OnboardingState, ReferenceRecord
from sync.onboarding.checks import Check, cliniko_check, fergus_check
from sync.services import connection_create

Step = OnboardingState.Step


class OnboardingError(Exception):
    """A step was asked for before the steps it depends on were done."""


def _advance(state: OnboardingState, to: int) -> None:
    state.step = max(state.step, to)


def onboarding_for(connection: Connection, user: Any = None) -> OnboardingState:
    state, _ = OnboardingState.objects.get_or_create(
        connection=connection, defaults={"started_by": user})
    return state


@transaction.atomic
def onboarding_start(*, name: str, clinic_name: str, cliniko_api_key: str, fergus_token: str,
                     user_agent_email: str, time_zone: str = "Australia/Sydney",
                     cliniko_base_url: str = "", fergus_base_url: str = "",
                     user: Any = None) -> OnboardingState:
    """Step 1: a draft connection holding the encrypted credentials."""
    connection = connection_create(
        name=name, clinic_name=clinic_name, cliniko_api_key=cliniko_api_key,
        fergus_token=fergus_token, user_agent_email=user_agent_email, time_zone=time_zone,
        cliniko_base_url=cliniko_base_url, fergus_base_url=fergus_base_url,
        state=Connection.State.DRAFT)
    return OnboardingState.objects.create(connection=connection, step=Step.TEST,
                                          started_by=user)


@transaction.atomic
def onboarding_credentials_update(state: OnboardingState, *, clinic_name: str,
                                  user_agent_email: str, time_zone: str,
                                  cliniko_api_key: str = "", fergus_token: str = "",
                                  cliniko_base_url: str | None = None,
                                  fergus_base_url: str | None = None) -> OnboardingState:
    """Step 1 again: blank secrets keep the stored ones; any change asks for a new test."""
    connection = state.connection
    connection.clinic_name = clinic_name
    connection.cliniko_user_agent_email = user_agent_email
    connection.time_zone = time_zone
    if cliniko_base_url is not None:
        connection.cliniko_base_url = cliniko_base_url
    if fergus_base_url is not None:
        connection.fergus_base_url = fergus_base_url
    if cliniko_api_key:
        connection.cliniko_api_key = cliniko_api_key
    if fergus_token:
        connection.fergus_token = fergus_token
    connection.full_clean()
    connection.save()
    state.checks, state.checks_passed, state.step = {}, False, Step.TEST
    state.save()
    return state


def onboarding_test_credentials(state: OnboardingState) -> list[Check]:
    """Step 2: both checks, stored so the page can be reloaded without calling again."""
    connection = Connection.objects.get(pk=state.connection_id)
    results = [cliniko_check(connection), fergus_check(connection)]
    state.checks = {c.system: c.as_dict() for c in results}
    state.checks_passed = all(c.ok for c in results)
    if state.checks_passed:
        _advance(state, Step.OBJECTS)
    state.save()
    return results


def _require(state: OnboardingState, step: int) -> None:
    if not state.checks_passed and step > Step.TEST:
        raise OnboardingError("Test the credentials first: both must pass.")
    if state.step < step:
        raise OnboardingError(f"Finish step {state.step} first.")


@transaction.atomic
def onboarding_choose(state: OnboardingState, *, sync_patients: bool, sync_appointments: bool,
                      sync_invoices: bool, template: Any = None,
                      filters: dict[int, tuple[bool, list[str]]] | None = None,
                      user: Any = None) -> OnboardingState:
    """Step 3: objects to sync, the mapping template and which default filters apply.

    `filters` maps a SyncFilter id of this connection to (enabled, values)."""
    from mappings.models import SyncFilter
    from mappings.services import template_apply

    _require(state, Step.OBJECTS)
    if not (sync_patients or sync_appointments or sync_invoices):
        raise OnboardingError("Choose at least one kind of record to sync.")
    connection = state.connection
    connection.sync_patients = sync_patients
    connection.sync_appointments = sync_appointments
    connection.sync_invoices = sync_invoices
    connection.save(update_fields=["sync_patients", "sync_appointments", "sync_invoices",
                                   "updated_at"])
    if template is not None and template.name != state.template_name:
        template_apply(connection, template, user=user)
        state.template_name = template.name
    for filter_id, (enabled, values) in (filters or {}).items():
        SyncFilter.objects.filter(connection=connection, pk=filter_id).update(
            enabled=enabled, values=values)
    _advance(state, Step.PRACTITIONERS)
    state.save()
    return state


def onboarding_match_practitioners(state: OnboardingState, *, clients: Any = None) -> list[dict]:
    """Step 4: re-read practitioners and Fergus users; pair them by e-mail, never by guess."""
    from sync.engine import clients_for
    from sync.references import References, references_refresh

    _require(state, Step.PRACTITIONERS)
    connection = state.connection
    clients = clients or clients_for(connection)
    references_refresh(connection, clients.cliniko, clients.fergus)
    refs = References(connection)
    fergus_users = {r.remote_id: r.data for r in ReferenceRecord.objects.filter(
        connection=connection, kind="fergus_user")}
    rows = []
    for pid, name, fergus_id in refs.practitioner_matches():
        practitioner = refs.practitioner(pid)
        fergus = fergus_users.get(str(fergus_id), {}) if fergus_id else {}
        rows.append({
            "practitioner_id": pid, "name": name,
            "active": bool(practitioner.get("active", True)),
            # Staff e-mails (not patient data): the consultant needs them to fix a mismatch.
            "email": str(refs.practitioner_user(pid).get("email") or ""),
            "fergus_user_id": fergus_id,
            "fergus_user": " ".join(filter(None, [fergus.get("firstName"),
                                                  fergus.get("lastName")])),
        })
    state.matches = rows
    _advance(state, Step.DRY_RUN)
    state.save()
    return rows


def onboarding_unmatched(state: OnboardingState) -> list[dict]:
    """Active practitioners with no Fergus user: their appointments cannot be assigned."""
    return [r for r in state.matches if r["active"] and r["fergus_user_id"] is None]


def onboarding_dry_run(state: OnboardingState, *, max_pages: int | None = 2,
                       clients: Any = None) -> dict:
    """Step 5: what the first sync would do, from the real pull and push code."""
    from sync.dryrun import connection_dry_run

    _require(state, Step.DRY_RUN)
    report = connection_dry_run(state.connection, clients=clients, max_pages=max_pages)
    state.dry_run = {**asdict(report), "ran_at": timezone.now().isoformat(),
                     "max_pages": max_pages}
    _advance(state, Step.LIVE)
    state.save()
    return state.dry_run


@transaction.atomic
def onboarding_go_live(state: OnboardingState) -> OnboardingState:
    """Step 6: the connection goes live and its loop (backfill first) starts after commit."""
    from sync.tasks import connection_loop_start

    _require(state, Step.LIVE)
    if not state.dry_run:
        raise OnboardingError("Run the dry run first.")
    Connection.objects.filter(pk=state.connection_id).update(
        state=Connection.State.LIVE, state_reason="", updated_at=timezone.now())
    state.went_live_at = state.went_live_at or timezone.now()
    state.save()
    connection_loop_start(state.connection_id)
    return state


def onboarding_goto(state: OnboardingState, step: int) -> OnboardingState:
    """Go back to any earlier step (or stay); forward jumps are refused."""
    if step > state.step:
        raise OnboardingError(f"Finish step {state.step} first.")
    return state


def onboarding_progress(state: OnboardingState) -> dict:
    """The backfill's progress for the bar on step 6."""
    from sync.models import SyncRun
    from sync.pull import backfill_progress

    connection = Connection.objects.get(pk=state.connection_id)
    done, total, complete = backfill_progress(connection)
    last = SyncRun.objects.filter(connection=connection).exclude(
        kind=SyncRun.Kind.DRY_RUN).order_by("-started_at").first()
    percent = 100 if complete else (int(done * 100 / total) if total else 0)
    return {"done": done, "total": total, "complete": complete, "percent": min(percent, 100),
            "state": connection.state, "state_reason": connection.state_reason,
            "last_run": None if last is None else {
                "status": last.status, "created": last.created, "updated": last.updated,
                "failed": last.failed, "started_at": last.started_at.isoformat()}}
