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


def _get(client: Any, path: str, params: dict[str, Any] | None = None) -> Any:
    for name in ("get_json", "get"):
        method = getattr(client, name, None)
        if callable(method):
            return method(path, params=params) if params else method(path)
    raise PreviewUnavailable("The Cliniko client has no get method.")


def default_record_source(connection: Any, kind: str, query: str) -> list[dict[str, Any]]:
    """Records matching an id (digits), an e-mail (patients) or a name (patients)."""
    client = _client(connection)
    resource = RESOURCE_PATHS[kind]
    query = query.strip()
    try:
        if query.isdigit():
            record = _get(client, f"/{resource}/{query}")
            return [record] if isinstance(record, dict) else []
        if resource != "patients":
            raise PreviewUnavailable("Search appointments and invoices by id.")
        field = "email" if "@" in query else "last_name"
        page = _get(client, f"/{resource}", {"q[]": f"{field}:~{query}", "per_page": 10})
    except PreviewUnavailable:
        raise
    except Exception as exc:  # the client's errors: say which kind, not the detail
        logger.info("preview fetch failed for connection %s (%s)", connection.pk,
                    type(exc).__name__)
        raise PreviewUnavailable(f"Cliniko could not be asked ({type(exc).__name__}).") from exc
    return list((page or {}).get(resource, []))[:10]


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
    context.update(extra or {})
    business_zone = (context.get("business") or {}).get("time_zone_identifier")
    if business_zone:
        context["time_zone"] = business_zone
    return context


def preview_run(connection: Any, kind: str, rules: list[Any], record: dict[str, Any],
                context: dict[str, Any]) -> tuple[MappingResult, Any]:
    result = map_record(rules, record, context)
    return result, evaluate_filters(load_filters(connection, kind), record, context)
