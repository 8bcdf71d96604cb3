"""The people list's search by part of a name uses the name's trigram index on PostgreSQL (communities
migration 0008): the query the admin runs, with the index's own expression (UPPER(name) LIKE UPPER(…))."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Person

pytestmark = pytest.mark.django_db

URL = reverse("admin:communities_person_changelist")


def listed(response) -> list[str]:
    return [person.name for person in response.context["cl"].result_list]


def test_part_of_a_name_finds_the_person_in_the_accounts_unit_only(client, staff, community, other_community):
    Person.objects.create(name="张秀英", community=community)
    Person.objects.create(name="李建国", community=community)
    Person.objects.create(name="王秀英", community=other_community)
    client.force_login(staff)
    assert listed(client.get(URL, {"q": "秀英"})) == ["张秀英"]
    assert listed(client.get(URL, {"q": "张秀英"})) == ["张秀英"]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def search_queries(client, url, term) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"q": term}).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "LIKE" in q["sql"] and term in q["sql"]]


@pytest.mark.postgres
@pytest.mark.parametrize(("who", "column"), [("staff", "name"), ("staff", "phone"), ("superuser", "phone")])
def test_the_admins_search_conditions_are_those_the_trigram_indexes_serve(
    client, who, column, request, community
):
    Person.objects.bulk_create(Person(name=f"居民{i}", community=community) for i in range(300))
    client.force_login(request.getfixturevalue(who))
    queries = search_queries(client, URL, "居民12")
    assert queries
    # The condition on the column, as the admin wrote it: UPPER("communities_person"."name"::text) LIKE …,
    # the whole phone number (UPPER(…) = UPPER(…)) for staff, part of it (LIKE) for officers.
    condition = re.search(
        rf'UPPER\("communities_person"\."{column}"::text\) (LIKE|=) UPPER\(\'[^\']*\'\)', queries[0]
    )
    assert condition, queries[0]
    # With sequential scans priced out, PostgreSQL takes the index only if the condition's expression is the
    # index's: another expression (name LIKE …, or lower()) would still scan the table.
    assert f"person_{column}_trgm" in plan(f"SELECT id FROM communities_person WHERE {condition[0]}")
