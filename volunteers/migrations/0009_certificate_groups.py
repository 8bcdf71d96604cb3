"""Community and subdistrict staff issue and revoke certificates and keep their issuing settings; supervisors
read the register."""

from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

MODELS = ("issuingoffice", "certificate")


def forward(apps, schema_editor):
    grant(
        apps,
        "volunteers",
        {COMMUNITY_STAFF: crud(*MODELS), SUBDISTRICT_STAFF: crud(*MODELS), SUPERVISORS: view(*MODELS)},
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0008_certificates")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
