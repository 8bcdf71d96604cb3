from django.db import migrations

from registers.roles import SUPERVISORS, grant


def forward(apps, schema_editor):
    # Supervisors read and export the figures; a token is the same reading for another system.
    grant(apps, "api", {SUPERVISORS: ["add_apitoken", "change_apitoken", "view_apitoken"]})


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("communities", "0002_staff_groups")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
