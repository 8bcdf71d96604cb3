"""A resident books a visit on the public pages, a staff member approves it in the admin, and the resident
sees the new status — in a real browser."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff
from tests.venues.conftest import make_venue
from venues.models import Booking, Offering, VenueSection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = {"width": 375, "height": 812}
DESKTOP_WIDTH = {"width": 1280, "height": 900}


@pytest.fixture
def hall(community):
    venue = make_venue(community, slug="jiafeng", description="社区家风教育阵地。")
    VenueSection.objects.bulk_create(
        VenueSection(venue=venue, title=title, position=i)
        for i, title in enumerate(("古今名人家风家训摘录", "新二十四孝图", "身边好家风"), 1)
    )
    Offering.objects.create(venue=venue, name="家风家训讲解参观", duration_minutes=45, max_group_size=10)
    return venue


@pytest.fixture
def desk_staff(community):
    # A transactional test starts from empty tables: give the group its permissions again.
    group, _ = Group.objects.get_or_create(name=COMMUNITY_STAFF)
    group.permissions.set(Permission.objects.filter(content_type__app_label="venues"))
    return make_staff("huanxi-desk", community, COMMUNITY_STAFF)


def test_resident_books_staff_approves_resident_sees_it(live_server, browser, hall, desk_staff, artifacts):
    resident = browser.new_context(viewport=PHONE_WIDTH)
    page = resident.new_page()
    page.goto(f"{live_server.url}/venues/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="家风家训馆").first.click()
    expect(page.get_by_role("heading", name="家风家训馆")).to_be_visible()
    expect(page.get_by_text("新二十四孝图")).to_be_visible()
    page.locator(".slots a").first.click()

    expect(page.get_by_role("heading", name="Book a visit")).to_be_visible()
    page.screenshot(path=str(artifacts / "booking-page-375.png"), full_page=True)
    expect(page.get_by_label("Organisation", exact=True)).to_be_hidden()  # book.js: only for groups
    page.locator("#id_size").fill("3")
    page.locator("#id_contact_name").fill("李秀兰")
    page.locator("#id_phone").fill("13812345678")
    page.locator("#id_offering").select_option(label="家风家训讲解参观")
    page.locator("#id_purpose").fill("带孩子参观学习好家风")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Book").click()

    expect(page.get_by_text("Thank you: your booking has been received.")).to_be_visible()
    expect(page.locator(".status-line")).to_contain_text("pending approval")
    reference = page.locator(".reference strong").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{12}", reference)
    page.screenshot(path=str(artifacts / "booking-status-375.png"), full_page=True)
    assert Booking.objects.get(reference=reference).status == Booking.Status.PENDING

    staff = browser.new_context(viewport=DESKTOP_WIDTH)
    admin = staff.new_page()
    admin.goto(f"{live_server.url}/admin/login/?next=/admin/venues/booking/")
    admin.locator("#id_username").fill("huanxi-desk")
    admin.locator("#id_password").fill("pw-for-tests-only")
    admin.locator("input[type=submit]").click()
    row = admin.locator("#result_list tbody tr", has_text=reference)
    expect(row).to_be_visible()
    expect(row).to_contain_text("138****5678")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("approve")
    admin.locator("button[name=index], input[name=index]").first.click()
    expect(admin.locator(".messagelist")).to_contain_text("1")
    booking = Booking.objects.select_related("slot").get(reference=reference)
    admin.goto(f"{live_server.url}/admin/venues/venue/{hall.pk}/week/?week={booking.slot.starts_at.date()}")
    expect(admin.locator(".week-booking", has_text=reference)).to_be_visible()
    admin.screenshot(path=str(artifacts / "admin-week-calendar.png"), full_page=True)
    staff.close()

    page.reload()
    expect(page.locator(".status-line")).to_contain_text("confirmed")
    assert Booking.objects.get(reference=reference).status == Booking.Status.CONFIRMED
    resident.close()


def fits_the_width(page) -> bool:
    """Nothing sticks out sideways: the page scrolls only down, as a phone user expects."""
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_public_pages_fit_a_phone_and_a_desktop_and_show_what_a_visitor_came_for(
    live_server, browser, hall, artifacts
):
    context = browser.new_context(viewport=DESKTOP_WIDTH)
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/jiafeng/book/")
    for field in ("#id_size", "#id_contact_name", "#id_phone", "#id_offering"):
        expect(page.locator(field)).to_be_visible()
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "booking-page-desktop.png"), full_page=True)
    page.goto(f"{live_server.url}/venues/jiafeng/")
    expect(page.get_by_role("heading", name="家风家训馆")).to_be_visible()
    expect(page.locator(".slots a").first).to_be_visible()
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "venue-page-desktop.png"), full_page=True)
    context.close()

    phone = browser.new_context(viewport=PHONE_WIDTH)
    page = phone.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="家风家训馆").first).to_be_visible()
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "home-375.png"), full_page=True)
    page.goto(f"{live_server.url}/venues/")
    expect(page.get_by_role("link", name="家风家训馆").first).to_be_visible()
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "venue-list-375.png"), full_page=True)
    page.goto(f"{live_server.url}/venues/jiafeng/")
    expect(page.get_by_text("新二十四孝图")).to_be_visible()
    first_slot = page.locator(".slots a").first
    expect(first_slot).to_be_visible()
    assert first_slot.bounding_box()["width"] >= 40  # a slot is a tap target, not a sliver
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "venue-page-375.png"))
    phone.close()


def test_group_booking_without_organisation_shows_the_message(live_server, browser, hall):
    context = browser.new_context(viewport=PHONE_WIDTH)
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/jiafeng/")
    page.get_by_role("button", name="English").click()
    page.locator(".slots a").first.click()
    page.get_by_label("School", exact=True).check()
    expect(page.locator("#id_organisation")).to_be_visible()
    page.locator("#id_size").fill("5")
    page.locator("#id_contact_name").fill("王老师")
    page.locator("#id_phone").fill("13812345678")
    page.get_by_role("button", name="Book").click()
    expect(
        page.get_by_text("Enter the name of the organisation for a group visit.", exact=True)
    ).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("Organisation: Enter the name of the organisation")
    assert Booking.objects.count() == 0
    context.close()


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]


def test_a_refused_slot_is_said_on_the_first_screen_and_takes_the_focus(
    live_server, browser, hall, artifacts
):
    from tests.venues.test_admin import make_booking

    context = browser.new_context(viewport=PHONE_WIDTH, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/jiafeng/")
    page.locator(".slots a").first.click()
    chosen = page.locator("#id_slot").input_value()
    # Someone else takes the last places while this visitor fills the form in.
    from venues.services import parse_slot_value

    make_booking(
        hall, parse_slot_value(chosen), size=10, phone="13900000001", visitor_kind="resident", organisation=""
    )
    page.locator("#id_size").fill("3")
    page.locator("#id_contact_name").fill("王芳")
    page.locator("#id_phone").fill("138 1234 5678")
    page.locator("#id_consent").check()
    page.locator("button[type=submit].primary").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("预约未成功")
    expect(summary).to_contain_text("约满")
    assert in_first_screen(page, summary)
    page.screenshot(path=str(artifacts / "booking-refused-slot-375.png"))
    # What was typed is still there.
    assert page.locator("#id_contact_name").input_value() == "王芳"
    assert page.locator("#id_phone").input_value() == "138 1234 5678"
    assert Booking.objects.count() == 1
    context.close()


def test_each_field_error_is_linked_from_the_summary_and_described_on_the_field(live_server, browser, hall):
    context = browser.new_context(viewport=PHONE_WIDTH, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/jiafeng/book/")
    page.locator("#id_phone").fill("12345")
    page.locator("button[type=submit].primary").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    assert links.count() >= 3  # time, contact name, phone
    phone = page.locator("#id_phone")
    described = phone.get_attribute("aria-describedby").split()
    assert "id_phone_error" in described
    expect(page.locator("#id_phone_error")).to_contain_text("手机号")
    assert page.get_by_role("alert").count() == 1  # one announcement, not one per field
    summary.locator('a[href="#id_phone"]').click()
    expect(phone).to_be_focused()
    context.close()


def test_the_venue_page_answers_a_visitors_questions_in_two_screens_at_375_px(
    live_server, browser, hall, artifacts
):
    from datetime import time as clock

    from venues.models import OpeningHours

    hall.phone = "0379-63210000"
    hall.latitude, hall.longitude = "34.682900", "112.473600"
    hall.directions = "乘 5 路、33 路公交车到西关站下车，向北 100 米。"
    hall.rules = "请保持安静，馆内禁止吸烟。"
    hall.what_to_bring = "团体请带介绍信。"
    hall.wheelchair_access = True
    hall.save()
    OpeningHours.objects.filter(venue=hall).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=hall, weekday=day, opens=opens, closes=closes)
        for day in range(5)
        for opens, closes in ((clock(9), clock(11, 30)), (clock(14), clock(17)))
    )
    context = browser.new_context(viewport=PHONE_WIDTH, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/jiafeng/")
    text = page.content()
    assert 'href="tel:0379-63210000"' in text and "geo:34.682900,112.473600" in text
    expect(page.locator("table.hours tr")).to_have_count(1)  # 星期一至星期五 09:00–11:30, 14:00–17:00
    expect(page.locator("table.hours")).to_contain_text("星期一至星期五")
    expect(page.get_by_text("参观须知")).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4 * PHONE_WIDTH["height"], height  # was about 4,400 px with every day's slots stacked
    # Choosing another day shows its slots in place of the first.
    days = page.locator(".date-grid a.open")
    second = days.nth(1)
    second.click()
    target = second.get_attribute("href")
    expect(page.locator(target)).to_be_visible()
    expect(page.locator(".day:visible")).to_have_count(1)
    page.screenshot(path=str(artifacts / "venue-page-date-grid-375.png"), full_page=True)
    context.close()


def test_back_and_book_again_shows_the_same_booking_at_375_px(live_server, browser, hall, artifacts):
    context = browser.new_context(viewport=PHONE_WIDTH, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/jiafeng/")
    page.locator(".slots a").first.click()
    page.locator("#id_size").fill("2")
    page.locator("#id_contact_name").fill("李秀兰")
    page.locator("#id_phone").fill("13812345678")
    page.locator("#id_consent").check()
    page.locator("button[type=submit].primary").click()
    expect(page.get_by_role("heading", name="您的预约")).to_be_visible()
    first = page.url
    page.go_back()  # the form as it was filled in, and "Book" once more
    if page.locator("#id_consent").count() and not page.locator("#id_consent").is_checked():
        page.locator("#id_consent").check()
    page.locator("button[type=submit].primary").click()
    expect(page.get_by_role("heading", name="您的预约")).to_be_visible()
    assert page.url == first
    expect(page.get_by_text("您在这个时段已有这个预约")).to_be_visible()
    page.screenshot(path=str(artifacts / "booking-sent-twice-375.png"))
    assert Booking.objects.count() == 1
    context.close()
