from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, grant, view


def forward(apps, schema_editor):
    grant(
        apps,
        "messaging",
        {COMMUNITY_STAFF: view("message"), SUBDISTRICT_STAFF: view("message"), SUPERVISORS: view("message")},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("communities", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
