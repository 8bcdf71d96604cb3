from django.db import migrations

from registers.roles import SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view


def forward(apps, schema_editor):
    # Supervisors set the targets of the units under them; the offices see theirs.
    grant(apps, "reports", {SUPERVISORS: crud("target"), SUBDISTRICT_STAFF: view("target")})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("communities", "0002_staff_groups")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
