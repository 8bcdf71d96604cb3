"""Every downloaded spreadsheet is written by registers.workbooks: Chinese file names with the unit and the
period, sheet names Excel accepts, date cells, print settings. Here the names themselves and a register's
export from the admin (volunteer teams, whose founding dates were text before)."""

import datetime
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from registers import workbooks
from tests.communities.helpers import EXPORT_CSV, EXPORT_XLSX, login
from volunteers.models import VolunteerTeam
from volunteers.resources import VolunteerTeamResource

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2018, 1, 1), D(2018, 12, 31), "2018年"),
        (D(2016, 1, 1), D(2018, 12, 31), "2016年至2018年"),
        (D(2018, 4, 1), D(2018, 6, 30), "2018年第2季度"),
        (D(2018, 6, 1), D(2018, 6, 30), "2018年6月"),
        (D(2018, 2, 1), D(2018, 2, 28), "2018年2月"),
        (D(2018, 1, 1), D(2018, 6, 30), "2018年1月至2018年6月"),
        (D(2018, 11, 1), D(2019, 2, 28), "2018年11月至2019年2月"),
        (D(2018, 6, 1), D(2018, 6, 15), "2018年6月1日至2018年6月15日"),
        (D(2018, 6, 15), D(2018, 6, 15), "2018年6月15日"),
        (D(2018, 1, 2), D(2018, 12, 31), "2018年1月2日至2018年12月31日"),
        (D(2018, 2, 1), D(2018, 4, 30), "2018年2月至2018年4月"),  # three months, not a quarter
    ],
)
def test_the_period_in_an_offices_words(start, end, label):
    assert workbooks.period_label(start, end) == label


def test_file_names_drop_what_file_systems_refuse():
    name = workbooks.file_name("西关办事处", "2018年", 'a/b\\c:d*e?f"g<h>i|j k', extension="xlsx")
    assert name == "西关办事处_2018年_a-b-c-d-e-f-g-h-i-j-k.xlsx"
    assert workbooks.file_name(None, "2018年", "工作报表", extension="csv") == "2018年_工作报表.csv"


def test_sheet_names_fit_excels_rules_and_stay_unique():
    used = set()
    long = "活动（按党建品牌和项目）统计：2018/2019 [全年] *汇总*？" * 2
    first = workbooks.sheet_name(long, used)
    second = workbooks.sheet_name(long, used)
    for name in (first, second):
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
    assert first != second and second.endswith("(2)")
    assert workbooks.sheet_name("", used) == "工作表"
    assert workbooks.sheet_name("Tablib Dataset", set()) == "Tablib Dataset"  # only a given title is used


@pytest.fixture
def teams(community, other_community):
    VolunteerTeam.objects.create(name="环西一队", community=community, founded_on=D(2016, 3, 8))
    VolunteerTeam.objects.create(name="环西二队", community=community, founded_on=D(2017, 5, 1))
    VolunteerTeam.objects.create(name="金业路一队", community=other_community, founded_on=D(2016, 4, 1))


def export_teams(client, file_format, query=""):
    prefix = VolunteerTeamResource.__name__.lower()
    data = {"format": file_format, "resource": "0"}
    data.update({f"{prefix}_{name}": "on" for name in VolunteerTeamResource().get_export_order()})
    return client.post(reverse("admin:volunteers_volunteerteam_export") + query, data)


def disposition(name):
    return f"attachment; filename*=utf-8''{quote(name)}"


def test_a_register_export_is_named_for_the_unit_and_the_day(client, staff, teams):
    login(client, staff)
    response = export_teams(client, EXPORT_XLSX)
    assert response.status_code == 200
    today = timezone.localdate()
    assert response["Content-Disposition"] == disposition(
        f"环西社区_{today.year}年{today.month}月{today.day}日_志愿服务队.xlsx"
    )
    csv = export_teams(client, EXPORT_CSV)
    assert csv["Content-Disposition"] == disposition(
        f"环西社区_{today.year}年{today.month}月{today.day}日_志愿服务队.csv"
    )


def test_a_filtered_register_export_is_named_for_the_filters_period(client, staff, teams):
    login(client, staff)
    response = export_teams(client, EXPORT_XLSX, "?founded_on__year=2016")
    assert response["Content-Disposition"] == disposition("环西社区_2016年_志愿服务队.xlsx")
    by_month = export_teams(client, EXPORT_XLSX, "?founded_on__year=2016&founded_on__month=3")
    assert by_month["Content-Disposition"] == disposition("环西社区_2016年3月_志愿服务队.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(by_month.content))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["环西一队"]


def test_a_register_sheet_has_a_chinese_name_date_cells_and_print_settings(client, staff, teams):
    login(client, staff)
    book = openpyxl.load_workbook(io.BytesIO(export_teams(client, EXPORT_XLSX).content))
    assert book.sheetnames == ["志愿服务队"]
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["编号", "名称"]
    column = headers.index("成立日期") + 1
    founded = {sheet.cell(row, 2).value: sheet.cell(row, column) for row in range(2, sheet.max_row + 1)}
    assert set(founded) == {"环西一队", "环西二队"}  # the account's own community only
    assert isinstance(founded["环西一队"].value, datetime.datetime)  # how openpyxl reads a date cell
    assert founded["环西一队"].value.date() == D(2016, 3, 8)
    assert founded["环西一队"].is_date and founded["环西一队"].number_format == "yyyy-mm-dd"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1
    assert sheet.print_title_rows == "$1:$1"  # the headers on every page (no title line: it re-imports)


def test_another_communitys_staff_export_carries_their_unit_and_records(client, outsider, teams):
    login(client, outsider)
    response = export_teams(client, EXPORT_XLSX, "?founded_on__year=2016")
    assert response["Content-Disposition"] == disposition("金业路社区_2016年_志愿服务队.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["金业路一队"]


def test_an_exported_sheet_imports_back_unchanged(client, staff, teams):
    login(client, staff)
    body = export_teams(client, EXPORT_XLSX).content
    from import_export.formats.base_formats import XLSX
    from tablib import Dataset

    dataset = XLSX().create_dataset(body)
    assert isinstance(dataset, Dataset) and dataset.headers[:2] == ["编号", "名称"]
    result = VolunteerTeamResource(user=staff).import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}


@pytest.mark.parametrize(
    ("params", "period"),
    [
        ({"founded_on__year": "2016"}, (D(2016, 1, 1), D(2016, 12, 31))),
        ({"start__year": "2018", "start__month": "2"}, (D(2018, 2, 1), D(2018, 2, 28))),
        ({"start__year": "2018", "start__month": "2", "start__day": "3"}, (D(2018, 2, 3), D(2018, 2, 3))),
        ({"visited_on__gte": "2018-06-01", "visited_on__lt": "2018-07-01"}, (D(2018, 6, 1), D(2018, 6, 30))),
        (
            {"start__year": "2018", "start__month": "13"},
            None,
        ),  # a hand-made URL: no period rather than an error
        ({"visited_on__gte": "2018-06-01"}, None),
        ({"visited_on__gte": "junk", "visited_on__lt": "2018-07-01"}, None),
        ({"community__id__exact": "3"}, None),
    ],
)
def test_the_period_a_lists_date_filters_select(params, period):
    from registers.export_admin import filtered_period

    assert filtered_period(params) == period
