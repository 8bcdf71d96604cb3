"""At 1366 px, in a real browser: the admin home shows what waits for the account, and a pending booking is
approved from its own page."""

import datetime

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from communities.models import Person
from registers.models import Job
from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff
from tests.venues.conftest import make_venue, slot_start  # noqa: F401  (the fixture)
from tests.venues.test_admin import make_booking
from venues.models import Booking
from volunteers.models import CareRecipient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_the_admin_home_panel_and_approving_from_the_bookings_page(
    live_server,
    browser,
    community,
    slot_start,  # noqa: F811 (the fixture imported above)
    artifacts,
):
    staff = make_staff("huanxi-browser", community, COMMUNITY_STAFF)
    booking = make_booking(make_venue(community), slot_start, organisation="西关小学")
    for name in ("陈秀兰", "李桂英", "张玉珍"):
        person = Person.objects.create(name=name, community=community)
        CareRecipient.objects.create(person=person, community=community, since=datetime.date(2016, 1, 1))
    Job.objects.create(
        user=staff, status=Job.Status.CHECKED, register="communities.person", file_name="环西社区人员.xlsx"
    )

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill("huanxi-browser")
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("input[type=submit]").click()

    panel = page.locator("#waiting-for-you")
    expect(panel.locator("caption")).to_have_text("待您处理 · 环西社区")
    expect(panel.locator("#waiting-bookings td")).to_have_text("1")
    expect(panel.locator("#waiting-visits td")).to_have_text("3")
    expect(panel.locator("#waiting-imports td")).to_have_text("1")
    for name in ("工作报表", "待上门服务名单", "志愿服务记录", "未按期召开的支部会议"):
        expect(panel.get_by_role("link", name=name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(artifacts / "admin-home-panel-1366.png"), full_page=True)

    page.get_by_role("link", name="工作报表").click()
    page.get_by_role("link", name="返回管理后台").click()
    expect(page.locator("#waiting-for-you")).to_be_visible()

    panel.get_by_role("link", name="待审核的预约").click()
    page.get_by_role("link", name=booking.reference).click()
    decisions = page.locator("#booking-decisions")
    expect(decisions.get_by_role("button")).to_have_text(["批准", "拒绝（需填写理由）"])
    page.screenshot(path=str(artifacts / "booking-page-pending-1366.png"), full_page=True)

    decisions.get_by_role("button", name="批准").click()
    expect(page.locator(".messagelist")).to_contain_text("已批准 1 条预约。")
    expect(page.locator(".field-status .readonly")).to_have_text("已确认")
    expect(page.locator("#booking-decisions").get_by_role("button")).to_have_text(["拒绝（需填写理由）"])
    assert page.url.endswith(f"/admin/venues/booking/{booking.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(artifacts / "booking-page-approved-1366.png"), full_page=True)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#waiting-bookings td")).to_have_text("0")
