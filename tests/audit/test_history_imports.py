"""History of bulk imports: the activity sheet is saved with bulk_create, and still every row has its entry."""

import pytest
from auditlog.models import LogEntry

import tests.activities.conftest as activity_fixtures
from activities.models import Activity
from tests.activities.test_import_export import confirm, csv_file, good_row, preview

pytestmark = pytest.mark.django_db

# The activities app's fixtures, under their own names (the activity sheet names them).
branch = activity_fixtures.branch
activity_venue = activity_fixtures.venue
programme = activity_fixtures.programme
lecturer = activity_fixtures.lecturer


@pytest.fixture
def sheet_world(request):
    for name in ("branch", "venue", "programme", "lecturer"):
        request.getfixturevalue(name)


def test_an_activity_sheet_import_gives_every_row_its_history(client, staff, sheet_world):
    client.force_login(staff)
    response = preview(client, csv_file([good_row(1), good_row(2)]))
    assert not LogEntry.objects.filter(content_type__model="activity").exists(), "the preview writes nothing"
    assert confirm(client, response).status_code == 302
    for activity in Activity.objects.all():
        entry = LogEntry.objects.get_for_object(activity).get()
        assert entry.action == LogEntry.Action.CREATE and entry.actor == staff
        assert entry.changes["title"][1] == activity.title
