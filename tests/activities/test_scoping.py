"""An outsider (staff of 金业路社区) sees nothing of 环西社区's activities, programmes, lecturers or imports."""

import pytest
from django.urls import reverse

from activities.models import ImportLog


def test_staff_list_shows_only_their_community(client, staff, activity, other_activity):
    client.force_login(staff)
    response = client.get(reverse("admin:activities_activity_changelist"))
    assert response.status_code == 200
    assert activity.title in response.content.decode()
    assert other_activity.title not in response.content.decode()


def test_outsider_list_does_not_show_the_activity(client, outsider, activity, other_activity):
    client.force_login(outsider)
    body = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert activity.title not in body
    assert other_activity.title in body


def test_filters_list_only_own_records(client, outsider, activity, programme):
    client.force_login(outsider)
    body = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert "环西社区" not in body
    assert programme.name not in body


@pytest.mark.parametrize("name", ["activity", "programme", "lecturer"])
def test_outsider_gets_404_on_change_pages(client, outsider, activity, programme, lecturer, name):
    obj = {"activity": activity, "programme": programme, "lecturer": lecturer}[name]
    client.force_login(outsider)
    assert client.get(reverse(f"admin:activities_{name}_change", args=[obj.pk])).status_code == 404


def test_outsider_gets_404_on_the_programme_page(client, outsider, programme):
    client.force_login(outsider)
    assert client.get(reverse("activities:programme", args=[programme.pk])).status_code == 404


def test_programme_page_needs_a_staff_login(client, programme):
    response = client.get(reverse("activities:programme", args=[programme.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_subdistrict_staff_see_all_communities_of_their_office(
    client, subdistrict_staff, activity, other_activity
):
    client.force_login(subdistrict_staff)
    body = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert activity.title in body and other_activity.title in body


def test_far_staff_see_nothing(client, far_community, activity):
    from registers.roles import COMMUNITY_STAFF
    from tests.conftest import make_staff

    user = make_staff("shanghai", far_community, COMMUNITY_STAFF)
    client.force_login(user)
    body = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert activity.title not in body


def test_supervisor_may_view_but_not_add(client, supervisor, activity):
    client.force_login(supervisor)
    assert client.get(reverse("admin:activities_activity_change", args=[activity.pk])).status_code == 200
    assert client.get(reverse("admin:activities_activity_add")).status_code == 403


def test_outsider_autocomplete_does_not_offer_programmes_or_lecturers(client, outsider, programme, lecturer):
    client.force_login(outsider)
    for model, field in (("programme", "programme"), ("lecturer", "lecturers")):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "activities", "model_name": "activity", "field_name": field, "term": ""},
        )
        assert response.status_code == 200
        assert response.json()["results"] == [], model


def test_import_history_is_visible_to_those_who_see_the_activities(client, staff, outsider, activity):
    log = ImportLog.objects.create(user=staff, file_name="huanxi.csv", rows=1)
    activity.import_log = log
    activity.save(update_fields=["import_log"])
    client.force_login(outsider)
    assert "huanxi.csv" not in client.get(reverse("admin:activities_importlog_changelist")).content.decode()
    client.force_login(staff)
    assert "huanxi.csv" in client.get(reverse("admin:activities_importlog_changelist")).content.decode()
