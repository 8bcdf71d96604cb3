"""The admin lists: filters work, and each page costs a fixed number of queries whatever the row count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, ActivityType, Lecturer, ProgrammeYear
from communities.models import Person

from .conftest import at

LIST = reverse("admin:activities_activity_changelist")


def add_activities(n, community, type_, branch, programme=None, month=3):
    return Activity.objects.bulk_create(
        Activity(
            title=f"批量活动{i}",
            type=type_,
            community=community,
            party_organization=branch,
            programme=programme,
            start=at(2018, month, 1 + i % 28),
            end=at(2018, month, 1 + i % 28, 11),
            participants=10,
        )  # fmt: skip
        for i in range(n)
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "lecture"},
        {"start__date__gte": "2018-03-01", "start__date__lte": "2018-03-31", "start__year": "2018"},
        {"start__year": "2018", "start__month": "3"},
    ],
    ids=["plain", "kind", "date-range", "date-hierarchy"],
)
def test_changelist_query_count_is_fixed(client, staff, community, lecture_type, branch, programme, params):
    client.force_login(staff)
    add_activities(3, community, lecture_type, branch, programme)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, params).status_code == 200
    add_activities(120, community, lecture_type, branch, programme)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many]


def test_filters_narrow_the_list(client, staff, community, lecture_type, service_type, branch, programme):
    client.force_login(staff)
    add_activities(2, community, lecture_type, branch, programme, month=3)
    Activity.objects.create(
        title="五月志愿服务", type=service_type, community=community, party_organization=branch,
        start=at(2018, 5, 2), end=at(2018, 5, 2, 11), participants=5,
    )  # fmt: skip

    def titles(**params):
        return {a.title for a in client.get(LIST, params).context["cl"].result_list}

    assert titles(kind="volunteer_service") == {"五月志愿服务"}
    assert titles(type=str(lecture_type.pk)) == {"批量活动0", "批量活动1"}
    assert titles(programme=str(programme.pk)) == {"批量活动0", "批量活动1"}
    assert titles(start__date__gte="2018-05-01", start__date__lte="2018-05-31") == {"五月志愿服务"}
    assert titles(community=str(community.pk)) == {"五月志愿服务", "批量活动0", "批量活动1"}


def test_lecturer_list_counts_sessions_in_a_year(client, staff, community, lecturer, lecture_type, branch):
    client.force_login(staff)
    for activity in add_activities(3, community, lecture_type, branch):
        activity.lecturers.add(lecturer)
    url = reverse("admin:activities_lecturer_changelist")
    row = client.get(url).context["cl"].result_list[0]
    assert row.session_count == 3
    assert client.get(url, {"sessions_year": "2017"}).context["cl"].result_list[0].session_count == 0
    for i in range(30):
        Lecturer.objects.create(
            person=Person.objects.create(name=f"讲师{i}", community=community), community=community,
            category=Lecturer.Category.GRASSROOTS_TALENT,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"sessions_year": "2018"})
    assert len(queries) < 15


def test_programme_year_list_shows_progress(client, staff, programme_year, community, lecture_type, branch):
    add_activities(4, community, lecture_type, branch, programme_year.programme)
    client.force_login(staff)
    response = client.get(reverse("admin:activities_programmeyear_changelist"))
    [row] = response.context["cl"].result_list
    assert (row.activities_done, row.participants_done) == (4, 40)
    assert ProgrammeYear.objects.for_user(staff).count() == 1


def test_date_hierarchy_offers_years_then_the_real_months(client, staff, community, lecture_type, branch):
    add_activities(2, community, lecture_type, branch, month=3)
    Activity.objects.create(
        title="次年", type=lecture_type, community=community, party_organization=branch,
        start=at(2019, 7, 1), end=at(2019, 7, 1, 11), participants=1,
    )  # fmt: skip
    client.force_login(staff)
    response = client.get(LIST)
    body = response.content.decode()
    assert "start__year=2018" in body and "start__year=2019" in body
    months = client.get(LIST, {"start__year": "2018"}).content.decode()
    assert "start__month=3" in months and "start__month=7" not in months


def _sidebar(response) -> str:
    text = response.content.decode()
    return text[text.index('id="changelist-filter"') :]


def test_the_type_filter_is_a_search_box_offering_only_the_accounts_types(
    client, staff, community, far_community, lecture_type, branch
):
    own = ActivityType.objects.create(name="楼院议事会", kind="other", subdistrict=community.subdistrict)
    far = ActivityType.objects.create(name="远方议事会", kind="other", subdistrict=far_community.subdistrict)
    add_activities(2, community, own, branch)
    client.force_login(staff)
    response = client.get(LIST)
    sidebar = _sidebar(response)
    assert 'name="type"' in sidebar and "admin-autocomplete" in sidebar
    assert own.name not in sidebar and lecture_type.name not in sidebar  # not a list of every type
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "activities", "model_name": "activity", "field_name": "type", "term": "议事会"},
    ).json()
    assert [result["text"] for result in answer["results"]] == [str(own)]
    chosen = client.get(LIST, {"type": own.pk})
    assert {a.title for a in chosen.context["cl"].result_list} == {"批量活动0", "批量活动1"}
    assert f'<option value="{own.pk}" selected>' in chosen.content.decode()
    elsewhere = client.get(LIST, {"type": far.pk})
    assert elsewhere.status_code == 200 and not elsewhere.context["cl"].result_list
    assert far.name not in elsewhere.content.decode()


def test_the_programme_lists_part_of_filter_is_a_search_box(client, staff, programme, subproject):
    client.force_login(staff)
    url = reverse("admin:activities_programme_changelist")
    sidebar = _sidebar(client.get(url))
    assert 'name="parent"' in sidebar and programme.name not in sidebar
    response = client.get(url, {"parent": programme.pk})
    assert [p.name for p in response.context["cl"].result_list] == [subproject.name]
    assert f'<option value="{programme.pk}" selected>' in response.content.decode()
