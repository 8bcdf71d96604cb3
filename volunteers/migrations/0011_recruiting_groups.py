"""Community and subdistrict staff recruit volunteers, keep their sign-ups and check-ins and answer certificate
requests; supervisors read them."""

from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

MODELS = ("recruitment", "signup", "checkin", "certificaterequest")


def forward(apps, schema_editor):
    grant(
        apps,
        "volunteers",
        {COMMUNITY_STAFF: crud(*MODELS), SUBDISTRICT_STAFF: crud(*MODELS), SUPERVISORS: view(*MODELS)},
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0010_recruiting")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
