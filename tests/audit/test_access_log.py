"""The access log: who opened which sensitive record unmasked, when; read by the supervisors of that unit."""

import pytest
from django.urls import reverse

from audit.access import log_sensitive_access, log_sensitive_access_many
from audit.models import AccessLog
from communities.models import Person
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(community):
    return Person.objects.create(name="张秀英", gender="F", phone="13812345678", community=community)


@pytest.fixture
def far_person(far_community):
    return Person.objects.create(name="远方人", phone="13700000000", community=far_community)


@pytest.fixture
def far_supervisor(far_community):
    from registers.roles import SUPERVISORS

    return make_staff("jianxi-supervisor", far_community.subdistrict.district, SUPERVISORS)


def test_a_row_says_who_what_which_fields_and_the_unit(sensitive_staff, person):
    row = log_sensitive_access(sensitive_staff, person, ["phone", "phone"])
    assert (row.user, row.object_repr, row.fields, row.community) == (
        sensitive_staff,
        "张秀英",
        "phone",
        person.community,
    )
    assert row.at is not None
    assert "13812345678" not in str(row.__dict__)  # never the value itself


def test_the_unit_is_found_through_the_scope_path(sensitive_staff, community):
    from tests.venues.conftest import make_venue
    from venues.models import VenueSection

    section = VenueSection.objects.create(venue=make_venue(community), title="一")
    assert log_sensitive_access(sensitive_staff, section, ["x"]).community == community


def test_nothing_is_written_for_no_fields(sensitive_staff, person):
    assert log_sensitive_access(sensitive_staff, person, []) is None
    assert not AccessLog.objects.exists()


def test_many_records_are_one_insert(sensitive_staff, community, django_assert_num_queries):
    people = [Person.objects.create(name=f"人{i}", community=community) for i in range(20)]
    with django_assert_num_queries(1):  # one insert (the content type is cached)
        assert log_sensitive_access_many(sensitive_staff, people, ["phone"]) == 20
    assert AccessLog.objects.filter(community=community).count() == 20


def test_supervisors_read_the_log_of_their_unit_only(
    client, supervisor, far_supervisor, sensitive_staff, person
):
    log_sensitive_access(sensitive_staff, person, ["phone"])
    url = reverse("admin:audit_accesslog_changelist")
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 200
    assert "张秀英" in response.content.decode()
    client.force_login(far_supervisor)
    response = client.get(url)
    assert response.status_code == 200
    assert "张秀英" not in response.content.decode()
    row = AccessLog.objects.get()
    assert client.get(reverse("admin:audit_accesslog_change", args=[row.pk])).status_code == 404


def test_community_staff_cannot_read_the_log(client, staff, sensitive_staff, person):
    log_sensitive_access(sensitive_staff, person, ["phone"])
    client.force_login(staff)
    assert client.get(reverse("admin:audit_accesslog_changelist")).status_code == 403


def test_the_log_cannot_be_changed_or_deleted(client, superuser, sensitive_staff, person):
    row = log_sensitive_access(sensitive_staff, person, ["phone"])
    client.force_login(superuser)
    response = client.post(reverse("admin:audit_accesslog_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AccessLog.objects.filter(pk=row.pk).exists()
    assert client.get(reverse("admin:audit_accesslog_add")).status_code == 403


def test_the_log_list_costs_the_same_queries_for_many_rows(client, supervisor, sensitive_staff, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor)
    url = reverse("admin:audit_accesslog_changelist")

    def queries_with(rows):
        people = [Person.objects.create(name=f"人{i}", community=community) for i in range(rows)]
        log_sensitive_access_many(sensitive_staff, people, ["phone"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_with(3) == queries_with(40) <= 16
