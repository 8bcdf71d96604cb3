"""The home-visit list and the activity list at 1366 px, with the names and lengths of a real community's
records: every column shows (nothing cut off at the right) and a name stays on one line."""

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityType, Programme
from communities.models import PartyOrganization, Person
from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff
from tests.volunteers.conftest import add_visit, make_recipient
from volunteers.models import CareCategory, HomeVisit, Membership, Service, VolunteerTeam

from .test_volunteers_browser import WIDE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECIPIENTS = ["陈秀兰", "欧阳桂英", "丁桂珍", "王秀英", "司马淑芬", "刘玉兰", "张桂荣", "李凤英"]
VOLUNTEERS = ["王建军", "刘红梅", "张伟", "赵丽娟"]


@pytest.fixture(autouse=True)
def _fixed_lists(db):
    CareCategory.ensure_all()
    Service.ensure_all()


@pytest.fixture
def visits(community):
    team = VolunteerTeam.objects.create(name="环西社区党员志愿服务队第十二分队", community=community)
    volunteers = [Person.objects.create(name=name, community=community) for name in VOLUNTEERS]
    for person in volunteers:
        Membership.objects.create(team=team, person=person)
    services = list(Service.objects.all()[:4])
    today = timezone.localdate()
    for i, name in enumerate(RECIPIENTS):
        recipient = make_recipient(community, name, phone=f"1370000{i:04d}", team=team)
        visit = add_visit(
            recipient, team, volunteers[: 1 + i % 4], today - datetime.timedelta(days=i), minutes=45
        )
        visit.services.set(services[: 1 + i % 4])
        if i % 3 == 0:
            HomeVisit.objects.filter(pk=visit.pk).update(other_services="帮助联系社区卫生服务站上门测量血压")


@pytest.fixture
def activities(community):
    branch = PartyOrganization.objects.create(
        name="环西社区党总支", kind=PartyOrganization.Kind.GENERAL_BRANCH, subdistrict=community.subdistrict,
        community=community,
    )  # fmt: skip
    programme = Programme.objects.create(
        name="“五心”工程·红色物业", subdistrict=community.subdistrict, community=community
    )
    kinds = list(ActivityType.objects.filter(subdistrict=None)[:4])
    titles = [
        "“我们的节日·端午”包粽子送温暖志愿服务活动",
        "红色观影：学习贯彻党的二十大精神主题党日",
        "家风家训馆讲解员培训",
        "垃圾分类进小区宣传",
    ]
    now = timezone.now()
    for i in range(12):
        start = now - datetime.timedelta(days=3 * i, hours=2)
        Activity.objects.create(
            title=titles[i % 4], type=kinds[i % len(kinds)], community=community, party_organization=branch,
            programme=programme if i % 2 else None, start=start, end=start + datetime.timedelta(hours=2),
            participants=20 + i,
        )  # fmt: skip


def assert_fits(page, name_cell, artifacts, shot):
    page.set_viewport_size(WIDE)
    page.screenshot(path=str(artifacts / shot), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # The last column is inside the window, not cut off: the table scrolls neither the page nor its box.
    overflow = page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " return box.scrollWidth - box.clientWidth; })()"
    )
    assert overflow <= 0
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#result_list thead th')]"
        ".map(th => th.getBoundingClientRect().right))"
    )
    assert right <= 1366
    # A list of names (the visit's volunteers) breaks between names, never inside one.
    broken = page.evaluate(
        "[...document.querySelectorAll('#result_list td .name')]"
        ".filter(name => name.getClientRects().length > 1).map(name => name.innerText)"
    )
    assert broken == []
    # No cell's text runs over into the next one.
    spilled = page.evaluate(
        "[...document.querySelectorAll('#result_list td')]"
        ".filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.innerText)"
    )
    assert spilled == []
    # A name is one line tall: its cell's text is no taller than one line of that cell's font.
    heights = page.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(cell => {
            const range = document.createRange(); range.selectNodeContents(cell);
            return [range.getClientRects().length, cell.innerText];
        })""",
        name_cell,
    )
    assert heights and all(lines == 1 for lines, _text in heights), heights


def test_the_home_visit_list_fits_1366_px(live_server, browser, community, visits, artifacts):
    make_staff("huanxi-lists", community, COMMUNITY_STAFF)
    page = browser.new_page(viewport=WIDE)
    sign_in(page, live_server.url, "huanxi-lists")
    page.goto(f"{live_server.url}/admin/volunteers/homevisit/")
    assert page.locator("#result_list tbody tr").count() == len(RECIPIENTS)
    assert_fits(page, "#result_list td.field-recipient", artifacts, "visit-list-1366.png")
    # A team's long name (16 characters) takes two lines at most.
    lines = page.evaluate(
        "[...document.querySelectorAll('#result_list td.field-team')].map(cell => {"
        " const r = document.createRange(); r.selectNodeContents(cell); return r.getClientRects().length; })"
    )
    assert lines and max(lines) <= 2, lines


def test_the_activity_list_fits_1366_px(live_server, browser, community, activities, artifacts):
    make_staff("huanxi-lists", community, COMMUNITY_STAFF)
    page = browser.new_page(viewport=WIDE)
    sign_in(page, live_server.url, "huanxi-lists")
    page.goto(f"{live_server.url}/admin/activities/activity/")
    assert page.locator("#result_list tbody tr").count() == 12
    assert_fits(
        page,
        "#result_list td.field-community, #result_list td.field-type",
        artifacts,
        "activity-list-1366.png",
    )
