"""Staff who keep the registers attach photos and documents to them; supervisors open them."""

from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view


def forward(apps, schema_editor):
    grant(
        apps,
        "registers",
        {COMMUNITY_STAFF: crud("attachment"), SUBDISTRICT_STAFF: crud("attachment"), SUPERVISORS: view("attachment")},
    )


class Migration(migrations.Migration):
    dependencies = [("registers", "0003_attachments"), ("communities", "0002_staff_groups")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
