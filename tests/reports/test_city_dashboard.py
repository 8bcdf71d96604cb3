"""/reports/ for 洛阳市 after ``load_demo`` (#17, item 1): the municipal supervisor's own login sees the three
districts as the rows of the breakdown, and every article figure of a district that the breakdown carries is
in that district's own row, on the page and in the XLSX; a district's supervisor cannot open the city."""

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from communities import demo as units
from registers.units import unit_key
from reports import figures as report_figures
from tests.reports.test_article_figures import FIGURES, _page_table

URL = reverse("reports:dashboard")
DISTRICTS = ("老城区", "涧西区", "宜阳县")
# The article's district figures, as they stand in the city's breakdown (one row per district).
DISTRICT_FIGURES = [f for f in FIGURES if f[1] == "district" and f[3] == "totals"]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        call_command("create_demo_staff", force=True, stdout=io.StringIO())
        yield {"pages": {}}
        transaction.set_rollback(True)


def _sign_in(client, username, password):
    """As a person signs in: the demo's printed login on the admin's form (README's table)."""
    response = client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    assert (response.status_code, response.url) == (302, "/admin/"), username


def _city_page(client, city, period):
    if period not in city["pages"]:
        _sign_in(client, "luoyang-supervisor", "luoyang-demo-2018")
        params = {"unit": unit_key(units.luoyang()), "start": period[0], "end": period[1]}
        page = client.get(URL, params)
        assert page.status_code == 200, page.content.decode()[:2000]
        book = client.get(URL, {**params, "format": "xlsx"})
        assert book.status_code == 200
        assert (
            "洛阳市" in book["Content-Disposition"]
            or "%E6%B4%9B%E9%98%B3%E5%B8%82" in book["Content-Disposition"]
        )
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(book.streaming_content)), read_only=True)
        city["pages"][period] = (page.content.decode(), workbook)
    return city["pages"][period]


def test_the_city_breaks_down_by_its_three_districts(db, client, city):
    content, _book = _city_page(client, city, DISTRICT_FIGURES[0][2])
    _position, headers, rows = _page_table(content, "breakdown")
    assert headers[0] == "区/县"
    assert sorted(rows) == sorted(f"district:{units.district(name).pk}" for name in DISTRICTS)
    assert {cells[0] for _index, cells in rows.values()} == set(DISTRICTS)


@pytest.mark.parametrize(
    ("name", "period", "key", "expected"),
    [(f[0], f[2], f[4], f[6]) for f in DISTRICT_FIGURES],
    ids=[f"{f[0]}-{f[4]}-{f[2][0][:4]}" for f in DISTRICT_FIGURES],
)
def test_every_article_figure_of_a_district_in_its_own_row(db, client, city, name, period, key, expected):
    content, book = _city_page(client, city, period)
    position, _headers, rows = _page_table(content, "breakdown")
    columns = _breakdown_keys(content)
    assert key in columns, f"{key} is not a column of the city's breakdown"
    index, cells = rows[f"district:{units.district(name).pk}"]
    assert cells[0] == name
    assert float(cells[columns.index(key)]) == pytest.approx(expected)
    sheet_rows = [list(r) for r in book.worksheets[position].iter_rows(values_only=True)]
    assert sheet_rows[2 + index][0] == name
    assert sheet_rows[2 + index][columns.index(key)] == pytest.approx(expected)


def _breakdown_keys(content):
    """The breakdown's column keys, from the figures' definitions, checked against the page's headers."""
    keys = ["unit"] + [f.key for f in report_figures.FIGURES if f.per_sub and "city" in f.breakdown_levels]
    _position, headers, _rows = _page_table(content, "breakdown")
    assert len(headers) == len(keys)
    return keys


def test_a_district_supervisor_cannot_open_the_city(db, client, city):
    _sign_in(client, "jianxi-supervisor", "jianxi-demo-2018")
    page = client.get(URL, {"unit": unit_key(units.luoyang())})
    assert page.status_code == 400
    assert "您所在单位（涧西区）内没有编号为" in page.content.decode()
    assert 'data-table="breakdown"' not in page.content.decode()


def test_the_city_ranks_its_districts_and_files_its_report(db, client, city):
    content, _book = _city_page(client, city, ("2018-01-01", "2018-12-31"))
    _position, _headers, rows = _page_table(content, "ranking")
    assert sorted(cells[1] for _index, cells in rows.values()) == sorted(DISTRICTS)
    _sign_in(client, "luoyang-supervisor", "luoyang-demo-2018")  # the page may come from the module's cache
    params = {"unit": unit_key(units.luoyang()), "start": "2018-01-01", "end": "2018-12-31"}
    for kind in ("pdf", "docx"):
        response = client.get(URL, {**params, "format": kind})
        assert response.status_code == 200, kind
        assert f"洛阳市_2018年_工作报表.{kind}" in unquote(response["Content-Disposition"])
