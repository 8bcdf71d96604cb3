from datetime import timedelta

from django.utils import timezone

from tests.venues.conftest import local_dt, make_venue, slot_value
from venues.models import Booking, Offering, Slot, Venue
from venues.services import booking_create


def book(venue, starts_at, size=1, **fields):
    data = {
        "venue": venue,
        "starts_at": starts_at,
        "offering": None,
        "visitor_kind": Booking.VisitorKind.RESIDENT,
        "organisation": "",
        "size": size,
        "contact_name": "李四",
        "phone": "13812345678",
    }
    data.update(fields)
    return booking_create(**data)


def test_venue_list_shows_public_venues_by_district_and_kind(client, venue, other_venue, far_community):
    make_venue(far_community, slug="hidden", name="内部会议室", public_bookable=False)
    Offering.objects.create(venue=venue, name="家风讲解")
    response = client.get("/venues/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "家风家训馆" in text and "学雷锋志愿服务社区文化广场" in text
    assert "家风讲解" in text
    assert "内部会议室" not in text
    assert "老城区" in text


def test_venue_list_filters_by_kind(client, venue, other_venue):
    response = client.get("/venues/", {"kind": Venue.Kind.CULTURAL_SQUARE})
    text = response.content.decode()
    assert "学雷锋志愿服务社区文化广场" in text and "家风家训馆" not in text


def test_venue_list_runs_a_fixed_number_of_queries(client, community, django_assert_max_num_queries):
    for i in range(30):
        venue = make_venue(community, slug=f"v{i}", name=f"书屋{i}", kind=Venue.Kind.READING_ROOM)
        Offering.objects.create(venue=venue, name="阅读")
    with django_assert_max_num_queries(6):
        assert client.get("/venues/").status_code == 200


def test_home_shows_public_venues(client, venue):
    response = client.get("/")
    assert response.status_code == 200
    assert "家风家训馆" in response.content.decode()


def test_venue_page_shows_sections_menu_and_free_places(client, venue, offering, slot_start):
    book(venue, slot_start, size=4)
    response = client.get("/venues/jiafeng/")
    assert response.status_code == 200
    text = response.content.decode()
    for title in ("古今名人家风家训摘录", "新二十四孝图", "身边好家风", "讲解参观"):
        assert title in text
    days = response.context["days"]
    slots = {slot.starts_at: slot for day in days for slot in day.slots}
    assert slots[slot_start].free == 6
    other = slot_start + timedelta(hours=1)
    assert slots[other].free == 10
    # Three slots a day (9–12, 60 minutes), only after the minimum notice of 24 hours.
    now = timezone.now()
    assert all(slot.starts_at >= now + timedelta(hours=24) for slot in slots.values())
    assert len(days) <= 28
    assert all(len(day.slots) <= 3 for day in days)
    assert f"?slot={slot_value(slot_start)}" in text


def test_venue_page_shows_closures_without_slots(client, venue, closure):
    response = client.get("/venues/jiafeng/")
    day = next(d for d in response.context["days"] if d.date == closure.starts_on)
    assert day.slots == []
    assert "设备检修" in response.content.decode()


def test_full_slot_is_shown_as_full(client, venue, slot_start):
    book(venue, slot_start, size=10)
    response = client.get("/venues/jiafeng/")
    slot = next(s for d in response.context["days"] for s in d.slots if s.starts_at == slot_start)
    assert slot.free == 0


def test_venue_page_runs_a_fixed_number_of_queries(client, venue, offering, django_assert_max_num_queries):
    start = local_dt(timezone.localdate() + timedelta(days=2), 9)
    for day in range(20):
        book(venue, start + timedelta(days=day), size=1)
    # Uncached: the venue, its hours, closures, slots, sections, menu (and the lean head query).
    with django_assert_max_num_queries(8):
        assert client.get("/venues/jiafeng/").status_code == 200


def test_venue_not_open_to_the_public_is_404(client, community):
    make_venue(community, slug="neibu", public_bookable=False)
    assert client.get("/venues/neibu/").status_code == 404
    assert client.get("/venues/neibu/book/").status_code == 404


def test_unknown_venue_is_404(client, db):
    assert client.get("/venues/nothing/").status_code == 404


def test_language_switcher_is_on_every_public_page(client, venue):
    text = client.get("/venues/").content.decode()
    assert 'action="/i18n/setlang/"' in text
    assert 'name="language" value="en"' in text


def test_language_switch_to_english(client, venue):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/venues/"})
    assert response.status_code == 302
    assert "Book a visit" in client.get("/venues/jiafeng/").content.decode()


def test_public_pages_carry_no_inline_script_or_style(client, venue):
    for url in ("/", "/venues/", "/venues/jiafeng/", "/venues/jiafeng/book/"):
        text = client.get(url).content.decode()
        assert "<style" not in text and "style=" not in text, url
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), url


