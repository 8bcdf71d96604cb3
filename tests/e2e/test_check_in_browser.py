"""Check-in at the door, in a real browser at 375 px: the docent types a reference, or reads the booking's
QR code — here, the vendored jsQR decodes a screenshot of the status page's code — and the visit register
gets its row."""

import base64

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff
from tests.venues.conftest import make_venue
from tests.venues.test_check_in import starting_soon
from venues import checkin
from venues.models import Booking, VisitRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def door(community):
    group, _ = Group.objects.get_or_create(name=COMMUNITY_STAFF)
    group.permissions.set(Permission.objects.filter(content_type__app_label="venues"))
    return make_staff("huanxi-door", community, COMMUNITY_STAFF)


def signed_in_phone(browser, live_server, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_typing_the_reference_at_the_door_writes_the_register_row(
    live_server, browser, community, door, artifacts
):
    venue = make_venue(community)
    booking = starting_soon(venue, size=6)
    context = signed_in_phone(browser, live_server, door)
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/{venue.slug}/check-in/")
    page.locator("#code").fill(booking.reference.lower())
    page.get_by_role("button", name="查找").click()
    expect(page.locator(".big-reference")).to_have_text(booking.reference)
    page.locator("#id_visitors").fill("5")
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_text("已签到")).to_be_visible()
    page.screenshot(path=str(artifacts / "check-in-done-375.png"), full_page=True)
    record = VisitRecord.objects.get(booking=booking)
    assert record.visitors == 5
    context.close()


def test_the_status_pages_code_is_read_by_the_scanner_library_and_checks_in(
    live_server, browser, community, door, artifacts
):
    venue = make_venue(community)
    booking = starting_soon(venue, minutes=20, size=3)
    visitor = browser.new_context(viewport=PHONE, locale="zh-CN")
    status = visitor.new_page()
    status.goto(f"{live_server.url}/bookings/{booking.reference}/")
    code = status.locator(".check-in-code img")
    expect(code).to_be_visible()
    shot = artifacts / "status-check-in-code-375.png"
    code.screenshot(path=str(shot))
    status.screenshot(path=str(artifacts / "status-with-code-375.png"), full_page=True)
    visitor.close()

    context = signed_in_phone(browser, live_server, door)
    page = context.new_page()
    page.goto(f"{live_server.url}/venues/{venue.slug}/check-in/")
    picture = "data:image/png;base64," + base64.b64encode(shot.read_bytes()).decode()
    decoded = page.evaluate(
        """async (src) => {
            const image = new Image();
            image.src = src;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const data = context.getImageData(0, 0, canvas.width, canvas.height);
            const found = window.jsQR(data.data, data.width, data.height);
            return found ? found.data : null;
        }""",
        picture,
    )
    assert decoded == checkin.token_for(booking)
    page.locator("#code").fill(decoded)  # what check_in.js does with what the camera read
    page.get_by_role("button", name="查找").click()
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_text("已签到")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    assert VisitRecord.objects.get(booking=booking).visitors == 3
    context.close()
