"""The filtered admin lists the reports link to (community ids and a period in the querystring)."""

import datetime

from volunteers.models import HomeVisit, VolunteerTeam

from .conftest import add_visit, admin_url, sign_in


def test_the_visit_list_filters_by_communities_and_period(
    client, subdistrict_staff, recipient, team, volunteer, community, other_community
):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6))
    add_visit(recipient, team, [volunteer], datetime.date(2017, 2, 6))
    sign_in(client, subdistrict_staff)
    response = client.get(
        admin_url(HomeVisit),
        {
            "community__id__in": f"{community.pk},{other_community.pk}",
            "visited_on__gte": "2018-01-01",
            "visited_on__lte": "2018-12-31",
        },
    )
    assert response.status_code == 200
    assert [v.visited_on for v in response.context["cl"].result_list] == [datetime.date(2018, 2, 6)]


def test_the_team_list_filters_by_community_and_party_teams(
    client, subdistrict_staff, team, other_team, community
):
    sign_in(client, subdistrict_staff)
    response = client.get(
        admin_url(VolunteerTeam), {"community__id__exact": community.pk, "is_party_member_team__exact": "1"}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [team]


def test_the_lists_link_their_pages_for_staff_and_view_only_supervisors(client, staff, supervisor):
    """The due list and the service records page are linked from the admin lists, also for supervisors
    (who may view but not add, and so see no Add button)."""
    from django.urls import reverse

    from volunteers.models import CareRecipient

    for user in (staff, supervisor):
        sign_in(client, user)
        recipients = client.get(admin_url(CareRecipient)).content.decode()
        visits = client.get(admin_url(HomeVisit)).content.decode()
        assert f'href="{reverse("volunteers:due")}"' in recipients, user
        assert f'href="{reverse("volunteers:service_records")}"' in visits, user
        assert ("/import/" in recipients) == (user == staff), "import only for those who may add"
    assert client.get(reverse("volunteers:due")).status_code == 200
