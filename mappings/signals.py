"""Every new connection starts from the default template."""

from __future__ import annotations

from typing import Any


def connection_created(sender: Any, instance: Any, created: bool, raw: bool = False,
                       **kwargs: Any) -> None:
    if not created or raw:  # raw: loaddata; fixtures bring their own rows
        return
    from mappings.services import template_apply

    # Same transaction as the connection: a rolled-back create leaves no rules.
    template_apply(instance)
