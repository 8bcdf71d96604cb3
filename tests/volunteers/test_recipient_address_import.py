"""A care recipient's address (courtyard, building, entrance, room) in the register's export and import: the
courtyard found by its name within the row's community, another community's refused with the row's reason."""

import pytest
from django.utils import translation

from communities.models import Courtyard, Grid
from volunteers.models import CareRecipient
from volunteers.resources import CareRecipientResource

from .conftest import confirm, csv_bytes, export, exported_rows, sign_in, upload
from .test_import import row_errors

pytestmark = pytest.mark.django_db

HEADER = ["Person id", "Community", "Courtyard", "Building", "Entrance", "Room"]


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def courtyards(community, other_community):
    return (
        Courtyard.objects.create(grid=Grid.objects.create(community=community, name="一网格"), name="金谷园"),
        Courtyard.objects.create(
            grid=Grid.objects.create(community=other_community, name="二网格"), name="金业小区"
        ),
    )


def test_the_address_is_imported_and_exported(en, staff, recipient, courtyards):
    sign_in(en, staff)
    preview = upload(
        en, CareRecipient, csv_bytes([HEADER, [recipient.person_id, "环西社区", "金谷园", "3", "2", "401"]])
    )
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    confirm(en, CareRecipient, preview)
    recipient.refresh_from_db()
    with translation.override("zh-hans"):
        assert recipient.address == "金谷园 3号楼 2单元 401室"
    rows = exported_rows(export(en, CareRecipient, CareRecipientResource))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert [record[column] for column in HEADER[2:]] == ["金谷园", "3", "2", "401"]


def test_a_courtyard_of_another_community_is_refused_and_nothing_written(
    en, subdistrict_staff, recipient, courtyards
):
    sign_in(en, subdistrict_staff)  # sees both communities' courtyards
    preview = upload(
        en, CareRecipient, csv_bytes([HEADER, [recipient.person_id, "环西社区", "金业小区", "3", "", ""]])
    )
    assert preview.context.get("confirm_form") is None
    assert "金业小区" in " ".join(row_errors(preview).values())
    recipient.refresh_from_db()
    assert recipient.courtyard is None and recipient.building == ""
