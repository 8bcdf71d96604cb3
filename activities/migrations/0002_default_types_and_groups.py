from django.db import migrations

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

# One shared type per fixed kind; offices add their own types under these kinds.
DEFAULT_TYPES = {
    "lecture": "讲堂讲习",
    "party_day": "主题党日",
    "volunteer_service": "志愿服务",
    "cultural_show": "文艺汇演",
    "training": "培训",
    "consultation": "咨询服务",
    "reception": "参观接待",
    "reading": "读书活动",
    "daily_lesson": "每日一课",
    "sports": "体育健身",
    "other": "其他活动",
}


def forward(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    for kind, name in DEFAULT_TYPES.items():
        ActivityType.objects.get_or_create(name=name, subdistrict=None, defaults={"kind": kind})
    grant(
        apps,
        "activities",
        {
            COMMUNITY_STAFF: crud("activity", "programme", "programmeyear", "lecturer")
            + view("activitytype", "importlog"),
            SUBDISTRICT_STAFF: crud("activity", "programme", "programmeyear", "lecturer", "activitytype")
            + view("importlog"),
            SUPERVISORS: view("activity", "programme", "programmeyear", "lecturer", "activitytype", "importlog"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("communities", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
