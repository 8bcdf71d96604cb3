"""Targets per unit, year and figure: set by a supervisor in the admin or from a sheet (imported twice, kept
once), never for a unit outside theirs; the ranking shows each sub-unit against its target."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Target
from reports.ranking import ranking_table
from tests.communities.helpers import csv_bytes

from .conftest import fill
from .test_ranking import add_activities

ADD = reverse("admin:reports_target_add")
IMPORT = reverse("admin:reports_target_import")
PROCESS = reverse("admin:reports_target_process_import")


def import_targets(client, rows):
    content = csv_bytes([["单位", "年度", "指标", "目标值"], *rows])
    preview = client.post(IMPORT, {"import_file": SimpleUploadedFile("目标.csv", content), "resource": "0"})
    return preview


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form.initial.get(name, "") for name in form.fields})


def test_a_supervisor_sets_a_target_in_the_admin(client, supervisor, community, far_community):
    client.force_login(supervisor)
    form = {"unit": f"community:{community.pk}", "year": "2018", "figure": "activities", "value": "24"}
    assert client.post(ADD, form).status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.value, target.set_by) == (f"community:{community.pk}", 24, supervisor)
    refused = client.post(ADD, {**form, "unit": f"community:{far_community.pk}"})
    assert refused.status_code == 200 and Target.objects.count() == 1
    again = client.post(ADD, form)
    assert again.status_code == 200 and "已有" in again.content.decode() and Target.objects.count() == 1


def test_targets_from_a_sheet_imported_twice_are_kept_once(client, supervisor, community, other_community):
    client.force_login(supervisor)
    rows = [["环西社区", "2018", "活动（场次）", "24"], ["金业路社区", "2018", "参与人次", "300"]]
    preview = import_targets(client, rows)
    assert preview.context.get("confirm_form") is not None, preview.content.decode()[-2000:]
    assert confirm(client, preview).status_code == 302
    preview = import_targets(client, [["环西社区", "2018", "活动（场次）", "30"], rows[1]])
    assert confirm(client, preview).status_code == 302
    assert Target.objects.count() == 2
    assert Target.objects.get(unit=f"community:{community.pk}").value == 30


def test_a_sheet_naming_another_unit_is_refused_with_the_row(client, supervisor, community, far_community):
    client.force_login(supervisor)
    preview = import_targets(
        client,
        [["环西社区", "2018", "活动（场次）", "24"], [far_community.name, "2018", "活动（场次）", "5"]],
    )
    [invalid] = preview.context["result"].invalid_rows
    assert invalid.number == 3
    assert not Target.objects.exists()


def test_community_staff_cannot_set_targets(client, staff):
    client.force_login(staff)
    assert client.get(ADD).status_code == 403


def test_the_ranking_shows_each_sub_unit_against_its_target(subdistrict, community, other_community):
    fill(community, 1)
    fill(other_community, 1)
    add_activities(community, 2018, 5, 6)
    Target.objects.create(unit=f"community:{community.pk}", year=2018, figure="activities", value=24)
    table = ranking_table(subdistrict, datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    rows = {row["unit"]: row for row in table.rows}
    assert (rows["环西社区"]["activities_target"], rows["环西社区"]["activities_progress"]) == (24, 25.0)
    assert rows["金业路社区"]["activities_target"] is None
    assert "activities_target" in {column.key for column in table.columns}
    assert "visits_target" not in {column.key for column in table.columns}, "no empty columns"


def test_another_districts_target_is_not_found(client, supervisor, far_community):
    target = Target.objects.create(
        unit=f"community:{far_community.pk}", year=2018, figure="activities", value=5
    )
    client.force_login(supervisor)
    assert client.get(reverse("admin:reports_target_change", args=[target.pk])).status_code == 404
    assert client.post(
        reverse("admin:reports_target_delete", args=[target.pk]), {"post": "yes"}
    ).status_code in (302, 404)
    assert Target.objects.filter(pk=target.pk).exists()
    listed = client.get(reverse("admin:reports_target_changelist"))
    assert list(listed.context["cl"].result_list) == []
