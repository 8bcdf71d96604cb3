"""A resident joins the waitlist of a full slot on a 375 px screen, gets the freed places and books them."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.venues.conftest import make_venue
from venues.models import Booking
from venues.services import booking_cancel, booking_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_join_the_waitlist_get_the_places_and_book_them_at_375_px(live_server, browser, community, artifacts):
    venue = make_venue(community, capacity=4, needs_approval=False)
    day = timezone.localdate() + datetime.timedelta(days=3)
    starts = datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_default_timezone())
    taken = booking_create(
        venue=venue, starts_at=starts, offering=None, visitor_kind="school", organisation="一中", size=4,
        contact_name="王老师", phone="13800000004",
    )  # fmt: skip
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    page.goto(f"{live_server.url}/venues/{venue.slug}/")
    full = page.locator("a.full").first
    day = full.get_attribute("href").split("slot=")[1][:10]
    page.locator(f'.date-grid a[href="#d-{day}"]').click()  # the day of the full slot, in the date grid
    full.click()
    expect(page.get_by_role("heading", name="加入候补名单")).to_be_visible()
    page.locator("#id_size").fill("2")
    page.locator("#id_contact_name").fill("李秀兰")
    page.locator("#id_phone").fill("139 1234 5678")
    page.get_by_role("button", name="加入候补名单").click()
    expect(page.get_by_text("您排在第 1 位")).to_be_visible()
    page.screenshot(path=str(artifacts / "waitlist-waiting-375.png"), full_page=True)

    booking_cancel(taken, phone="13800000004")  # the school cancels: 4 places free, 2 held for her
    page.reload()
    expect(page.get_by_text("空位为您保留至")).to_be_visible()
    page.screenshot(path=str(artifacts / "waitlist-offered-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="确认预约").click()
    booking = Booking.objects.get(phone="13912345678")
    expect(page.get_by_text(booking.reference).first).to_be_visible()
    assert booking.status == Booking.Status.CONFIRMED and booking.size == 2
