from django.db import migrations

from registers.roles import PERSONAL_DATA_OFFICERS, SUPERVISORS, grant, view


def forward(apps, schema_editor):
    grant(
        apps,
        "audit",
        {
            # Supervisors read the access log of their unit; personal data officers answer residents' requests.
            SUPERVISORS: view("accesslog"),
            PERSONAL_DATA_OFFICERS: ["handle_personal_data_requests"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("communities", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
