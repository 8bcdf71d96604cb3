"""Every figure of DESIGN.md's article table, after ``manage.py load_demo``, on the dashboard page AND in its
XLSX export (read back with openpyxl), for the unit and the period the article speaks of.

Periods: 西关 "从2016年至今" → 2016-01-01 … 2018-12-31; 涧西 "今年" → 2018, except the bases' visiting
batches ("先后有210余批", 2017–2018); 宜阳's lecture halls work since the 19th Congress → 2017–2018.
The committee's share with junior college or above is computed from the counts: 355 / 584 = 60.8 %
(the article prints 60.6 %, which no whole numbers near 355 / 584 give; see communities/demo.py).
"""

import datetime
import html
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from communities import demo as units
from registers.roles import SUPERVISORS
from tests.conftest import make_staff

URL = reverse("reports:dashboard")
XIGUAN_PERIOD = ("2016-01-01", "2018-12-31")
JIANXI_PERIOD = ("2018-01-01", "2018-12-31")
TWO_YEARS = ("2017-01-01", "2018-12-31")

# (unit name, level, period, table, row key, column header key, expected)
FIGURES = [
    # 西关办事处: 2.69 km², 38,000 residents, 6 communities, 16 grids, 88 courtyards
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "area_km2", "value", 2.69),
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "population", "value", 38000),
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "communities", "value", 6),
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "grids", "value", 16),
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "courtyards", "value", 88),
    # 47 Party-member volunteer teams; 319 Party members made 1,880 home-visit person-times (2016–2018)
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "party_member_teams", "value", 47),
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "party_member_volunteers", "value", 319),
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "totals", "visits", "value", 1880),
    # 7 Party-building reading rooms
    ("西关办事处", "subdistrict", XIGUAN_PERIOD, "venue_kinds", "reading_room", "venues", 7),
    # 学雷锋志愿服务社区文化广场 (金业路社区): 115 activities
    ("金业路社区", "community", XIGUAN_PERIOD, "venues", "学雷锋志愿服务社区文化广场", "activities", 115),
    # 龙城嘉园社区: the five colour teams
    ("龙城嘉园社区", "community", XIGUAN_PERIOD, "totals", "party_member_teams", "value", 5),
    (
        "龙城嘉园社区",
        "community",
        XIGUAN_PERIOD,
        "teams",
        "绿丝带环保志愿服务队",
        "team",
        "绿丝带环保志愿服务队",
    ),
    (
        "龙城嘉园社区",
        "community",
        XIGUAN_PERIOD,
        "teams",
        "蓝盾牌律师志愿服务队",
        "team",
        "蓝盾牌律师志愿服务队",
    ),
    (
        "龙城嘉园社区",
        "community",
        XIGUAN_PERIOD,
        "teams",
        "夕阳红文艺志愿服务队",
        "team",
        "夕阳红文艺志愿服务队",
    ),
    (
        "龙城嘉园社区",
        "community",
        XIGUAN_PERIOD,
        "teams",
        "墨友缘书画志愿服务队",
        "team",
        "墨友缘书画志愿服务队",
    ),
    (
        "龙城嘉园社区",
        "community",
        XIGUAN_PERIOD,
        "teams",
        "致青春公益志愿服务队",
        "team",
        "致青春公益志愿服务队",
    ),
    # 唐宫东路社区 五心工程: 150 activities, 3,000 participant person-times
    ("唐宫东路社区", "community", XIGUAN_PERIOD, "programmes", "五心工程", "activities", 150),
    ("唐宫东路社区", "community", XIGUAN_PERIOD, "programmes", "五心工程", "participants", 3000),
    # 家风家训馆 (环西社区, 2F, 40 m², opened 2018-01, 3 sections): 20 large receptions, 500 visitors
    ("环西社区", "community", XIGUAN_PERIOD, "venues", "家风家训馆", "floor", "2F"),
    ("环西社区", "community", XIGUAN_PERIOD, "venues", "家风家训馆", "area_m2", 40),
    ("环西社区", "community", XIGUAN_PERIOD, "venues", "家风家训馆", "opened_on", "2018-01"),
    ("环西社区", "community", XIGUAN_PERIOD, "venues", "家风家训馆", "sections", 3),
    ("环西社区", "community", XIGUAN_PERIOD, "venues", "家风家训馆", "receptions", 20),
    ("环西社区", "community", XIGUAN_PERIOD, "venues", "家风家训馆", "visitors", 500),
    # 涧西区: 11 subdistricts, 71 communities (54 urban, 17 village-converted)
    ("涧西区", "district", JIANXI_PERIOD, "totals", "subdistricts", "value", 11),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "communities", "value", 71),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "urban_communities", "value", 54),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "village_converted_communities", "value", 17),
    # community Party organisations: 54 Party committees, 10 general branches, 7 branches; 292; 399
    ("涧西区", "district", JIANXI_PERIOD, "party_organizations", "party_committee", "in_communities", 54),
    ("涧西区", "district", JIANXI_PERIOD, "party_organizations", "general_branch", "in_communities", 10),
    ("涧西区", "district", JIANXI_PERIOD, "party_organizations", "branch", "in_communities", 7),
    ("涧西区", "district", JIANXI_PERIOD, "party_organizations", "area_branch", "in_communities", 292),
    ("涧西区", "district", JIANXI_PERIOD, "party_organizations", "building_group", "in_communities", 399),
    # 338 co-building Party organisations; 48 social organisations in service centres
    ("涧西区", "district", JIANXI_PERIOD, "totals", "co_building", "value", 338),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "social_in_centres", "value", 48),
    # 365 volunteer teams, 2,300 service activities
    ("涧西区", "district", JIANXI_PERIOD, "totals", "teams", "value", 365),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "volunteer_service_activities", "value", 2300),
    # 16 open organisational-life bases, 25 volunteer lecturers, 210 visiting batches with 4,400 Party members
    ("涧西区", "district", JIANXI_PERIOD, "venue_kinds", "organisational_life_base", "venues", 16),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "volunteer_docents", "value", 25),
    ("涧西区", "district", TWO_YEARS, "venue_kinds", "organisational_life_base", "receptions", 210),
    ("涧西区", "district", TWO_YEARS, "venue_kinds", "organisational_life_base", "visitors", 4400),
    # 三新讲习所: 165 lecture halls, 1,024 lecturers, 840 sessions, 20,500 participants
    ("涧西区", "district", JIANXI_PERIOD, "totals", "lecture_halls", "value", 165),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "lecturers", "value", 1024),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "lecture_sessions", "value", 840),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "lecture_participants", "value", 20500),
    # 两委 2018: 584 members by role; average age 43; 355 (60.8 %, the article's 60.6 %) college or above
    ("涧西区", "district", JIANXI_PERIOD, "totals", "committee_members", "value", 584),
    ("涧西区", "district", JIANXI_PERIOD, "committee", "secretary", "members", 71),
    ("涧西区", "district", JIANXI_PERIOD, "committee", "deputy_secretary", "members", 79),
    ("涧西区", "district", JIANXI_PERIOD, "committee", "party_committee_member", "members", 194),
    ("涧西区", "district", JIANXI_PERIOD, "committee", "director", "members", 71),
    ("涧西区", "district", JIANXI_PERIOD, "committee", "deputy_director", "members", 89),
    ("涧西区", "district", JIANXI_PERIOD, "committee", "residents_committee_member", "members", 190),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "committee_average_age", "value", 43.0),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "committee_college", "value", 355),
    ("涧西区", "district", JIANXI_PERIOD, "totals", "committee_college_share", "value", 60.8),
    # 武汉路社区 三社联动: 6 social organisations, 3 social workers, 50 activities
    ("武汉路社区", "community", JIANXI_PERIOD, "totals", "social_organizations", "value", 6),
    ("武汉路社区", "community", JIANXI_PERIOD, "totals", "social_workers", "value", 3),
    ("武汉路社区", "community", JIANXI_PERIOD, "totals", "partner_activities", "value", 50),
    ("武汉路社区", "community", JIANXI_PERIOD, "programmes", "三社联动", "activities", 50),
    # 宜阳县: 16 township cultural stations, 353 village cultural service centres, 8 cultural squares
    ("宜阳县", "district", TWO_YEARS, "venue_kinds", "township_cultural_station", "venues", 16),
    ("宜阳县", "district", TWO_YEARS, "venue_kinds", "village_cultural_centre", "venues", 353),
    ("宜阳县", "district", TWO_YEARS, "venue_kinds", "cultural_square", "venues", 8),
    # 宜阳县 讲习所: 353 lecture halls, 433 lecturers, 433 sessions, 17,239 participants
    ("宜阳县", "district", TWO_YEARS, "totals", "lecture_halls", "value", 353),
    ("宜阳县", "district", TWO_YEARS, "totals", "lecturers", "value", 433),
    ("宜阳县", "district", TWO_YEARS, "totals", "lecture_sessions", "value", 433),
    ("宜阳县", "district", TWO_YEARS, "totals", "lecture_participants", "value", 17239),
]

