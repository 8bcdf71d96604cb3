"""Home visits and the due list in a real browser at 1366 px: a routine visit recorded in at most 5 clicks from
the admin index (the recipient fills in the rest), the same visit twice asks first, and the printed due list
(a PDF from Chromium) keeps 17 recipients one per line on one A4 page, with address and, for the community's
own staff, the phone."""

import datetime
import re
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Courtyard, Grid, Person
from registers.roles import COMMUNITY_STAFF, SUBDISTRICT_STAFF
from tests.conftest import make_staff
from tests.volunteers.conftest import add_visit, make_recipient
from volunteers.models import CareCategory, HomeVisit, Membership, Service, ServiceRecord, VolunteerTeam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def _fixed_lists(db):
    CareCategory.ensure_all()
    Service.ensure_all()


@pytest.fixture
def arranged(community):
    """陈秀兰, visited by her team's 王建军 for cleaning and a health check, 40 minutes last time."""
    team = VolunteerTeam.objects.create(name="环西社区党员志愿服务队", community=community)
    volunteer = Person.objects.create(name="王建军", community=community, phone="13900001111")
    Membership.objects.create(team=team, person=volunteer)
    recipient = make_recipient(community, "陈秀兰", team=team)
    recipient.assigned_volunteers.set([volunteer])
    recipient.usual_services.set(Service.objects.filter(code__in=["cleaning", "health_check"]))
    add_visit(recipient, team, [volunteer], timezone.localdate() - datetime.timedelta(days=20), minutes=40)
    # A namesake elsewhere in the register, so the picker must tell them apart.
    make_recipient(community, "陈秀英", phone="13700002222")
    return recipient, team, volunteer


