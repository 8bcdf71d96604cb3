from django.db import migrations

from registers.roles import (
    COMMUNITY_STAFF,
    PERSONAL_DATA_OFFICERS,
    SUBDISTRICT_STAFF,
    SUPERVISORS,
    crud,
    grant,
    view,
)

COMMUNITY_REGISTERS = ("grid", "courtyard", "partyorganization", "person", "committeemember", "partnership", "honour")


def forward(apps, schema_editor):
    grant(
        apps,
        "communities",
        {
            COMMUNITY_STAFF: crud(*COMMUNITY_REGISTERS) + view("district", "subdistrict", "community", "partnerorganization"),
            SUBDISTRICT_STAFF: crud(*COMMUNITY_REGISTERS, "community", "partnerorganization")
            + view("district", "subdistrict"),
            SUPERVISORS: view(
                "district", "subdistrict", "community", "partnerorganization", *COMMUNITY_REGISTERS
            ),
            PERSONAL_DATA_OFFICERS: ["view_sensitive_personal_data"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
