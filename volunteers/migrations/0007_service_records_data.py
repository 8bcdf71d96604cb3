"""The staff groups may keep the volunteers' records; and every volunteer of every home visit recorded so far gets the visit's service record (confirmed, as the
visit is the organiser's record): one INSERT … SELECT, so a district's million visits take seconds."""

from django.db import migrations
from django.utils import timezone

from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF, SUPERVISORS, crud, grant, view

RECORDS = ("servicerecord", "training", "commendation", "evaluation")


def forward(apps, schema_editor):
    grant(
        apps,
        "volunteers",
        {COMMUNITY_STAFF: crud(*RECORDS), SUBDISTRICT_STAFF: crud(*RECORDS), SUPERVISORS: view(*RECORDS)},
    )
    if schema_editor is None:  # the tests' groups put back after a flush: no visits to copy
        return
    connection = schema_editor.connection
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    schema_editor.execute(
        "INSERT INTO volunteers_servicerecord (volunteer_id, community_id, team_id, kind, home_visit_id, "
        "served_on, minutes, place, content, recorded, backfill_reason, confirmed_at, created_at) "
        "SELECT hvv.person_id, hv.community_id, hv.team_id, 'home_visit', hv.id, hv.visited_on, hv.minutes, "
        "c.name, '', 'organiser', '', %s, %s "
        "FROM volunteers_homevisit_volunteers hvv "
        "JOIN volunteers_homevisit hv ON hv.id = hvv.homevisit_id "
        "JOIN communities_community c ON c.id = hv.community_id",
        (now, now),
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0006_service_records")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
