"""Every list page of the register costs the same number of queries for 3 rows as for 60, and a large
unfiltered list on PostgreSQL is not counted row by row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import (
    CommitteeMember,
    Community,
    Courtyard,
    District,
    Grid,
    Honour,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
    Person,
    Subdistrict,
)

from .helpers import admin_url, login


def build(community, count):
    """``count`` records of every register in ``community``, each with its relations filled in."""
    subdistrict = community.subdistrict
    grids = Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(count)])
    Courtyard.objects.bulk_create([Courtyard(grid=g, name=f"院{i}") for i, g in enumerate(grids)])
    top = PartyOrganization.objects.create(
        name="党委", kind="party_committee", subdistrict=subdistrict, community=community
    )
    branches = PartyOrganization.objects.bulk_create(
        [
            PartyOrganization(
                name=f"支部{i}",
                kind="branch",
                parent=top,
                subdistrict=subdistrict,
                community=community,
                grid=grids[i],
            )
            for i in range(count)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"居民{i}",
                phone="13812345678",
                community=community,
                is_party_member=True,
                party_branch=branches[i],
            )
            for i in range(count)
        ]
    )
    CommitteeMember.objects.bulk_create(
        [
            CommitteeMember(
                person=p, community=community, term=2018, elected_on="2018-05-31", role="director"
            )
            for p in people
        ]
    )
    partners = PartnerOrganization.objects.bulk_create(
        [PartnerOrganization(name=f"单位{i}", kind="school", subdistrict=subdistrict) for i in range(count)]
    )
    Partnership.objects.bulk_create(
        [
            Partnership(partner=p, community=community, agreement="co_building", signed_on="2018-01-01")
            for p in partners
        ]
    )
    Honour.objects.bulk_create(
        [
            Honour(
                title=f"荣誉{i}",
                awarded_by="市委",
                year=2018,
                subdistrict=subdistrict,
                community=community,
                party_organization=branches[i],
            )
            for i in range(count)
        ]
    )
    Community.objects.bulk_create([Community(subdistrict=subdistrict, name=f"社区{i}") for i in range(count)])
    District.objects.bulk_create([District(name=f"区{i}") for i in range(count)])


REGISTERS = [
    Grid,
    Courtyard,
    PartyOrganization,
    Person,
    CommitteeMember,
    PartnerOrganization,
    Partnership,
    Honour,
    Community,
    Subdistrict,
    District,
]


def queries_for(client, model):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", REGISTERS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", ["staff", "superuser"])
def test_list_page_queries_do_not_grow_with_rows(
    client, request, community, model, persona, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    login(client, user)
    build(community, 3)
    few = queries_for(client, model)
    build_more(community)
    with django_assert_num_queries(few):
        response = client.get(admin_url(model))
    shown = len(response.context["cl"].result_list)
    assert shown == min(50, model.objects.for_user(user).count())


def build_more(community):
    """Top the registers up to 60+ rows (new names, same community)."""
    subdistrict = community.subdistrict
    grids = Grid.objects.bulk_create([Grid(community=community, name=f"新网格{i}") for i in range(57)])
    Courtyard.objects.bulk_create([Courtyard(grid=g, name=f"新院{i}") for i, g in enumerate(grids)])
    top = PartyOrganization.objects.get(name="党委")
    branches = PartyOrganization.objects.bulk_create(
        [
            PartyOrganization(
                name=f"新支部{i}",
                kind="branch",
                parent=top,
                subdistrict=subdistrict,
                community=community,
                grid=grids[i],
            )
            for i in range(57)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"新居民{i}",
                phone="13812345678",
                community=community,
                is_party_member=True,
                party_branch=branches[i],
            )
            for i in range(57)
        ]
    )
    CommitteeMember.objects.bulk_create(
        [
            CommitteeMember(
                person=p, community=community, term=2018, elected_on="2018-05-31", role="director"
            )
            for p in people
        ]
    )
    partners = PartnerOrganization.objects.bulk_create(
        [PartnerOrganization(name=f"新单位{i}", kind="school", subdistrict=subdistrict) for i in range(57)]
    )
    Partnership.objects.bulk_create(
        [
            Partnership(partner=p, community=community, agreement="co_building", signed_on="2018-01-01")
            for p in partners
        ]
    )
    Honour.objects.bulk_create(
        [
            Honour(
                title=f"新荣誉{i}",
                awarded_by="市委",
                year=2018,
                subdistrict=subdistrict,
                community=community,
                party_organization=branches[i],
            )
            for i in range(57)
        ]
    )
    Community.objects.bulk_create([Community(subdistrict=subdistrict, name=f"新社区{i}") for i in range(57)])
    District.objects.bulk_create([District(name=f"新区{i}") for i in range(57)])


@pytest.mark.postgres
def test_large_unfiltered_list_is_not_counted_with_count_star(client, superuser, community):
    Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(60_000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_grid")
    login(client, superuser)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(Grid))
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts == [], counts
    assert any("reltuples" in q["sql"] for q in queries)
    assert response.context["cl"].result_count > 50_000


@pytest.mark.postgres
def test_a_filtered_large_list_is_counted_exactly(client, superuser, community, other_community):
    Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(60_000)])
    Grid.objects.create(community=other_community, name="唯一网格")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_grid")
    login(client, superuser)
    response = client.get(admin_url(Grid), {"community__id__exact": other_community.pk})
    assert response.context["cl"].result_count == 1


def test_a_small_unfiltered_list_is_counted_exactly(client, superuser, community):
    Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(7)])
    login(client, superuser)
    assert client.get(admin_url(Grid)).context["cl"].result_count == 7


@pytest.mark.postgres
def test_stale_statistics_of_an_emptied_table_do_not_inflate_the_count(client, superuser, community):
    Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(60_000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE communities_grid")
        cursor.execute(
            "DELETE FROM communities_grid WHERE id NOT IN (SELECT id FROM communities_grid ORDER BY id LIMIT 7)"
        )
    login(client, superuser)
    assert client.get(admin_url(Grid)).context["cl"].result_count == 7
