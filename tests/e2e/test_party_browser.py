"""The wish wall on a 375 px phone, claimed with a phone code; a photo attached to a branch meeting in the admin
is stored without its GPS position — in a real browser."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from communities.models import PartyOrganization, Person
from messaging.models import Message
from party.models import BranchMeeting, Wish
from registers.models import Attachment
from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_the_wish_wall_at_375_px_and_a_claim(live_server, browser, community, artifacts):
    wish = Wish.objects.create(
        community=community, title="一台助行器", story="腿脚不便，想自己下楼走走", estimated_value=300,
        resident_name="陈秀兰", resident_phone="13700005678", consented=True,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    member = Person.objects.create(
        name="刘建国", community=community, is_party_member=True, phone="13900001234"
    )
    page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    page.goto(live_server.url + "/wishes/")
    expect(page.get_by_role("heading", name="微心愿")).to_be_visible()
    expect(page.get_by_text("陈*兰")).to_be_visible()
    assert "陈秀兰" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(artifacts / "wish-wall-375.png"), full_page=True)
    page.get_by_role("link", name="一台助行器").click()
    page.locator("#id_phone").fill("139 0000 1234")
    page.get_by_role("button", name="发送验证码").click()
    page.locator("#id_code").fill(Message.objects.get(kind="wish_code").params["code"])
    page.get_by_role("button", name="认领").click()
    expect(page.get_by_text("感谢您认领这个心愿")).to_be_visible()
    page.screenshot(path=str(artifacts / "wish-claimed-375.png"), full_page=True)
    wish.refresh_from_db()
    assert wish.claimed_by == member


def test_a_photo_attached_in_the_admin_has_no_gps_position(
    live_server, browser, community, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    Group.objects.get_or_create(name=COMMUNITY_STAFF)
    make_staff("huanxi-browser", community, COMMUNITY_STAFF)
    branch = PartyOrganization.objects.create(
        name="环西社区第一党支部", kind="branch", subdistrict=community.subdistrict, community=community
    )
    meeting = BranchMeeting.objects.create(
        branch=branch, kind="themed_day", held_on=datetime.date(2018, 3, 5), topic="学习党章"
    )
    photo = tmp_path / "IMG_2018.jpg"
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (34.0, 37.0, 12.0), 3: "E", 4: (112.0, 27.0, 5.0)}
    Image.new("RGB", (1200, 900), (30, 90, 160)).save(photo, format="JPEG", exif=exif)
    assert Image.open(photo).getexif().get_ifd(0x8825)

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/party/branchmeeting/{meeting.pk}/change/")
    page.locator("#id_username").fill("huanxi-browser")
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("input[type=submit]").click()
    page.set_input_files("input[name='registers-attachment-content_type-object_id-0-file']", str(photo))
    page.locator("input[name='registers-attachment-content_type-object_id-0-caption']").fill("主题党日现场")
    page.locator("input[name=_continue]").click()
    expect(page.locator("img[alt='主题党日现场']")).to_be_visible()
    assert f"attachments/{timezone.now():%Y}/" not in page.content()  # no link to the stored file
    page.screenshot(path=str(artifacts / "meeting-photo-attached.png"), full_page=True)
    attachment = Attachment.objects.get()
    stored = Image.open(io.BytesIO(attachment.file.read()))
    assert stored.size == (1200, 900) and not stored.getexif().get_ifd(0x8825) and not stored.getexif()
