"""An erased person stays erased: the admin and imports cannot fill in what was erased."""

import pytest
from django.urls import reverse

from audit.personal_data import ERASED, erase_person
from communities.models import Person
from tests.communities.helpers import csv_bytes, page_errors, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def erased(community, sensitive_staff):
    person = Person.objects.create(
        name="王芳", phone="13812345678", community=community, is_party_member=True
    )
    erase_person(person, by=sensitive_staff)
    person.refresh_from_db()
    assert person.name == ERASED
    return person


def test_the_admin_shows_the_erased_fields_read_only_and_says_why(client, staff, erased, community):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    url = reverse("admin:communities_person_change", args=[erased.pk])
    page = client.get(url).content.decode()
    assert "erased on request" in page
    assert 'name="name"' not in page, "the name is not an input any more"

    data = {"name": "王芳", "phone": "13812345678", "community": community.pk}  # Party member: unticked
    assert client.post(url, data).status_code == 302
    erased.refresh_from_db()
    assert (erased.name, erased.phone) == (ERASED, ""), "the erased fields stay erased"
    assert not erased.is_party_member, "the rest can still be kept up to date"


def test_a_file_exported_before_the_erasure_cannot_write_the_person_back(client, staff, erased):
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    header = ["id", "name", "gender", "birth date", "phone", "community", "Party member", "education"]
    content = csv_bytes(
        [header, [erased.pk, "王芳", "女", "1950-01-01", "13812345678", "环西社区", "是", ""]]
    )
    response = upload(client, Person, content)
    assert response.context.get("confirm_form") is None
    assert "erased on request" in page_errors(response)
    erased.refresh_from_db()
    assert (erased.name, erased.phone, erased.birth_date) == (ERASED, "", None)


def test_an_import_running_while_the_person_is_erased_does_not_bring_them_back(
    staff, sensitive_staff, community
):
    """The file's rows were read before the erasure committed; the batch's write finds the person erased."""
    import tablib

    from communities.resources import PersonResource

    person = Person.objects.create(name="王芳", phone="13812345678", community=community)
    other = Person.objects.create(name="李强", phone="13900001111", community=community)

    class ErasedMeanwhile(PersonResource):
        def before_import(self, dataset, **kwargs):
            super().before_import(dataset, **kwargs)  # the file's records are read here
            erase_person(Person.objects.get(pk=person.pk), by=sensitive_staff)

    header = ["id", "name", "gender", "birth date", "phone", "community", "Party member", "education"]
    dataset = tablib.Dataset(
        [person.pk, "王芳", "女", "1950-01-01", "13812345678", "环西社区", "否", "本科"],
        [other.pk, "李强强", "男", "", "13900002222", "环西社区", "否", ""],
        headers=header,
    )
    result = ErasedMeanwhile(user=staff).import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    person.refresh_from_db()
    assert (person.name, person.phone, person.birth_date) == (ERASED, "", None)
    assert Person.objects.get(pk=other.pk).name == "李强强", "the rest of the batch is written"
