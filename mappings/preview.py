"""Preview: fetch a Cliniko record for a connection and map it with saved or unsaved rules.

`preview_record_source` is pluggable (set PREVIEW_RECORD_SOURCE to another
callable in tests or demos). By default it asks the Cliniko client, which is
imported lazily; when the client is unavailable the admin falls back to a
pasted record.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from mappings.engine import MappingResult, evaluate_filters, map_record
from mappings.kinds import APPOINTMENT_EVENT, INVOICE_JOB
from mappings.services import load_filters, load_translations

logger = logging.getLogger(__name__)

RESOURCE_PATHS = {
    "patient_customer": "patients",
    "patient_site": "patients",
    "appointment_event": "individual_appointments",
    "invoice_job": "invoices",
}


class PreviewUnavailable(Exception):
    """No way to fetch records for this connection; paste a record's JSON instead."""


def _client(connection: Any) -> Any:
    try:
        module = importlib.import_module("sync.clients.cliniko")
    except ImportError as exc:
        raise PreviewUnavailable("The Cliniko client is not installed.") from exc
    client_class = getattr(module, "ClinikoClient", None)
    if client_class is None or not hasattr(client_class, "for_connection"):
        raise PreviewUnavailable("The Cliniko client has no for_connection().")
    return client_class.for_connection(connection)


def default_record_source(connection: Any, kind: str, query: str) -> list[dict[str, Any]]:
    """Records matching an id (digits), an e-mail (patients) or a name (patients)."""
    client = _client(connection)
    resource = RESOURCE_PATHS[kind]
    query = query.strip()
    try:
        if query.isdigit():
            return [client.get(resource, query).raw]
        if resource != "patients":
            raise PreviewUnavailable("Search appointments and invoices by id.")
        field = "email" if "@" in query else "last_name"
        pages = client.iter_pages(resource, extra_q=[f"{field}:~{query}"],
                                  sort="last_name:asc")
        page = next(iter(pages), None)
    except PreviewUnavailable:
        raise
    except Exception as exc:  # the client's errors: say which kind, not the detail
        logger.info("preview fetch failed for connection %s (%s)", connection.pk,
                    type(exc).__name__)
        raise PreviewUnavailable(f"Cliniko could not be asked ({type(exc).__name__}).") from exc
    return [record.raw for record in (page.items if page else [])][:10]


def cached_related(connection: Any, kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """Related staff and clinic records from the sync's reference cache (no API calls)."""
    from sync.push.base import link_id
    from sync.references import References

    refs = References(connection)
    related: dict[str, Any] = {}
    business = refs.business(link_id(record, "business"))
    if business:
        related["business"] = business
    if kind == APPOINTMENT_EVENT:
        practitioner_id = link_id(record, "practitioner")
        related.update(
            practitioner=refs.practitioner(practitioner_id),
            practitioner_user=refs.practitioner_user(practitioner_id),
            appointment_type=refs.appointment_type(link_id(record, "appointment_type")),
            fergus_user_id=refs.fergus_user_for_practitioner(practitioner_id),
        )
    return related


PREVIEW_RECORD_SOURCE: Callable[[Any, str, str], list[dict[str, Any]]] = default_record_source


def preview_record_source(connection: Any, kind: str, query: str) -> list[dict[str, Any]]:
    return PREVIEW_RECORD_SOURCE(connection, kind, query)


def preview_context(connection: Any, kind: str, record: dict[str, Any],
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A context for previewing: translations, time zone, placeholders for Fergus ids.

    Related Cliniko records come from a pasted {"source": …, "context": …}
    document (`extra`); the sync engine builds the real context itself.
    """
    context: dict[str, Any] = {
        "time_zone": connection.time_zone,
        "translations": load_translations(connection),
        "fergus_customer_id": 0, "fergus_site_id": 0, "fergus_user_id": None,
    }
    if kind == INVOICE_JOB:
        context["invoice_items"] = []
    if kind == APPOINTMENT_EVENT:
        context.update({"appointment_type": {}, "practitioner": {}})
    context.update(cached_related(connection, kind, record))
    context.update(extra or {})
    business_zone = (context.get("business") or {}).get("time_zone_identifier")
    if business_zone:
        context["time_zone"] = business_zone
    return context


def preview_run(connection: Any, kind: str, rules: list[Any], record: dict[str, Any],
                context: dict[str, Any]) -> tuple[MappingResult, Any]:
    result = map_record(rules, record, context)
    return result, evaluate_filters(load_filters(connection, kind), record, context)
