"""The service records' downloads as an office files them: named for the unit and the period in Chinese,
sheets named 服务队 and 志愿者, printed landscape one page wide with the headers and names on every page."""

import datetime
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from .conftest import add_visit, sign_in

URL = reverse("volunteers:service_records")


@pytest.fixture
def visits(recipient, team, volunteer):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6), minutes=90)


def disposition(name):
    return f"attachment; filename*=utf-8''{quote(name)}"


def test_the_workbook_is_named_for_the_unit_and_the_period(client, staff, community, visits):
    sign_in(client, staff)
    unit = f"community:{community.pk}"
    year = client.get(URL, {"unit": unit, "start": "2018-01-01", "end": "2018-12-31", "format": "xlsx"})
    assert year["Content-Disposition"] == disposition("环西社区_2018年_志愿服务记录.xlsx")
    quarter = client.get(URL, {"unit": unit, "start": "2018-01-01", "end": "2018-03-31", "format": "csv"})
    assert quarter["Content-Disposition"] == disposition("环西社区_2018年第1季度_志愿服务记录_志愿者.csv")
    teams = client.get(
        URL, {"unit": unit, "start": "2018-02-01", "end": "2018-02-28", "format": "csv", "table": "teams"}
    )
    assert teams["Content-Disposition"] == disposition("环西社区_2018年2月_志愿服务记录_服务队.csv")


def test_the_sheets_are_named_in_chinese_and_print_one_page_wide(client, staff, community, visits):
    sign_in(client, staff)
    response = client.get(
        URL,
        {"unit": f"community:{community.pk}", "start": "2018-01-01", "end": "2018-12-31", "format": "xlsx"},
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["服务队", "志愿者"]
    assert book["志愿者"]["A2"].value == "王建军"
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1
        assert sheet.print_title_rows == "$1:$1"


def test_another_units_records_are_not_found(client, outsider, community, visits):
    sign_in(client, outsider)
    response = client.get(
        URL,
        {"unit": f"community:{community.pk}", "start": "2018-01-01", "end": "2018-12-31", "format": "xlsx"},
    )
    assert response.status_code == 404