DISTRICT_OF = {"老城区": "老城区", "西关办事处": "老城区", "金业路社区": "老城区", "龙城嘉园社区": "老城区",
               "唐宫东路社区": "老城区", "环西社区": "老城区", "涧西区": "涧西区", "武汉路社区": "涧西区", "宜阳县": "宜阳县"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        supervisors = {
            name: make_staff(f"supervisor-{i}", units.district(name), SUPERVISORS)
            for i, name in enumerate(("老城区", "涧西区", "宜阳县"))
        }
        yield {"supervisors": supervisors, "pages": {}, "books": {}}
        transaction.set_rollback(True)


def _unit_key(name, level):
    if level == "district":
        return f"district:{units.district(name).pk}"
    if level == "subdistrict":
        return f"subdistrict:{units.subdistrict(name).pk}"
    return f"community:{units.community(name).pk}"


def _fetch(client, demo, name, level, period):
    key = (name, level, period)
    if key not in demo["pages"]:
        client.force_login(demo["supervisors"][DISTRICT_OF[name]])
        params = {"unit": _unit_key(name, level), "start": period[0], "end": period[1]}
        page = client.get(URL, params)
        assert page.status_code == 200, page.content.decode()[:2000]
        book = client.get(URL, {**params, "format": "xlsx"})
        assert book.status_code == 200
        demo["pages"][key] = page.content.decode()
        demo["books"][key] = openpyxl.load_workbook(
            io.BytesIO(b"".join(book.streaming_content)), read_only=True
        )
    return demo["pages"][key], demo["books"][key]


def _text(cell_html):
    return html.unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


def _page_table(content, table):
    """(table's position among the page's tables, headers, {row key: [cell values]})."""
    names = re.findall(r'<section class="report-table" id="table-([^"]+)">', content)
    body = re.search(rf'<table data-table="{table}">(.*?)</table>', content, re.S)[1]
    headers = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", body, re.S)]
    rows = {}
    for index, (key, row) in enumerate(re.findall(r'<tr data-row="([^"]*)">(.*?)</tr>', body, re.S)):
        cells = []
        for attrs, inner in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S):
            number = re.search(r'data-value="([^"]*)"', attrs)
            cells.append(number[1] if number else _text(inner))
        rows[html.unescape(key)] = (index, cells)
    return names.index(table), headers, rows


