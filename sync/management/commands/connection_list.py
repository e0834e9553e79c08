from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sync.models import Connection


class Command(BaseCommand):
    help = "List connections (never their secrets)."

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = [("ID", "NAME", "CLINIC", "STATE", "SHARD", "CLINIKO KEY", "FERGUS TOKEN")]
        for c in Connection.objects.order_by("pk"):
            rows.append((
                str(c.pk), c.name, c.clinic_name, c.state, c.cliniko_shard,
                "set" if c.has_cliniko_key else "missing",
                "set" if c.has_fergus_token else "missing",
            ))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (v.ljust(w) for v, w in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
