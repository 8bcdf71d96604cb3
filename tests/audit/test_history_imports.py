"""History of bulk imports: the activity sheet is saved with bulk_create, and still every row has its entry."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

import tests.activities.conftest as activity_fixtures
from activities.models import Activity
from tests.activities.test_import_export import HEADER, confirm, csv_file, good_row, preview

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
        entry = LogEntry.objects.get_for_object(activity).get(action=LogEntry.Action.CREATE)
        assert entry.actor == staff
        assert entry.changes["title"][1] == activity.title


def import_sheet(client, rows, header=None, name="activities-2018-06.csv"):
    upload = csv_file(rows, header=header, name=name) if header else csv_file(rows, name=name)
    response = confirm(client, preview(client, upload))
    assert response.status_code == 302
    return response


def test_the_history_of_an_imported_activity_shows_who_what_and_from_which_file(client, staff, sheet_world):
    client.force_login(staff)
    import_sheet(client, [good_row(1)], name="六月活动.csv")
    activity = Activity.objects.get()
    created = LogEntry.objects.get_for_object(activity).get(action=LogEntry.Action.CREATE)
    assert created.actor == staff and created.object_repr == "三新大讲堂第1讲"
    assert created.changes["participants"] == ["None", "40"]
    assert created.changes["community"] == ["None", str(activity.community_id)]
    assert "description" not in created.changes or created.changes["description"] == ["None", ""]
    assert "volunteer_team" not in created.changes and "partner" not in created.changes, "empty: not listed"
    assert created.additional_data == {"import": "六月活动.csv"}
    lecturers = LogEntry.objects.get_for_object(activity).get(action=LogEntry.Action.UPDATE)
    assert lecturers.changes["lecturers"] == {"type": "m2m", "operation": "add", "objects": ["李讲师"]}

    page = client.get(reverse("admin:activities_activity_history", args=[activity.pk])).content.decode()
    assert "导入自 六月活动.csv" in page and "新增" in page
    assert "三新大讲堂第1讲" in page and "李讲师" in page and staff.get_username() in page
    assert page.index("→ 三新大讲堂第1讲</li>") < page.index("→ 40</li>"), "in the form's field order"
    assert "→ </li>" not in page, "an empty column of a new record is not listed"


def test_a_re_import_records_old_and_new_values_and_the_lecturers_removed(client, staff, sheet_world):
    client.force_login(staff)
    import_sheet(client, [good_row(1)])
    activity = Activity.objects.get()
    before = set(LogEntry.objects.values_list("pk", flat=True))  # the history cannot be deleted: set it aside
    header = ["id", *HEADER]
    import_sheet(client, [{"id": activity.pk, **good_row(1, participants="55", lecturers="")}], header=header)
    entries = LogEntry.objects.get_for_object(activity).exclude(pk__in=before)
    update = entries.get(changes__has_key="participants")
    assert update.actor == staff and update.changes["participants"] == ["40", "55"]
    assert set(update.changes) == {"participants"}, "only what changed"
    removed = entries.get(changes__has_key="lecturers")
    assert removed.changes["lecturers"] == {"type": "m2m", "operation": "delete", "objects": ["李讲师"]}


def test_an_import_that_fails_after_a_saved_batch_leaves_no_history(staff, sheet_world):
    """The first 1,000 rows are written (with their history) before the bad last row: all rolled back."""
    from import_export.formats.base_formats import CSV

    from activities.resources import ActivityResource

    upload = csv_file([good_row(i) for i in range(1, 1200)] + [good_row(9999, participants="-1")])
    dataset = CSV(encoding="utf-8").create_dataset(upload.read().decode())
    result = ActivityResource(user=staff).import_data(dataset, dry_run=False, user=staff, file_name="x.csv")
    assert result.has_validation_errors()
    assert not Activity.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="activity").exists()
