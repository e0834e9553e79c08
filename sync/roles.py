"""The three roles, as Django groups with permissions.

The groups are created by a data migration; their permissions are (re)applied
after every migrate, so permissions of models added later by other apps reach
the roles without another data migration. Patterns: "app.codename",
"app.*" (every permission of the app), "app.view_*" (every view permission).
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

PRACTICE_MANAGER = "Practice manager"
INTEGRATION_ADMIN = "Integration admin"
CONSULTANT = "Consultant"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Sees only assigned connections, the dashboard and reports; may press
    # re-sync; no credentials, no mapping edits.
    PRACTICE_MANAGER: [
        "sync.view_connection",
        "sync.resync_connection",
        "sync.view_workitem",
        "sync.view_syncrun",
        "reports.view_*",
        "reports.resync_mismatch",
        "reports.ignore_mismatch",
    ],
    # Edits mappings, translations and filters for every connection.
    INTEGRATION_ADMIN: [
        "sync.view_connection",
        "sync.view_all_connections",
        "sync.resync_connection",
        "sync.view_*",
        "mappings.*",
        "reports.*",
    ],
    # Creates connections and sets credentials; cannot read them back (no
    # form ever renders a secret).
    CONSULTANT: [
        "sync.add_connection",
        "sync.change_connection",
        "sync.view_connection",
        "sync.view_all_connections",
        "sync.set_connection_credentials",
        "sync.add_connectionmember",
        "sync.change_connectionmember",
        "sync.delete_connectionmember",
        "sync.view_connectionmember",
        "sync.resync_connection",
        "mappings.*",
        "reports.view_*",
    ],
}


def assign_role_permissions(group_model: Any, permission_model: Any) -> None:
    perms = list(permission_model.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [
            p
            for p in perms
            if any(fnmatch(f"{p.content_type.app_label}.{p.codename}", pat) for pat in patterns)
        ]
        group.permissions.set(wanted)


def roles_sync_permissions(sender: Any = None, apps: Any = None, using: str = "default",
                           **kwargs: Any) -> None:
    if using != "default":
        return  # the sandbox database has no auth tables
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    assign_role_permissions(group_model, permission_model)
