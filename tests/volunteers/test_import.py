"""Importing visit files: every bad row reported, nothing written; a good file records visits with volunteers."""

import datetime

import pytest
from django.utils import timezone

from volunteers.models import CareRecipient, HomeVisit
from volunteers.resources import HomeVisitResource

from .conftest import add_visit, confirm, csv_bytes, export, exported_rows, make_recipient, sign_in, upload

HEADER = ["Care recipient id", "Team", "Volunteers", "Date", "Services", "Other services", "Minutes", "Notes"]


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def inactive_recipient(community, team):
    return make_recipient(
        community,
        "周玉珍",
        phone="13600006666",
        team=team,
        active=False,
        inactive_reason=CareRecipient.InactiveReason.DECEASED,
    )


def page_text(response) -> str:
    content = response.content.decode()
    start = content.find('id="content"')
    return content[start : start + 3000]


def row_errors(response) -> dict[int, str]:
    result = response.context["result"]
    return {row.number: " ".join(sum(row.error_dict.values(), [])) for row in result.invalid_rows}


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_bad_row(
    en, staff, recipient, team, volunteer, non_member, inactive_recipient, other_recipient
):
    sign_in(en, staff)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        HEADER,
        [recipient.pk, team.name, "王建军", "2018-03-10", "cleaning", "", "45", ""],  # good
        [recipient.pk, team.name, "王建军", tomorrow, "", "", "30", ""],  # future
        [recipient.pk, team.name, "王建军、赵小明", "2018-03-11", "", "", "30", ""],  # not in the team
        [inactive_recipient.pk, team.name, "王建军", "2018-03-12", "", "", "30", ""],  # inactive
        [recipient.pk, "不存在服务队", "王建军", "2018-03-13", "", "", "30", ""],  # unknown team
        [other_recipient.pk, team.name, "王建军", "2018-03-14", "", "", "30", ""],  # another unit's recipient
        [recipient.pk, team.name, "王建军", "2018-03-15", "跳舞", "", "30", ""],  # unknown service
        [recipient.pk, team.name, "", "2018-03-16", "", "", "abc", ""],  # no volunteer, bad minutes
    ]
    response = upload(en, HomeVisit, csv_bytes(rows))

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    errors = row_errors(response)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert "future" in errors[3]
    assert "Not a member of 环西社区党员志愿服务队: 赵小明." in errors[4]
    assert "周玉珍 is no longer visited (deceased)" in errors[5]
    assert "不存在服务队" in errors[6]
    assert "not found in your unit" in errors[7]
    assert "Unknown services: 跳舞" in errors[8]
    assert "whole number" in errors[9] and "at least one volunteer" in errors[9]
    assert not HomeVisit.objects.exists()


def test_a_good_file_records_the_visits_with_their_volunteers_and_services(
    en, staff, recipient, team, volunteer, second_volunteer
):
    sign_in(en, staff)
    rows = [
        HEADER,
        [
            recipient.pk,
            team.name,
            "王建军、刘红梅",
            "2018-03-10",
            "cleaning, 测血压及健康检查",
            "修剪指甲",
            "45",
            "",
        ],
        [recipient.pk, team.name, "王建军", "2018/4/2", "haircut", "", "30", ""],
    ]
    preview = upload(en, HomeVisit, csv_bytes(rows))
    assert preview.context.get("confirm_form") is not None, (row_errors(preview), page_text(preview))
    assert not HomeVisit.objects.exists()  # the preview writes nothing
    assert confirm(en, HomeVisit, preview).status_code == 302

    first = HomeVisit.objects.get(visited_on=datetime.date(2018, 3, 10))
    assert set(first.volunteers.values_list("name", flat=True)) == {"王建军", "刘红梅"}
    assert set(first.services.values_list("code", flat=True)) == {"cleaning", "health_check"}
    assert first.community == recipient.community
    assert HomeVisit.objects.get(visited_on=datetime.date(2018, 4, 2)).minutes == 30


def test_re_importing_an_export_changes_nothing(en, staff, recipient, team, volunteer):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6))
    sign_in(en, staff)
    exported = exported_rows(export(en, HomeVisit, HomeVisitResource))
    preview = upload(en, HomeVisit, csv_bytes(exported))
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    confirm(en, HomeVisit, preview)
    assert HomeVisit.objects.count() == 1
    assert list(HomeVisit.objects.get().volunteers.all()) == [volunteer]


def test_plain_staff_cannot_overwrite_health_notes_by_import(en, staff, recipient):
    sign_in(en, staff)
    rows = [["Person id", "Health notes", "Care categories"], [recipient.person_id, "", ""]]
    preview = upload(en, CareRecipient, csv_bytes(rows))
    assert preview.context.get("confirm_form") is not None
    confirm(en, CareRecipient, preview)
    recipient.refresh_from_db()
    assert recipient.health_notes and recipient.categories.count() == 2


def test_sensitive_staff_import_care_categories_by_label(en, sensitive_staff, recipient):
    sign_in(en, sensitive_staff)
    rows = [
        ["Person id", "Care categories", "Health notes"],
        [recipient.person_id, "重病号, aged 80 or over", "卧床"],
    ]
    preview = upload(en, CareRecipient, csv_bytes(rows))
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    confirm(en, CareRecipient, preview)
    recipient.refresh_from_db()
    assert set(recipient.categories.values_list("code", flat=True)) == {"seriously_ill", "aged_80_plus"}
    assert recipient.health_notes == "卧床"


def test_a_team_file_with_a_bad_row_writes_nothing(en, staff, community, volunteer):
    from volunteers.models import VolunteerTeam

    sign_in(en, staff)
    rows = [
        [
            "Name",
            "Service area",
            "Sponsoring community",
            "Leader (person id)",
            "Founded on",
            "Party-member team",
        ],
        ["环西读书志愿服务队", "public welfare", "环西社区", volunteer.pk, "2017-03-01", "yes"],
        [
            "金业路越界服务队",
            "arts and performance",
            "金业路社区",
            "",
            "2017-03-01",
            "no",
        ],  # not the staff's unit
        ["环西未来服务队", "跳舞", "环西社区", "", "2999-01-01", "是"],  # unknown area, future date
    ]
    response = upload(en, VolunteerTeam, csv_bytes(rows))
    assert response.context.get("confirm_form") is None
    errors = row_errors(response)
    assert sorted(errors) == [3, 4]
    assert "not found in your unit" in errors[3]
    assert "跳舞" in errors[4] and "future" in errors[4]
    assert list(VolunteerTeam.objects.values_list("name", flat=True)) == [
        "环西社区党员志愿服务队"
    ]  # the fixture's


def test_a_good_team_file_imports_and_exports_formula_safe(en, staff, community):
    from volunteers.models import VolunteerTeam
    from volunteers.resources import VolunteerTeamResource

    sign_in(en, staff)
    rows = [["Name", "Sponsoring community", "Party-member team"], ["=1+1志愿服务队", "环西社区", "是"]]
    preview = upload(en, VolunteerTeam, csv_bytes(rows))
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    confirm(en, VolunteerTeam, preview)
    team = VolunteerTeam.objects.get()
    assert (team.name, team.community, team.is_party_member_team) == ("=1+1志愿服务队", community, True)
    exported = exported_rows(export(en, VolunteerTeam, VolunteerTeamResource))
    assert "'=1+1志愿服务队" in exported[1]
