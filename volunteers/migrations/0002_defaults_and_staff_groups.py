from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

REGISTERS = ("volunteerteam", "membership", "carerecipient", "homevisit")
FIXED_LISTS = ("carecategory", "service")

CARE_CATEGORIES = ("disabled", "seriously_ill", "aged_80_plus", "mobility_impaired")
SERVICES = (
    "conversation", "cleaning", "shopping_errands", "health_check", "haircut", "repairs", "legal_advice",
    "policy", "medicine",
)


def forward(apps, schema_editor):
    for model_name, codes in (("CareCategory", CARE_CATEGORIES), ("Service", SERVICES)):
        model = apps.get_model("volunteers", model_name)
        model.objects.bulk_create(
            [model(code=code, position=i) for i, code in enumerate(codes)], ignore_conflicts=True
        )
    grant(
        apps,
        "volunteers",
        {
            COMMUNITY_STAFF: crud(*REGISTERS) + view(*FIXED_LISTS),
            SUBDISTRICT_STAFF: crud(*REGISTERS) + view(*FIXED_LISTS),
            SUPERVISORS: view(*REGISTERS, *FIXED_LISTS),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("communities", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