def sign_in(page, url, username):
    page.goto(f"{url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("input[type=submit]").click()
    expect(page.locator("#content h1, #site-name").first).to_be_visible()


class Clicks:
    """Every click the test makes on the way, counted."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def record_routine_visit(page, click):
    click(page.locator("a.addlink[href$='/admin/volunteers/homevisit/add/']"))
    click(page.locator("#id_recipient + .select2 .select2-selection"))
    page.keyboard.type("陈秀兰")
    click(page.locator(".select2-results__option", has_text="陈秀兰（环西社区"))


def test_a_routine_visit_takes_at_most_five_clicks_from_the_admin_index(
    live_server, browser, community, arranged, artifacts
):
    Group.objects.get_or_create(name=COMMUNITY_STAFF)
    make_staff("huanxi-visits", community, COMMUNITY_STAFF)
    recipient, team, volunteer = arranged
    page = browser.new_context(viewport=WIDE, locale="zh-CN").new_page()
    sign_in(page, live_server.url, "huanxi-visits")
    assert page.url.endswith("/admin/")
    click = Clicks()

    record_routine_visit(page, click)
    # Filled in from the recipient's arrangements: team, volunteer, usual services, last visit's length, today.
    expect(page.locator("#select2-id_team-container")).to_contain_text("环西社区党员志愿服务队")
    expect(page.locator("#id_volunteers + .select2")).to_contain_text("王建军（环西社区，尾号1111）")
    expect(page.locator("input[name=services]:checked")).to_have_count(2)
    expect(page.locator("#id_minutes")).to_have_value("40")
    expect(page.locator("#id_visited_on")).to_have_value(timezone.localdate().strftime("%Y/%m/%d"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(artifacts / "home-visit-filled-1366.png"), full_page=True)
    click(page.locator("input[name=_save]"))

    expect(page.locator(".messagelist .success")).to_be_visible()
    page.screenshot(path=str(artifacts / "home-visit-saved-1366.png"), full_page=True)
    assert click.count <= 5
    visit = HomeVisit.objects.latest("pk")
    assert (visit.recipient, visit.team, visit.minutes, visit.visited_on) == (
        recipient,
        team,
        40,
        timezone.localdate(),
    )
    assert list(visit.volunteers.all()) == [volunteer]
    assert set(visit.services.values_list("code", flat=True)) == {"cleaning", "health_check"}
    assert ServiceRecord.objects.filter(home_visit=visit, volunteer=volunteer).exists()

    # The same visit entered again asks before saving it.
    page.goto(f"{live_server.url}/admin/")
    record_routine_visit(page, Clicks())
    expect(page.locator("#select2-id_team-container")).to_contain_text("环西社区党员志愿服务队")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist")).to_contain_text("已在")
    expect(page.locator("input[type=checkbox][name=save_anyway]")).to_be_visible()
    page.screenshot(path=str(artifacts / "home-visit-twice-1366.png"), full_page=True)
    assert HomeVisit.objects.filter(recipient=recipient, visited_on=timezone.localdate()).count() == 1
    page.locator("input[type=checkbox][name=save_anyway]").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert HomeVisit.objects.filter(recipient=recipient, visited_on=timezone.localdate()).count() == 2


@pytest.fixture
def seventeen_due(community):
    grid = Grid.objects.create(community=community, name="第一网格")
    courtyards = [
        Courtyard.objects.create(grid=grid, name=name) for name in ("金谷园小区", "西关新村", "环城西路8号院")
    ]
    team = VolunteerTeam.objects.create(name="环西社区党员志愿服务队", community=community)
    helpers = [Person.objects.create(name=name, community=community) for name in ("王建军", "李建华")]
    for person in helpers:
        Membership.objects.create(team=team, person=person)
    names = "欧阳秀兰 陈桂芝 司马玉珍 王淑英 上官桂兰 李凤英 诸葛秀珍 张玉兰 东方淑珍 刘桂英 慕容秀英 赵桂珍 孙玉梅 周秀云 吴桂香 郑淑兰 冯秀芝"
    recipients = []
    for i, name in enumerate(names.split()):
        recipient = make_recipient(
            community, name, phone=f"1380000{i:04d}", team=team,
            courtyard=courtyards[i % 3], building=str(1 + i % 12), entrance=str(1 + i % 3), room=f"{i % 6 + 1}0{i % 4 + 1}",
            usual_day=1 + i % 28,
        )  # fmt: skip
        recipient.assigned_volunteers.set(helpers)
        recipient.usual_services.set(
            Service.objects.filter(code__in=["cleaning", "health_check", "medicine"])
        )
        recipients.append(recipient)
    return recipients


def pdf_pages_and_text(pdf_path):
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True).stdout
    return pages, text


@pytest.mark.parametrize(
    ("who", "group", "phone_shown"),
    [("community", COMMUNITY_STAFF, True), ("subdistrict", SUBDISTRICT_STAFF, False)],
)
def test_the_printed_due_list_keeps_17_recipients_one_per_line_on_one_page(
    live_server, browser, community, seventeen_due, artifacts, who, group, phone_shown
):
    Group.objects.get_or_create(name=group)
    unit = community if who == "community" else community.subdistrict
    make_staff(f"due-{who}", unit, group)
    page = browser.new_context(viewport=WIDE, locale="zh-CN").new_page()
    sign_in(page, live_server.url, f"due-{who}")
    month = timezone.localdate().strftime("%Y-%m")
    page.goto(f"{live_server.url}/volunteers/due/?unit=community:{community.pk}&month={month}")
    expect(page.locator(".vol-due tbody tr")).to_have_count(17)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(artifacts / f"due-list-{who}-1366.png"), full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 718})  # A4 landscape less the 10 mm margins, at 96 dpi
    heights = page.eval_on_selector_all(
        ".vol-due tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    line = page.eval_on_selector(
        ".vol-due tbody td", "td => parseFloat(getComputedStyle(td).lineHeight) || 16"
    )
    assert max(heights) < 2 * line, f"a row wraps: heights {heights}, line {line}"
    assert page.evaluate("document.querySelector('.vol-due').getBoundingClientRect().right") <= 1047

    pdf = artifacts / f"due-list-{who}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
    pages, text = pdf_pages_and_text(pdf)
    assert pages == 1
    assert "金谷园小区 1号楼 1单元 101室" in text
    assert ("13800000000" in text) is phone_shown
    assert "138****0000" in text or phone_shown
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(artifacts / f"due-list-{who}-pdf")],
        check=True,
    )


def test_from_the_due_list_a_visit_is_two_clicks_and_a_phone_one(
    live_server, browser, community, arranged, artifacts
):
    Group.objects.get_or_create(name=COMMUNITY_STAFF)
    make_staff("huanxi-due", community, COMMUNITY_STAFF)
    recipient, team, volunteer = arranged
    page = browser.new_context(viewport=WIDE, locale="zh-CN").new_page()
    sign_in(page, live_server.url, "huanxi-due")

    # The masked phone on the recipients' list, shown in place with one click (and logged).
    page.goto(f"{live_server.url}/admin/volunteers/carerecipient/")
    row = page.locator("tr", has_text="陈秀兰")
    expect(row).to_contain_text("138****1234")
    page.screenshot(path=str(artifacts / "recipients-phone-masked-1366.png"))
    row.get_by_role("button", name="显示完整号码").click()
    expect(row.get_by_role("link", name="13812341234")).to_have_attribute("href", "tel:13812341234")
    assert page.url.endswith("/admin/volunteers/carerecipient/")  # no page change with JavaScript
    page.screenshot(path=str(artifacts / "recipients-phone-shown-1366.png"), full_page=True)
    from audit.models import AccessLog

    assert AccessLog.objects.filter(object_id=str(recipient.pk), fields="phone").count() == 1

    click = Clicks()
    page.goto(
        f"{live_server.url}/volunteers/due/?unit=community:{community.pk}&month={timezone.localdate():%Y-%m}"
    )
    click(page.locator("tr", has_text="陈秀兰").get_by_role("link", name="登记上门"))
    expect(page.locator("#select2-id_team-container")).to_contain_text("环西社区党员志愿服务队")
    expect(page.locator("#id_volunteers + .select2")).to_contain_text("王建军")
    expect(page.locator("#id_minutes")).to_have_value("40")
    click(page.locator("input[name=_save]"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert click.count == 2
    assert HomeVisit.objects.filter(recipient=recipient, visited_on=timezone.localdate(), team=team).exists()


def test_without_javascript_the_button_answers_the_number_on_a_page_of_its_own(
    live_server, browser, community, arranged, artifacts
):
    Group.objects.get_or_create(name=COMMUNITY_STAFF)
    make_staff("huanxi-nojs", community, COMMUNITY_STAFF)
    page = browser.new_context(viewport=WIDE, locale="zh-CN", java_script_enabled=False).new_page()
    sign_in(page, live_server.url, "huanxi-nojs")
    page.goto(f"{live_server.url}/admin/volunteers/carerecipient/{arranged[0].pk}/change/")
    page.get_by_role("button", name="显示完整号码").click()
    expect(page.get_by_role("link", name="13812341234")).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-shown-without-js-1366.png"))
    page.get_by_role("link", name="返回").click()
    assert page.url.endswith(f"/admin/volunteers/carerecipient/{arranged[0].pk}/change/")
