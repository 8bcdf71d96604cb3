"""A venue's capacity changed in the admin and by its sheet: one rule (venues.services), the same outcome."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.venues.conftest import make_venue
from tests.venues.test_admin import make_booking
from venues.models import Slot, Venue
from venues.resources import VenueResource

CSV = "0"  # index of IMPORT_EXPORT_IMPORT_FORMATS


def slots_of(venue, slot_start):
    """A future slot with 6 places booked, an empty future one, and one in the past."""
    make_booking(venue, slot_start, size=6)
    empty = Slot.objects.create(
        venue=venue,
        starts_at=slot_start + timedelta(hours=1),
        ends_at=slot_start + timedelta(hours=2),
        capacity=10,
    )
    yesterday = slot_start - timedelta(days=4)
    Slot.objects.create(venue=venue, starts_at=yesterday, ends_at=yesterday + timedelta(hours=1), capacity=10)
    return empty


def change_in_admin(client, venue, capacity):
    url = f"/admin/venues/venue/{venue.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"capacity": capacity, "community": venue.community_id, "opened_on": ""})
    for prefix in ("sections", "offerings", "opening_hours", "closures"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""


def venue_sheet(staff, venue, capacity):
    """The venue's row as the admin exports it, with another capacity."""
    resource = VenueResource(user=staff)
    sheet = resource.export(Venue.objects.filter(pk=venue.pk))
    row = list(sheet[0])
    row[resource.get_export_order().index("capacity")] = capacity
    sheet[0] = row
    return SimpleUploadedFile("venues.csv", sheet.export("csv").encode("utf-8"))


def change_by_sheet(client, staff, venue, capacity):
    upload = venue_sheet(staff, venue, capacity)
    preview = client.post(
        "/admin/venues/venue/import/", {"format": CSV, "resource": "0", "import_file": upload}
    )
    assert preview.status_code == 200 and preview.context.get("confirm_form") is not None
    form = preview.context["confirm_form"]
    done = client.post(
        "/admin/venues/venue/process_import/", {name: form.initial.get(name, "") for name in form.fields}
    )
    assert done.status_code == 302


def outcome(venue, empty_slot, version_before):
    venue.refresh_from_db()
    history = LogEntry.objects.get_for_object(empty_slot).filter(action=LogEntry.Action.UPDATE)
    return {
        "venue capacity": venue.capacity,
        "slots": sorted(Slot.objects.filter(venue=venue).values_list("capacity", "booked_places")),
        "availability version moved": venue.availability_version > version_before,
        "history of the empty slot": [
            (entry.changes_dict.get("capacity"), entry.actor_id) for entry in history
        ],
    }


@pytest.mark.django_db
def test_lowering_capacity_by_sheet_does_what_the_admin_change_does(client, staff, community, slot_start):
    in_admin = make_venue(community, slug="admin-path")
    by_sheet = make_venue(community, slug="sheet-path", name="第二家风馆")
    empty_in_admin, empty_by_sheet = slots_of(in_admin, slot_start), slots_of(by_sheet, slot_start)
    versions_before = dict(Venue.objects.values_list("pk", "availability_version"))
    client.force_login(staff)

    change_in_admin(client, in_admin, 4)
    change_by_sheet(client, staff, by_sheet, 4)

    expected = {
        "venue capacity": 4,
        # never below the places already booked; the past slot keeps what it had
        "slots": [(4, 0), (6, 6), (10, 0)],
        "availability version moved": True,
        "history of the empty slot": [(["10", "4"], staff.pk)],
    }
    assert outcome(in_admin, empty_in_admin, versions_before[in_admin.pk]) == expected
    assert outcome(by_sheet, empty_by_sheet, versions_before[by_sheet.pk]) == expected


@pytest.mark.django_db
def test_previewing_a_lower_capacity_changes_no_slot(client, staff, venue, slot_start):
    empty = slots_of(venue, slot_start)
    version_before = Venue.objects.get(pk=venue.pk).availability_version
    client.force_login(staff)
    upload = venue_sheet(staff, venue, 4)
    preview = client.post(
        "/admin/venues/venue/import/", {"format": CSV, "resource": "0", "import_file": upload}
    )
    assert preview.status_code == 200
    empty.refresh_from_db()
    venue.refresh_from_db()
    assert (empty.capacity, venue.capacity, venue.availability_version) == (10, 10, version_before)
    assert timezone.now() < empty.starts_at
