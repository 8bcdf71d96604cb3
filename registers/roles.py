"""The staff groups and the permissions each app grants them, applied by data migrations.

Each app's data migration calls ``grant(apps, "<app_label>", {GROUP: [codenames]})``. The group says what
an account may do; its StaffProfile says where (registers.units).
"""

from django.contrib.auth.management import create_permissions

from .personal_data import REQUESTS_PERMISSION, SENSITIVE_PERMISSION

COMMUNITY_STAFF = "community staff"
SUBDISTRICT_STAFF = "subdistrict staff"
SUPERVISORS = "supervisors"
PERSONAL_DATA_OFFICERS = "personal data officers"
# Reads the security event log; kept apart from the system administrator (等保 三员: 审计管理员).
AUDIT_ADMINISTRATORS = "audit administrators"

GROUPS = (COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, PERSONAL_DATA_OFFICERS, AUDIT_ADMINISTRATORS)


def crud(*model_names: str) -> list[str]:
    return [f"{action}_{name}" for name in model_names for action in ("add", "change", "delete", "view")]


def view(*model_names: str) -> list[str]:
    return [f"view_{name}" for name in model_names]


def grant(apps, app_label: str, spec: dict[str, list[str]]) -> None:
    """Give each group in ``spec`` these permissions of ``app_label`` (created first on a fresh database)."""
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in spec.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Unknown permissions in {app_label}: {sorted(missing)}")
        group.permissions.add(*permissions)


# Either permission lets an account see residents' data in full: the sensitive fields, or a resident's whole
# record (export, erasure).
SENSITIVE_PERMISSIONS = (SENSITIVE_PERMISSION, REQUESTS_PERMISSION)


def requires_two_factor(user) -> bool:
    """Accounts that must sign in with a second factor: those that may see sensitive personal data, and
    superusers, who may see everything."""
    return user.is_authenticated and (
        user.is_superuser or any(user.has_perm(permission) for permission in SENSITIVE_PERMISSIONS)
    )