@pytest.mark.parametrize(
    ("name", "level", "period", "table", "row", "column", "expected"),
    FIGURES,
    ids=[f"{f[0]}-{f[3]}-{f[4]}-{f[5]}" for f in FIGURES],
)
def test_article_figure_on_the_page_and_in_the_xlsx(
    db, client, demo, name, level, period, table, row, column, expected
):
    content, book = _fetch(client, demo, name, level, period)
    position, headers, rows = _page_table(content, table)
    assert row in rows, f"{table} has no row {row}: {sorted(rows)[:20]}"
    index, cells = rows[row]
    sheet = book.worksheets[position]
    sheet_rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    # Title row: the unit and the period; then the headers as on the page.
    assert sheet_rows[0][0].startswith(f"{name} · {period[0]} – {period[1]}")
    assert [h for h in sheet_rows[1] if h is not None] == headers
    col = COLUMNS[table].index(column)
    page_value, sheet_value = cells[col], sheet_rows[2 + index][col]
    if isinstance(expected, str) and isinstance(sheet_value, datetime.datetime):
        assert page_value == expected  # a month on the page, a date cell formatted as one in the sheet
        assert sheet_value.strftime("%Y-%m") == expected
        assert sheet.cell(3 + index, col + 1).number_format == "yyyy-mm"
    elif isinstance(expected, str):
        assert page_value == expected
        assert sheet_value == expected
    else:
        assert float(page_value) == pytest.approx(expected)
        assert isinstance(sheet_value, int | float) and sheet_value == pytest.approx(expected)


# Column keys of each table, in order (the page and the sheet share them).
COLUMNS = {
    "totals": ["figure", "value"],
    "venue_kinds": ["kind", "venues", "receptions", "visitors"],
    "venues": ["venue", "kind", "community", "floor", "area_m2", "opened_on", "sections", "activities",
               "participants", "receptions", "visitors"],
    "teams": ["team", "service_area", "community", "founded_on", "party_member_team", "members"],
    "programmes": ["programme", "activities", "participants"],
    "party_organizations": ["kind", "organisations", "in_communities"],
    "committee": ["role", "members"],
}  # fmt: skip


def test_the_bulletin_of_xiguan_reads_like_the_article(db, client, demo):
    content, _book = _fetch(client, demo, "西关办事处", "subdistrict", XIGUAN_PERIOD)
    text = html.unescape(re.search(r'<p id="bulletin-text">(.*?)</p>', content, re.S)[1])
    assert text.startswith(
        "2016年1月1日至2018年12月31日，西关办事处共组建党员志愿服务队47支，319名党员开展上门服务1880人次"
    )


def test_a_districts_area_is_the_sum_of_its_subdistricts_in_hundredths(db, client, demo):
    """Not 2.69000000000000: SQLite sums decimals as floats, and the page, the files and the PDF print it."""
    content, _book = _fetch(client, demo, "老城区", "district", XIGUAN_PERIOD)
    _position, _headers, rows = _page_table(content, "totals")
    assert rows["area_km2"][1][1] == "2.69"
