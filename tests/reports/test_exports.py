"""XLSX and CSV downloads of the dashboard: one sheet per table, titles, headers, numbers as numbers."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from activities.models import Activity, ActivityType

from .conftest import PERIOD, at

URL = reverse("reports:dashboard")


def download(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {**PERIOD, **params})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def workbook(body):
    return openpyxl.load_workbook(io.BytesIO(body), read_only=True)


def sheet_rows(book, title):
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def test_xlsx_has_one_sheet_per_table_with_title_and_headers(client, subdistrict_staff, records):
    response, body = download(client, subdistrict_staff, format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = workbook(body)
    assert book.sheetnames[:3] == ["总数", "按下级单位", "按月"]
    assert len(book.sheetnames) == 12 and "下级单位排名" in book.sheetnames
    assert "活动（按党建品牌和项目）" in book.sheetnames
    rows = sheet_rows(book, "总数")
    assert rows[0][0] == "西关办事处 · 2017-01-01 – 2017-12-31 · 总数"
    assert rows[1][:2] == ["指标", "数值"]
    values = {row[0]: row[1] for row in rows[2:]}
    assert values["活动（场次）"] == 5
    assert isinstance(values["活动（场次）"], int)
    assert values["参与人次"] == 50
    assert values["上门服务（服务人次）"] == 5
    assert values["志愿服务时长（小时）"] == 5.0


def test_xlsx_headers_follow_the_users_language(client, subdistrict_staff, records):
    client.cookies["django_language"] = "en"
    _response, body = download(client, subdistrict_staff, format="xlsx", table="months")
    book = workbook(body)
    assert book.sheetnames == ["by month"]
    rows = sheet_rows(book, "by month")
    january = dict(zip(rows[1], rows[2], strict=True))
    assert rows[1][0] == "month" and january["month"] == "2017-01"
    assert (january["activities"], january["participants (person-times)"]) == (2, 20)


def test_csv_of_one_table(client, subdistrict_staff, records, community):
    response, body = download(client, subdistrict_staff, format="csv", table="breakdown")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0].startswith("西关办事处 · 2017-01-01 – 2017-12-31")
    assert rows[1][0] == "社区"
    by_name = {row[0]: row for row in rows[2:]}
    assert set(by_name) == {"环西社区", "金业路社区"}


@pytest.mark.parametrize(
    "params",
    [{"format": "csv"}, {"format": "csv", "table": "nope"}, {"format": "xlsx", "table": "nope"}],
)
def test_csv_needs_a_known_table(client, subdistrict_staff, records, params):
    response, body = download(client, subdistrict_staff, **params)
    assert response.status_code == 400
    assert b'id="report-errors"' in body


def test_activity_rows_export_in_xlsx_and_csv(client, subdistrict_staff, records, community):
    Activity.objects.create(
        title='=HYPERLINK("http://x")',
        type=ActivityType.objects.get(kind=ActivityType.Kind.OTHER, subdistrict=None),
        community=community,
        party_organization=records["home"]["org"],
        start=at(2017, 6, 1, 14),
        end=at(2017, 6, 1, 16),
        participants=7,
    )
    response, body = download(client, subdistrict_staff, format="xlsx", table="activities")
    assert response.status_code == 200
    assert response.streaming  # written to a temporary file, then streamed from it
    rows = sheet_rows(workbook(body), "活动台账")
    assert rows[0][0] == "西关办事处 · 2017-01-01 – 2017-12-31 · 活动台账"
    assert rows[1][0] == "开始时间"
    assert len(rows) == 2 + 6  # 5 of the fixtures + the one above; none of 上海市场社区
    formula_row = next(row for row in rows[2:] if row[1] and row[1].startswith("=HYPERLINK"))
    assert formula_row[6] == 7
    assert formula_row[0].hour == 14  # local wall-clock time
    response, body = download(client, subdistrict_staff, format="csv", table="activities")
    assert response.streaming  # row by row from a server-side cursor
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2 + 6
    assert any(row[1] == '\'=HYPERLINK("http://x")' for row in rows[2:])  # escaped for spreadsheets


def test_exports_are_scoped_like_the_page(client, staff, records, other_community):
    response, body = download(
        client, staff, format="xlsx", table="activities", unit=f"community:{other_community.pk}"
    )
    assert response.status_code == 400
    response, body = download(client, staff, format="xlsx", table="activities")
    rows = sheet_rows(workbook(body), "活动台账")
    assert {row[3] for row in rows[2:]} == {"环西社区"}


def test_a_unit_name_that_looks_like_a_formula_is_escaped_in_csv(client, subdistrict, records):
    from communities.models import Community
    from registers.roles import COMMUNITY_STAFF
    from tests.conftest import make_staff

    evil = Community.objects.create(subdistrict=subdistrict, name="=1+1社区")
    user = make_staff("evil-staff", evil, COMMUNITY_STAFF)
    response, body = download(client, user, format="csv", table="totals")
    first = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert first[0].startswith("'=1+1社区")
