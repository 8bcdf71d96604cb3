"""The home-visit list's team filter in Chromium: a search box (select2, shipped with Django) that asks the
admin's scoped autocomplete as the user types, offers only the account's own teams, and reloads the list
with the chosen team, keeping the date filter and showing the team's name."""

import datetime

import pytest
from playwright.sync_api import expect

from registers.roles import SUBDISTRICT_STAFF
from tests.conftest import make_staff
from tests.volunteers.conftest import add_visit, make_recipient
from volunteers.models import CareCategory, Service, VolunteerTeam

from .test_volunteers_browser import WIDE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2018, 5, 10)


@pytest.fixture
def teams(community, other_community, far_community):
    CareCategory.ensure_all()
    Service.ensure_all()
    made = {}
    for unit, name in (
        (community, "环西社区第一服务队"),
        (other_community, "金业路社区服务队"),
        (far_community, "上海市场社区服务队"),
    ):
        team = VolunteerTeam.objects.create(name=name, community=unit)
        add_visit(make_recipient(unit, f"{name[:2]}老人", phone="", team=team), team, [], DAY)
        made[name] = team
    return made


def test_choosing_a_team_in_the_search_box_filters_the_list(
    live_server, browser, subdistrict, teams, artifacts
):
    make_staff("xiguan-box", subdistrict, SUBDISTRICT_STAFF)
    page = browser.new_page(viewport=WIDE)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server.url, "xiguan-box")
    page.goto(
        f"{live_server.url}/admin/volunteers/homevisit/?visited_on__gte=2018-05-01&visited_on__lte=2018-05-31"
    )
    assert page.locator("#result_list tbody tr").count() == 2  # 环西 and 金业路: the subdistrict's visits
    page.locator("#changelist-filter .autocomplete-filter .select2-selection").first.click()
    page.locator(".select2-search__field").fill("服务队")
    options = page.locator(".select2-results__option")
    expect(options).to_have_count(2)  # the subdistrict's two teams, not 上海市场's
    assert "上海市场" not in " ".join(options.all_inner_texts())
    options.filter(has_text="金业路").click()
    page.wait_for_url("**team__id__exact=*")
    assert "visited_on__gte=2018-05-01" in page.url
    assert page.locator("#result_list tbody tr").count() == 1
    expect(page.locator("#changelist-filter .select2-selection__rendered").first).to_contain_text(
        "金业路社区服务队"
    )
    page.screenshot(path=str(artifacts / "visit-list-team-filter.png"))
    assert errors == []
