"""The frequencies of 《中国共产党支部工作条例（试行）》 (editable afterwards), and what each staff group may do."""

from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

FREQUENCIES = {
    "members": "quarter",
    "committee": "month",
    "group": "month",
    "lecture": "quarter",
    "themed_day": "month",
    "life_meeting": "year",
    "appraisal": "year",
}


def forward(apps, schema_editor):
    Requirement = apps.get_model("party", "MeetingRequirement")
    for kind, period in FREQUENCIES.items():
        Requirement.objects.get_or_create(kind=kind, defaults={"period": period})
    grant(
        apps,
        "party",
        {
            COMMUNITY_STAFF: crud("branchmeeting", "absence") + view("meetingrequirement"),
            SUBDISTRICT_STAFF: crud("branchmeeting", "absence") + ["view_meetingrequirement", "change_meetingrequirement"],
            SUPERVISORS: view("branchmeeting", "absence", "meetingrequirement"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial"), ("communities", "0003_person_volunteer_number")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
