"""A resident who lost the reference finds their bookings by phone on a 375 px screen, in a real browser."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from messaging.models import Message
from tests.venues.conftest import make_venue
from venues.services import booking_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_my_bookings_by_phone_at_375_px(live_server, browser, community, artifacts):
    venue = make_venue(community)
    day = timezone.localdate() + datetime.timedelta(days=3)
    starts = datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_default_timezone())
    booking = booking_create(
        venue=venue, starts_at=starts, offering=None, visitor_kind="resident", organisation="", size=2,
        contact_name="李秀兰", phone="13812345678",
    )  # fmt: skip
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="忘了预约号？用手机号查询").click()
    page.locator("#id_phone").fill("１３８ １２３４ ５６７８")  # full-width, with spaces, as typed on a phone
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("138****5678")).to_be_visible()
    page.locator("#id_code").fill(
        "000000" if Message.objects.get(kind="lookup_code").params["code"] != "000000" else "111111"
    )
    page.get_by_role("button", name="查看我的预约").click()
    expect(page.get_by_text("验证码不正确，还可以再试 4 次。")).to_be_visible()
    page.screenshot(path=str(artifacts / "find-code-wrong-375.png"), full_page=True)
    page.locator("#id_code").fill(Message.objects.get(kind="lookup_code").params["code"])
    page.get_by_role("button", name="查看我的预约").click()
    expect(page.get_by_role("heading", name="我的预约")).to_be_visible()
    expect(page.get_by_text(booking.reference)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
    page.screenshot(path=str(artifacts / "my-bookings-375.png"), full_page=True)
    page.get_by_role("link", name="家风家训馆").click()
    expect(page.get_by_text(booking.reference)).to_be_visible()
