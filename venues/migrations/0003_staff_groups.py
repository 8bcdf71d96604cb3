from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

REGISTERS = ("venue", "venuesection", "offering", "openinghours", "closure", "docent", "booking", "visitrecord")


def forward(apps, schema_editor):
    grant(
        apps,
        "venues",
        {
            COMMUNITY_STAFF: crud(*REGISTERS) + view("slot"),
            SUBDISTRICT_STAFF: crud(*REGISTERS) + view("slot"),
            SUPERVISORS: view(*REGISTERS, "slot"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0002_registers"),
        ("communities", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
