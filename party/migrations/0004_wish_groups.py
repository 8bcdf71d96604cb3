"""Community and subdistrict staff keep wishes and the 双报到 register; supervisors read them."""

from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

MODELS = ("wish", "inservicemember")


def forward(apps, schema_editor):
    grant(
        apps,
        "party",
        {COMMUNITY_STAFF: crud(*MODELS), SUBDISTRICT_STAFF: crud(*MODELS), SUPERVISORS: view(*MODELS)},
    )


class Migration(migrations.Migration):
    dependencies = [("party", "0003_wishes")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
