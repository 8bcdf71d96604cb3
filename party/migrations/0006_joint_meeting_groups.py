"""Community and subdistrict staff keep the joint meetings, their items and tasks; supervisors read them."""

from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

MODELS = ("jointmeeting", "agendaitem", "followuptask")


def forward(apps, schema_editor):
    grant(
        apps,
        "party",
        {COMMUNITY_STAFF: crud(*MODELS), SUBDISTRICT_STAFF: crud(*MODELS), SUPERVISORS: view(*MODELS)},
    )


class Migration(migrations.Migration):
    dependencies = [("party", "0005_joint_meetings")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
