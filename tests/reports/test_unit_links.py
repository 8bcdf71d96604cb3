"""The dashboard's links name the unit by its key (``unit=district:3``), resolved on the admin list inside the
account's scope: a link is as long with 600 communities as with 6, every link answers, another unit's key
lists nothing."""

import re

from django.urls import reverse

from activities.models import Activity
from communities.models import Community, District, Subdistrict

from .conftest import fill
from .test_dashboard import page


def links_of(content):
    return sorted({link.replace("&amp;", "&") for link in re.findall(r'<a href="(/admin/[^"]+)"', content)})


def test_links_name_the_unit_not_its_communities(client, subdistrict_staff, records, subdistrict):
    links = links_of(page(client, subdistrict_staff).content.decode())
    assert links and all("__in=" not in link or "programme__id__in" in link for link in links), links
    assert any(f"unit=subdistrict%3A{subdistrict.pk}" in link for link in links)


def test_600_communities_under_one_subdistrict_every_link_answers_and_the_page_grows_by_its_rows(
    client, supervisor, district, subdistrict, community
):
    fill(community, 1)
    sizes = {}
    for total in (300, 600):
        Community.objects.bulk_create(
            [
                Community(subdistrict=subdistrict, name=f"新建{i:03d}社区")
                for i in range(len(sizes) * 300, total)
            ]
        )
        response = page(client, supervisor, unit=f"subdistrict:{subdistrict.pk}")
        sizes[total] = len(response.content)
    content = response.content.decode()
    links = links_of(content)
    assert max(len(link) for link in links) < 300, "no link lists the communities"
    # Every kind of link: those of the whole unit, and those of the last of the 600 sub-units.
    last = Community.objects.filter(subdistrict=subdistrict).order_by("name").last()
    kinds = [link for link in links if f"unit=community%3A{last.pk}" in link or "unit=subdistrict" in link]
    assert len(kinds) > 15
    for link in kinds:
        assert client.get(link).status_code == 200, link
    # The page grows by its sub-unit rows, linearly: 300 more communities add the same as the first 300 did.
    per_row = (sizes[600] - sizes[300]) / 300
    assert per_row < 6500, per_row  # (a row in the sub-unit table and one in the ranking)


def test_a_sub_units_link_lists_only_that_sub_unit(client, subdistrict_staff, records, community):
    content = page(client, subdistrict_staff).content.decode()
    breakdown = re.search(r'<table data-table="breakdown">(.*?)</table>', content, re.S)[1]
    row = re.search(rf'<tr data-row="community:{community.pk}">(.*?)</tr>', breakdown, re.S)[1]
    link = re.search(r'href="(/admin/activities/activity/[^"]+)"', row)[1].replace("&amp;", "&")
    listed = client.get(link)
    assert {a.community_id for a in listed.context["cl"].queryset} == {community.pk}


def test_another_units_key_lists_nothing_and_says_so(client, staff, records, far_community, other_community):
    client.force_login(staff)
    for key in (
        f"community:{far_community.pk}",
        f"community:{other_community.pk}",
        "district:9999",
        "nonsense",
    ):
        response = client.get(reverse("admin:activities_activity_changelist"), {"unit": key})
        assert response.status_code == 200
        assert list(response.context["cl"].queryset) == []
        messages = [str(m) for m in response.context["messages"]]
        assert messages, key
    own = client.get(
        reverse("admin:activities_activity_changelist"),
        {"unit": f"community:{staff.staff_profile.community_id}"},
    )
    assert own.context["cl"].queryset.count() == Activity.objects.for_user(staff).count() > 0


def test_a_district_supervisor_follows_a_district_link(client, supervisor, records, district):
    client.force_login(supervisor)
    response = client.get(
        reverse("admin:volunteers_homevisit_changelist"), {"unit": f"district:{district.pk}"}
    )
    assert response.status_code == 200
    assert Subdistrict.objects.filter(district=district).exists() and District.objects.count() >= 2
