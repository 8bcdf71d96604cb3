import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_venue"),
        ("volunteers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="activity", name="activity_exactly_one_organiser"),
        migrations.AddField(
            model_name="activity",
            name="volunteer_team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="volunteers.volunteerteam",
                verbose_name="organiser: volunteer team",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("partner__isnull", True), ("party_organization__isnull", False), ("volunteer_team__isnull", True)),
                    models.Q(("partner__isnull", True), ("party_organization__isnull", True), ("volunteer_team__isnull", False)),
                    models.Q(("partner__isnull", False), ("party_organization__isnull", True), ("volunteer_team__isnull", True)),
                    _connector="OR",
                ),
                name="activity_exactly_one_organiser",
                violation_error_message="Choose exactly one organiser: a Party organisation, a volunteer team or a partner organisation.",
            ),
        ),
    ]
