"""The reports dashboard in a real browser: charts drawn by the project's own ECharts under the
Content-Security-Policy, the bulletin copied with the button, the print layout; screenshots saved."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from activities.models import ActivityType
from registers.roles import SUBDISTRICT_STAFF
from tests.conftest import make_staff
from tests.reports.conftest import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def office(subdistrict, community, other_community):
    # A transactional test starts from empty tables: the shared activity types and the group again.
    for kind, name in (("lecture", "讲堂讲习"), ("volunteer_service", "志愿服务"), ("other", "其他活动")):
        ActivityType.objects.get_or_create(kind=kind, subdistrict=None, defaults={"name": name})
    Group.objects.get_or_create(name=SUBDISTRICT_STAFF)
    fill(community, 12)
    fill(other_community, 7)
    return make_staff("xiguan-browser", subdistrict, SUBDISTRICT_STAFF)


def test_dashboard_charts_bulletin_and_print(live_server, browser, office, artifacts):
    context = browser.new_context(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "favicon" not in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    failed = []
    page.on(
        "response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )

    page.goto(f"{live_server.url}/reports/?start=2017-01-01&end=2017-12-31")
    expect(page).to_have_url(
        f"{live_server.url}/admin/login/?next=/reports/%3Fstart%3D2017-01-01%26end%3D2017-12-31"
    )
    page.locator("#id_username").fill("xiguan-browser")
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("input[type=submit]").click()

    expect(page.get_by_role("heading", name="工作报表: 西关办事处")).to_be_visible()
    # ECharts drew both charts as SVG, with the Chinese series names.
    expect(page.locator("#chart-months svg")).to_be_visible()
    expect(page.locator("#chart-subunits svg")).to_be_visible()
    expect(page.locator("#chart-months")).to_contain_text("活动（场次）")
    expect(page.locator("#chart-subunits")).to_contain_text("环西社区")
    # Charts that fit their data: sub-units as bars only (no line joining unrelated units), lines only over
    # the months, and each measure in the same colour in both charts.
    drawn = page.evaluate(
        """() => ["chart-months", "chart-subunits"].map(id =>
             echarts.getInstanceByDom(document.getElementById(id)).getOption().series
               .map(s => [s.name, s.type, s.itemStyle.color]))"""
    )
    months, subunits = ({name: (kind, colour) for name, kind, colour in chart} for chart in drawn)
    assert {kind for kind, _colour in subunits.values()} == {"bar"}
    assert {name: colour for name, (_kind, colour) in subunits.items()} == {
        name: colour for name, (_kind, colour) in months.items()
    }
    assert len({colour for _kind, colour in months.values()}) == len(months)
    expect(page.locator('table[data-table="totals"] tr[data-row="activities"] td.num')).to_have_text("19")

    page.locator("#copy-bulletin").click()
    expect(page.locator("#copy-status")).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("2017年1月1日至2017年12月31日，西关办事处共组建党员志愿服务队2支")
    page.screenshot(path=str(artifacts / "reports-dashboard.png"), full_page=True)
    page.screenshot(path=str(artifacts / "reports-dashboard-top.png"))

    page.emulate_media(media="print")
    expect(page.locator(".report-filters")).to_be_hidden()
    expect(page.locator("#chart-months svg")).to_be_visible()
    page.screenshot(path=str(artifacts / "reports-dashboard-print.png"), full_page=True)
    page.screenshot(path=str(artifacts / "reports-dashboard-print-top.png"))
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    # A quarter from the period forms: 环西 has one activity a month, 金业路 one a month until July.
    page.emulate_media(media="screen")
    page.locator('input[name="quarter"]').fill("2017-Q1")
    page.locator('input[name="quarter"]').press("Enter")
    expect(page.locator("#report-period")).to_contain_text("2017-01-01 至 2017-03-31")
    expect(page.locator('table[data-table="totals"] tr[data-row="activities"] td.num')).to_have_text("6")
    assert not failed, failed
    assert not [p for p in problems if "Failed to load resource" not in p], problems
    context.close()
