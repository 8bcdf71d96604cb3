from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, grant, view


def forward(apps, schema_editor):
    grant(
        apps,
        "venues",
        {
            COMMUNITY_STAFF: view("waitlistentry"),
            SUBDISTRICT_STAFF: view("waitlistentry"),
            SUPERVISORS: view("waitlistentry"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("venues", "0008_waitlist")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
