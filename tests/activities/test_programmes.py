"""Programmes: sub-projects, the yearly cycle, progress counted from the activity log (never typed in)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from activities.models import Activity, Programme, ProgrammeYear

from .conftest import at


def log(n, programme, community, type_, branch, participants=20, year=2018):
    Activity.objects.bulk_create(
        Activity(
            title=f"活动{i}",
            type=type_,
            community=community,
            party_organization=branch,
            programme=programme,
            start=at(year, 1 + i % 12, 1 + i % 28),
            end=at(year, 1 + i % 12, 1 + i % 28, 11),
            participants=participants,
        )
        for i in range(n)
    )


def test_progress_counts_the_programme_and_its_subprojects_in_that_year(
    programme, subproject, programme_year, community, lecture_type, branch
):
    log(3, programme, community, lecture_type, branch)
    log(4, subproject, community, lecture_type, branch, participants=10)
    log(5, programme, community, lecture_type, branch, year=2017)  # another year
    year = ProgrammeYear.objects.with_progress().get(pk=programme_year.pk)
    assert (year.activities_done, year.participants_done) == (7, 3 * 20 + 4 * 10)


def test_progress_is_zero_without_activities(programme_year):
    year = ProgrammeYear.objects.with_progress().get(pk=programme_year.pk)
    assert (year.activities_done, year.participants_done) == (0, 0)


def test_programme_page_shows_targets_against_the_log(
    client,
    staff,
    programme,
    subproject,
    programme_year,
    community,
    lecture_type,
    branch,
    django_assert_max_num_queries,
):
    log(50, subproject, community, lecture_type, branch)
    client.force_login(staff)
    url = reverse("activities:programme", args=[programme.pk])
    with django_assert_max_num_queries(15):  # 9 of them session, user, permissions, unit
        response = client.get(url)
    assert response.status_code == 200
    year = response.context["years"][0]
    assert (year.target_activities, year.activities_done, year.activities_share) == (100, 50, 50)
    assert year.participants_done == 1000
    body = response.content.decode()
    assert "暖心工程" in body and 'class="done-activities">50<' in body


def test_programme_page_query_count_does_not_grow(
    client, staff, programme, subproject, programme_year, community, lecture_type, branch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("activities:programme", args=[programme.pk])
    log(5, subproject, community, lecture_type, branch)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for extra in range(2019, 2024):
        ProgrammeYear.objects.create(programme=programme, year=extra, target_activities=10)
    for name in ("爱心工程", "诚心工程", "真心工程", "匠心工程"):
        sub = Programme.objects.create(
            name=name, subdistrict=programme.subdistrict, community=community, parent=programme
        )
        log(30, sub, community, lecture_type, branch)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_programme_admin_shows_progress_inline(
    client, staff, programme, programme_year, community, lecture_type, branch
):
    log(2, programme, community, lecture_type, branch)
    client.force_login(staff)
    response = client.get(reverse("admin:activities_programme_change", args=[programme.pk]))
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert inline.formset.forms[0].instance.activities_done == 2


def test_year_end_score_outside_0_100_is_refused(client, staff, programme_year):
    client.force_login(staff)
    url = reverse("admin:activities_programmeyear_change", args=[programme_year.pk])
    response = client.post(
        url,
        {
            "programme": programme_year.programme_id,
            "year": 2018,
            "target_activities": 100,
            "target_participants": 2000,
            "score": 120,
            "plan": "",
            "mid_year_note": "",
            "assessment": "",
        },
    )
    assert response.status_code == 200
    assert "between 0 and 100" in str(response.context["adminform"].form.errors)
    programme_year.refresh_from_db()
    assert programme_year.score is None


@pytest.mark.postgres
def test_score_check_holds_in_the_database(programme_year):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.filter(pk=programme_year.pk).update(score=101)


def test_a_subproject_cannot_have_subprojects(subproject):
    deeper = Programme(
        name="更深", subdistrict=subproject.subdistrict, community=subproject.community, parent=subproject
    )
    with pytest.raises(ValidationError, match="cannot have sub-projects"):
        deeper.full_clean()


def test_community_staff_cannot_create_an_office_wide_programme(client, staff, subdistrict):
    client.force_login(staff)
    response = client.post(
        reverse("admin:activities_programme_add"),
        {
            "name": "三新大讲堂",
            "subdistrict": subdistrict.pk,
            "community": "",
            "description": "",
            "years-TOTAL_FORMS": 0,
            "years-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "own community" in str(response.context["adminform"].form.errors)
    assert not Programme.objects.exists()


def test_community_runs_its_subdistricts_programmes(staff, subdistrict, community):
    office_wide = Programme.objects.create(name="三新大讲堂", subdistrict=subdistrict)
    assert list(Programme.objects.for_user(staff)) == [office_wide]


def test_programme_page_and_lists_read_in_chinese(client, staff, programme, programme_year, activity):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(staff)
    page = client.get(reverse("activities:programme", args=[programme.pk])).content.decode()
    assert "年度周期：目标与进度" in page and "年底考核得分" in page
    changelist = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert "参与人次" in changelist and "党建品牌/项目" in changelist


def test_community_staff_cannot_plan_the_offices_programme(client, staff, subdistrict):
    office_wide = Programme.objects.create(name="三新大讲堂", subdistrict=subdistrict)
    client.force_login(staff)
    response = client.post(reverse("admin:activities_programmeyear_add"), {
        "programme": office_wide.pk, "year": 2018, "target_activities": 10, "target_participants": 100,
        "plan": "", "mid_year_note": "", "assessment": "", "score": "",
    })  # fmt: skip
    assert response.status_code == 200
    assert "office plans its own programmes" in str(response.context["adminform"].form.errors)
    assert not ProgrammeYear.objects.exists()


def test_subdistrict_staff_plan_the_offices_programme(client, subdistrict_staff, subdistrict):
    office_wide = Programme.objects.create(name="三新大讲堂", subdistrict=subdistrict)
    client.force_login(subdistrict_staff)
    response = client.post(reverse("admin:activities_programmeyear_add"), {
        "programme": office_wide.pk, "year": 2018, "target_activities": 10, "target_participants": 100,
        "plan": "", "mid_year_note": "", "assessment": "", "score": "90",
    })  # fmt: skip
    assert response.status_code == 302
    assert ProgrammeYear.objects.get().score == 90