def test_slot_rows_are_only_created_by_bookings(client, venue):
    client.get("/venues/jiafeng/")
    assert Slot.objects.count() == 0


def test_home_lists_upcoming_activities_at_public_venues_only(client, venue, community, subdistrict):
    from activities.models import Activity, ActivityType
    from communities.models import PartyOrganization

    kind = ActivityType.objects.create(kind=ActivityType.Kind.LECTURE, name="家风讲堂")
    org = PartyOrganization.objects.create(
        name="环西社区党总支",
        kind=PartyOrganization.Kind.GENERAL_BRANCH,
        subdistrict=subdistrict,
        community=community,
    )
    hidden = make_venue(community, slug="neibu", name="内部会议室", public_bookable=False)
    soon = timezone.now() + timedelta(days=2)

    def activity(title, start, where):
        return Activity.objects.create(
            title=title,
            type=kind,
            community=community,
            party_organization=org,
            venue=where,
            start=start,
            end=start + timedelta(hours=1),
        )

    activity("好家风故事会", soon, venue)
    activity("支部委员会", soon, hidden)
    activity("去年的讲座", timezone.now() - timedelta(days=30), venue)
    text = client.get("/").content.decode()
    assert "好家风故事会" in text
    assert "支部委员会" not in text and "去年的讲座" not in text


def free_at(client, starts_at):
    text = client.get("/venues/jiafeng/").content.decode()
    marker = f"/book/?slot={slot_value(starts_at)}"  # (a full slot links to its waitlist instead)
    if marker not in text:
        return 0
    chunk = text.split(marker, 1)[1]
    return int(chunk.split('class="free">', 1)[1].split(" ", 1)[0])


def test_cached_venue_page_follows_bookings_and_cancellations(client, venue, slot_start):
    from venues.services import booking_cancel

    assert free_at(client, slot_start) == 10
    booking = book(venue, slot_start, size=4)
    assert free_at(client, slot_start) == 6
    booking_cancel(booking, phone="13812345678")
    assert free_at(client, slot_start) == 10
    book(venue, slot_start, size=10)
    assert free_at(client, slot_start) == 0


def test_cached_venue_page_follows_staff_edits(client, staff, venue, slot_start):
    from venues.models import Closure

    assert free_at(client, slot_start) == 10
    client.force_login(staff)
    response = client.post(
        "/admin/venues/closure/add/",
        {
            "venue": venue.pk,
            "starts_on": slot_start.date().isoformat(),
            "ends_on": slot_start.date().isoformat(),
            "reason": "临时闭馆",
        },
    )
    assert response.status_code == 302
    assert Closure.objects.exists()
    assert "临时闭馆" in client.get("/venues/jiafeng/").content.decode()


def test_a_cached_venue_page_costs_one_query(client, venue, django_assert_max_num_queries):
    client.get("/venues/jiafeng/")
    with django_assert_max_num_queries(1):
        assert client.get("/venues/jiafeng/").status_code == 200


def test_venue_list_ignores_malformed_filters_and_is_cached(client, venue, django_assert_max_num_queries):
    assert (
        "家风家训馆"
        in client.get("/venues/", {"district": "x'; drop", "kind": "nope", "page": "-1"}).content.decode()
    )
    with django_assert_max_num_queries(0):
        assert (
            client.get("/venues/", {"district": "x'; drop", "kind": "nope", "page": "-1"}).status_code == 200
        )
