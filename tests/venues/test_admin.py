from datetime import timedelta

import pytest
from django.utils import timezone

from tests.venues.conftest import local_dt
from venues.models import Booking, Slot, VisitRecord
from venues.services import booking_create

CHANGELIST = "/admin/venues/booking/"


def make_booking(venue, starts_at, size=2, **fields):
    data = {
        "venue": venue,
        "starts_at": starts_at,
        "offering": None,
        "visitor_kind": "school",
        "organisation": "西关小学",
        "size": size,
        "contact_name": "王老师",
        "phone": "13812345678",
    }
    data.update(fields)
    return booking_create(**data)


def past_booking(venue, status=Booking.Status.CONFIRMED, size=5):
    """A booking whose visit has started (made through the service, then moved into the past)."""
    booking = make_booking(venue, local_dt(timezone.localdate() + timedelta(days=3), 9), size=size)
    yesterday = local_dt(timezone.localdate() - timedelta(days=1), 9)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=yesterday, ends_at=yesterday + timedelta(hours=1)
    )
    Booking.objects.filter(pk=booking.pk).update(status=status)
    booking.refresh_from_db()
    return booking


def act(client, action, bookings, **extra):
    data = {"action": action, "_selected_action": [b.pk for b in bookings], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_staff_see_their_venues_bookings_and_not_the_neighbours(
    client, staff, venue, other_venue, slot_start
):
    mine = make_booking(venue, slot_start)
    theirs = make_booking(other_venue, slot_start, organisation="金业路小学")
    client.force_login(staff)
    text = client.get(CHANGELIST).content.decode()
    assert mine.reference in text and theirs.reference not in text
    assert client.get(f"/admin/venues/booking/{theirs.pk}/change/").status_code == 404
    assert client.get(f"/admin/venues/venue/{other_venue.pk}/change/").status_code == 404
    assert client.get(f"/admin/venues/venue/{other_venue.pk}/week/").status_code == 404


def test_outsider_has_no_access(client, outsider, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(outsider)
    assert booking.reference not in client.get(CHANGELIST).content.decode()
    assert client.get(f"/admin/venues/booking/{booking.pk}/change/").status_code == 404
    act(client, "approve", [booking])
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def view_on_site(obj):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def test_view_on_site_gives_no_other_units_booking_reference(client, staff, venue, other_venue, slot_start):
    mine = make_booking(venue, slot_start)
    theirs = make_booking(other_venue, slot_start, organisation="金业路小学")
    client.force_login(staff)
    response = client.get(view_on_site(mine))
    assert response.status_code == 302 and response["Location"].endswith(f"/bookings/{mine.reference}/")
    response = client.get(view_on_site(theirs))
    assert response.status_code == 404 and theirs.reference not in response.content.decode()
    assert client.get(view_on_site(other_venue)).status_code == 404
    # Every id tried, as an attacker counting up would: only the account's own answer.
    found = [
        client.get(f"/admin/r/{view_on_site(mine).split('/')[3]}/{pk}/").status_code
        for pk in range(1, theirs.pk + 3)
    ]
    assert found.count(302) == 1
    assert client.get("/admin/r/99999/1/").status_code == 404  # no such kind
    assert client.get(f"/admin/r/{view_on_site(mine).split('/')[3]}/not-a-number/").status_code == 404


def test_view_on_site_needs_a_signed_in_staff_account(client, venue, slot_start):
    booking = make_booking(venue, slot_start)
    response = client.get(view_on_site(booking))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_venue_filter_lists_only_the_accounts_venues(client, staff, venue, other_venue):
    client.force_login(staff)
    text = client.get(CHANGELIST).content.decode()
    assert "学雷锋志愿服务社区文化广场" not in text


def test_phone_is_masked_without_the_sensitive_permission(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    assert "138****5678" in client.get(CHANGELIST).content.decode()
    page = client.get(f"/admin/venues/booking/{booking.pk}/change/").content.decode()
    assert "138****5678" in page and "13812345678" not in page


def test_export_masks_phones_unless_the_account_may_see_them(
    staff, sensitive_staff, outsider, venue, slot_start
):
    from audit.models import AccessLog
    from venues.resources import BookingResource

    booking = make_booking(venue, slot_start)
    masked = BookingResource(user=staff).export().csv
    assert booking.reference in masked and "138****5678" in masked and "13812345678" not in masked
    assert not AccessLog.objects.exists(), "a masked export shows nothing in full"
    assert "13812345678" in BookingResource(user=sensitive_staff).export().csv
    logged = AccessLog.objects.get()
    assert (logged.user, logged.object_id, logged.fields) == (sensitive_staff, str(booking.pk), "phone")
    assert booking.reference not in BookingResource(user=outsider).export().csv


def test_approve_many_at_once(client, staff, venue, slot_start):
    bookings = [make_booking(venue, slot_start + timedelta(hours=h)) for h in (-1, 0, 1)]
    client.force_login(staff)
    response = act(client, "approve", bookings)
    assert "3 bookings approved." in response.content.decode()
    assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.CONFIRMED}


def test_reject_asks_for_a_reason_frees_the_places_and_shows_it_to_the_visitor(
    client, staff, venue, slot_start
):
    booking = make_booking(venue, slot_start, size=6)
    client.force_login(staff)
    form = act(client, "reject", [booking])
    assert "The reason is shown to the visitor" in form.content.decode()
    missing = act(client, "reject", [booking], apply="1", reason="  ")
    assert "Give the visitor a reason" in missing.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    done = act(client, "reject", [booking], apply="1", reason="当天馆内布展，请改约下周")
    assert "1 booking rejected." in done.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REJECTED
    assert Slot.objects.get().booked_places == 0
    client.logout()
    public = client.get(f"/bookings/{booking.reference}/").content.decode()
    assert "当天馆内布展，请改约下周" in public


def test_complete_records_how_many_came_in_the_register(client, staff, venue):
    booking = past_booking(venue, size=5)
    client.force_login(staff)
    form = act(client, "complete", [booking])
    assert f'name="visitors_{booking.pk}" value="5"' in form.content.decode()
    bad = act(client, "complete", [booking], apply="1", **{f"visitors_{booking.pk}": "0"})
    assert "Enter how many visitors came" in bad.content.decode()
    assert not VisitRecord.objects.exists()
    act(client, "complete", [booking], apply="1", **{f"visitors_{booking.pk}": "4"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    record = VisitRecord.objects.get()
    assert (record.booking, record.visitors, record.community) == (booking, 4, venue.community)


def test_a_future_visit_cannot_be_completed(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    booking.status = Booking.Status.CONFIRMED
    booking.save()
    client.force_login(staff)
    response = act(client, "complete", [booking], apply="1", **{f"visitors_{booking.pk}": "2"})
    assert "completed once it has started" in response.content.decode()
    assert not VisitRecord.objects.exists()


def test_pending_booking_cannot_be_completed(client, staff, venue):
    booking = past_booking(venue, status=Booking.Status.PENDING)
    client.force_login(staff)
    response = act(client, "complete", [booking], apply="1", **{f"visitors_{booking.pk}": "2"})
    assert "was not confirmed" in response.content.decode()


def test_no_show(client, staff, venue):
    booking = past_booking(venue)
    client.force_login(staff)
    act(client, "mark_no_show", [booking])
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_docent_assignment(client, staff, venue, docent, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    response = client.post(
        f"/admin/venues/booking/{booking.pk}/change/",
        {"docent": docent.pk, "visit_record-TOTAL_FORMS": "0", "visit_record-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    booking.refresh_from_db()
    assert booking.docent == docent
    assert booking.status == Booking.Status.PENDING  # the status moves only through the actions
    assert "王讲解" in client.get(f"/bookings/{booking.reference}/").content.decode()


def test_docent_of_another_community_cannot_be_assigned(client, staff, venue, slot_start, other_community):
    from communities.models import Person
    from venues.models import Docent

    person = Person.objects.create(name="外人", community=other_community)
    foreign = Docent.objects.create(community=other_community, person=person)
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    response = client.post(
        f"/admin/venues/booking/{booking.pk}/change/",
        {"docent": foreign.pk, "visit_record-TOTAL_FORMS": "0", "visit_record-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.docent is None


def test_staff_cannot_add_bookings_in_the_admin(client, staff, venue):
    client.force_login(staff)
    assert client.get("/admin/venues/booking/add/").status_code == 403


def test_bookings_list_runs_a_fixed_number_of_queries(
    client, staff, venue, docent, django_assert_max_num_queries
):
    start = local_dt(timezone.localdate() + timedelta(days=2), 9)
    for day in range(25):
        b = make_booking(venue, start + timedelta(days=day))
        Booking.objects.filter(pk=b.pk).update(docent=docent)
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        assert client.get(CHANGELIST).status_code == 200


def test_week_calendar(client, staff, venue, slot_start, closure, django_assert_max_num_queries):
    booking = make_booking(venue, slot_start, size=3)
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        response = client.get(
            f"/admin/venues/venue/{venue.pk}/week/", {"week": slot_start.date().isoformat()}
        )
    text = response.content.decode()
    assert response.status_code == 200
    assert booking.reference in text and "3/10" in text
    days = response.context["calendar"]["days"]
    assert len(days) == 7 and days[0].date.weekday() == 0


def test_walk_ins_are_added_to_the_register(client, staff, venue):
    client.force_login(staff)
    response = client.post(
        "/admin/venues/visitrecord/add/",
        {
            "venue": venue.pk,
            "visited_on": timezone.localdate().isoformat(),
            "visitors": 12,
            "organisation": "散客",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record = VisitRecord.objects.get()
    assert record.is_walk_in and record.community == venue.community and record.visitors == 12


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("visitors", 0, "Ensure this value is greater than or equal to"),
        ("visited_on", "2999-01-01", "This date is in the future."),
    ],
)
def test_bad_register_entries_are_refused(client, staff, venue, field, value, message):
    client.force_login(staff)
    data = {
        "venue": venue.pk,
        "visited_on": timezone.localdate().isoformat(),
        "visitors": 5,
        "organisation": "",
    }
    data[field] = value
    response = client.post("/admin/venues/visitrecord/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not VisitRecord.objects.exists()


def test_walk_in_at_another_communitys_venue_is_refused(client, staff, other_venue):
    client.force_login(staff)
    response = client.post(
        "/admin/venues/visitrecord/add/",
        {"venue": other_venue.pk, "visited_on": timezone.localdate().isoformat(), "visitors": 5},
    )
    assert response.status_code == 200
    assert not VisitRecord.objects.exists()


def test_walk_ins_import_from_a_spreadsheet(client, staff, venue, other_venue):
    import tablib

    from venues.resources import VisitRecordResource

    good = tablib.Dataset(headers=["venue", "visited_on", "visitors", "organisation", "note"])
    good.append([venue.slug, "2018-03-05", 25, "西关小学", ""])
    result = VisitRecordResource(user=staff).import_data(good, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert VisitRecord.objects.get().community == venue.community
    foreign = tablib.Dataset(headers=["venue", "visited_on", "visitors", "organisation", "note"])
    foreign.append([other_venue.slug, "2018-03-05", 25, "金业路小学", ""])
    result = VisitRecordResource(user=staff).import_data(foreign, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert VisitRecord.objects.count() == 1


@pytest.mark.parametrize(
    "model", ["venue", "offering", "openinghours", "closure", "docent", "booking", "visitrecord"]
)
def test_every_register_lists_and_opens_its_add_form(client, staff, venue, docent, slot_start, model):
    make_booking(venue, slot_start)
    client.force_login(staff)
    assert client.get(f"/admin/venues/{model}/").status_code == 200
    expected = 403 if model == "booking" else 200
    assert client.get(f"/admin/venues/{model}/add/").status_code == expected


def test_supervisor_sees_the_bookings_but_cannot_act(client, supervisor, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(supervisor)
    assert booking.reference in client.get(CHANGELIST).content.decode()
    act(client, "approve", [booking])
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_docent_change_page_and_venue_change_page_open(client, staff, venue, docent):
    client.force_login(staff)
    assert client.get(f"/admin/venues/docent/{docent.pk}/change/").status_code == 200
    assert client.get(f"/admin/venues/venue/{venue.pk}/change/").status_code == 200


def test_venues_import_into_the_accounts_own_community_only(staff, community, other_community):
    import tablib

    from venues.models import Venue
    from venues.resources import VenueResource

    headers = ["slug", "name", "kind", "community", "capacity", "slot_minutes", "booking_window_days",
               "min_notice_hours", "public_bookable", "needs_approval"]  # fmt: skip
    good = tablib.Dataset(headers=headers)
    good.append(["huanxi-reading", "环西社区党建书屋", "reading_room", "环西社区", 15, 60, 28, 2, 1, 0])
    result = VenueResource(user=staff).import_data(good, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Venue.objects.get(slug="huanxi-reading").community == community
    foreign = tablib.Dataset(headers=headers)
    foreign.append(["jinye-reading", "金业路社区党建书屋", "reading_room", "金业路社区", 15, 60, 28, 2, 1, 0])
    result = VenueResource(user=staff).import_data(foreign, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not Venue.objects.filter(slug="jinye-reading").exists()


def test_officers_see_full_phones_and_each_view_is_access_logged(client, sensitive_staff, venue, slot_start):
    from audit.models import AccessLog

    booking = make_booking(venue, slot_start)
    client.force_login(sensitive_staff)
    assert "13812345678" in client.get(CHANGELIST).content.decode()
    assert "13812345678" in client.get(f"/admin/venues/booking/{booking.pk}/change/").content.decode()
    logged = AccessLog.objects.filter(user=sensitive_staff, object_id=str(booking.pk))
    assert logged.count() == 2
    assert {row.community_id for row in logged} == {venue.community_id}
    assert {row.fields for row in logged} == {"phone"}


def test_masked_views_write_no_access_log(client, staff, venue, slot_start):
    from audit.models import AccessLog

    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    client.get(CHANGELIST)
    client.get(f"/admin/venues/booking/{booking.pk}/change/")
    assert not AccessLog.objects.exists()


def test_the_admin_home_counts_the_bookings_waiting_and_flags_an_old_one(
    client, staff, outsider, venue, slot_start
):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    waiting = '<a href="/admin/venues/booking/?status__exact=pending">{}</a></td>'
    page = client.get("/admin/").content.decode()
    assert "Bookings waiting for your approval" in page and waiting.format(1) in page
    assert "the oldest has waited" not in page
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - timedelta(hours=30))
    assert "the oldest has waited 30 hours" in client.get("/admin/").content.decode()
    client.force_login(outsider)
    page = client.get("/admin/").content.decode()
    assert waiting.format(0) in page and "the oldest has waited" not in page
