"""The city above the district (#17): a City for each distinct city name the districts carried as text, each
district pointed at its city, then the text column dropped (the name lives on the City; keeping both would let
them disagree). A district whose text was empty keeps no city: it stays a top of the unit tree."""

from django.db import migrations, models

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, grant, view


def cities_from_text(apps, schema_editor):
    City = apps.get_model("communities", "City")
    District = apps.get_model("communities", "District")
    for name in District.objects.exclude(city_name="").values_list("city_name", flat=True).distinct():
        city, _created = City.objects.get_or_create(name=name.strip())
        District.objects.filter(city_name=name).update(city=city)


def forward(apps, schema_editor):
    """The staff groups see the cities as they see the districts (also run by tests/conftest.py)."""
    grant(
        apps,
        "communities",
        {COMMUNITY_STAFF: view("city"), SUBDISTRICT_STAFF: view("city"), SUPERVISORS: view("city")},
    )


def backward(apps, schema_editor):
    District = apps.get_model("communities", "District")
    for district in District.objects.filter(city__isnull=False).select_related("city"):
        district.city_name = district.city.name
        district.save(update_fields=["city_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("communities", "0005_sort_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="City",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
            ],
            options={"verbose_name": "city", "verbose_name_plural": "cities", "ordering": ["name"]},
        ),
        migrations.RenameField("district", "city", "city_name"),
        migrations.AddField(
            model_name="district",
            name="city",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="districts",
                to="communities.city",
                verbose_name="city",
            ),
        ),
        migrations.RunPython(cities_from_text, backward),
        migrations.RemoveField("district", "city_name"),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
