"""The people register logs every unmasked view of a phone number (communities Person admin)."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from communities.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(community):
    return Person.objects.create(name="张秀英", gender="F", phone="13812345678", community=community)


def test_opening_a_person_unmasked_is_logged(client, sensitive_staff, person):
    client.force_login(sensitive_staff)
    response = client.get(reverse("admin:communities_person_change", args=[person.pk]))
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    row = AccessLog.objects.get()
    assert (row.user, row.object_id, row.fields, row.community) == (
        sensitive_staff,
        str(person.pk),
        "phone",
        person.community,
    )


def test_a_masked_view_is_not_logged(client, staff, person):
    client.force_login(staff)
    response = client.get(reverse("admin:communities_person_change", args=[person.pk]))
    assert response.status_code == 200 and "13812345678" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_list_with_full_phones_logs_each_person_shown(client, sensitive_staff, person, community):
    Person.objects.create(name="无电话", community=community)
    client.force_login(sensitive_staff)
    assert client.get(reverse("admin:communities_person_changelist")).status_code == 200
    assert list(AccessLog.objects.values_list("object_repr", "fields")) == [("张秀英", "phone")]


def test_the_person_page_links_to_export_and_erasure_for_officers(client, sensitive_staff, staff, person):
    client.force_login(sensitive_staff)
    text = client.get(reverse("admin:communities_person_change", args=[person.pk])).content.decode()
    assert reverse("audit:person_erase", args=[person.pk]) in text
    client.force_login(staff)
    text = client.get(reverse("admin:communities_person_change", args=[person.pk])).content.decode()
    assert reverse("audit:person_erase", args=[person.pk]) not in text


def test_an_export_with_full_phones_is_logged_and_a_masked_one_is_not(client, sensitive_staff, staff, person):
    from communities.resources import PersonResource
    from tests.communities.helpers import export

    client.force_login(staff)
    assert export(client, Person, PersonResource).status_code == 200
    assert not AccessLog.objects.exists()
    client.force_login(sensitive_staff)
    assert export(client, Person, PersonResource).status_code == 200
    # One entry for the file, naming its records by id (tests/audit/test_export_access_log.py).
    (entry,) = AccessLog.objects.all()
    assert (entry.user, entry.object_repr, entry.fields, entry.record_pks()) == (
        sensitive_staff,
        "人员：导出 1 条记录",
        "phone",
        [person.pk],
    )
