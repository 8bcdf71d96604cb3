from django.db import migrations

from registers.roles import AUDIT_ADMINISTRATORS, grant, view


def forward(apps, schema_editor):
    # The audit administrator reads the security event log (and exports it); no one may change it.
    grant(apps, "audit", {AUDIT_ADMINISTRATORS: view("securityevent")})


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_tables_refuse_edits")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
