"""西关办事处's 2018 report workbook as an office gets it and prints it: its file name, its sheets' names, date
cells, print settings read back with openpyxl, and the PDF LibreOffice prints from it (every page of a table
carries the table's heading and its first column, the community names; a readable number of pages)."""

import datetime
import io
import re
import shutil
import subprocess
from urllib.parse import quote

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from communities import demo as units
from registers.roles import SUBDISTRICT_STAFF
from tests.conftest import make_staff

URL = reverse("reports:dashboard")
HEADING = "西关办事处 · 2018-01-01 – 2018-12-31"
COMMUNITIES = ["唐宫东路社区", "定鼎路社区", "环城西路社区", "环西社区", "金业路社区", "龙城嘉园社区"]
# Before the print settings the workbook printed as 27 portrait pages (25 when the issue was measured), the
# sub-unit table three columns a page, its later pages without the community names.
MOST_PAGES = 15

pytestmark = pytest.mark.django_db  # (so that the test database is set up for the module's fixture)


@pytest.fixture(scope="module")
def download(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (rolled back at its end), and 西关's 2018 workbook as its staff
    download it from the reports page."""
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        office = units.subdistrict("西关办事处")
        client = Client()
        client.force_login(make_staff("xiguan-reports", office, SUBDISTRICT_STAFF))
        params = {"unit": f"subdistrict:{office.pk}", "start": "2018-01-01", "end": "2018-12-31"}
        response = client.get(URL, {**params, "format": "xlsx"})
        breakdown = client.get(URL, {**params, "format": "csv", "table": "breakdown"})
        log = client.get(URL, {**params, "format": "xlsx", "table": "activities"})
        yield {
            "response": response,
            "body": b"".join(response.streaming_content),
            "csv": breakdown,
            "log": log,
            "log_body": b"".join(log.streaming_content),
        }
        transaction.set_rollback(True)


@pytest.fixture
def book(download):
    return openpyxl.load_workbook(io.BytesIO(download["body"]))


def test_the_file_is_named_for_the_unit_and_the_year_in_chinese(download):
    response = download["response"]
    assert response.status_code == 200
    name = "西关办事处_2018年_工作报表.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    one_table = download["csv"]
    assert one_table["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('西关办事处_2018年_按下级单位.csv')}"
    )


def test_sheets_are_named_in_chinese_within_excels_limits(book):
    assert book.sheetnames == [
        "总数",
        "按下级单位",
        "按月",
        "活动（按类别）",
        "活动（按党建品牌和项目）",
        "阵地（按类别）",
        "阵地",
        "党组织（按类别）",
        "共驻共建单位（按类别）",
        "“两委”成员（按职务）",
        "志愿服务队",
        "下级单位排名",
    ]
    for name in book.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_founding_dates_are_date_cells(book):
    sheet = book["志愿服务队"]
    assert sheet.cell(2, 4).value == "成立日期"
    founded = sheet.cell(3, 4)
    assert isinstance(founded.value, datetime.datetime)  # openpyxl reads a date cell as a datetime
    assert founded.is_date and founded.number_format == "yyyy-mm-dd"
    opened = next(row[5] for row in book["阵地"].iter_rows(min_row=3) if row[0].value == "家风家训馆")
    assert opened.value.date() == datetime.date(2018, 1, 1) and opened.number_format == "yyyy-mm"


def test_every_sheet_prints_landscape_on_a4_one_page_wide_with_its_headers_on_each_page(book):
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth or 1) == 1, sheet.title  # 1 is the file format's default, left out
        assert setup.fitToHeight == 0, sheet.title  # as many pages tall as needed
        assert sheet.print_title_rows == "$1:$2", sheet.title  # the title line and the headers
    breakdown = book["按下级单位"]
    assert breakdown.max_column >= 21
    assert breakdown.print_title_cols == "$A:$A"  # the community names, where a page cannot hold every column
    assert book["总数"].print_title_cols is None  # two columns: nothing to repeat


def test_the_activity_log_is_named_dated_and_printable_too(download):
    log = download["log"]
    assert (
        log["Content-Disposition"]
        == f"attachment; filename*=utf-8''{quote('西关办事处_2018年_活动台账.xlsx')}"
    )
    book = openpyxl.load_workbook(io.BytesIO(download["log_body"]))
    assert book.sheetnames == ["活动台账"]
    sheet = book.active
    assert sheet.max_row == 2 + 97  # the 97 activities of 2018
    start = sheet["A3"]
    assert start.is_date and start.number_format == "yyyy-mm-dd hh:mm" and start.value.year == 2018
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToHeight) == ("landscape", 0)
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.print_title_cols == "$A:$B"  # the start and the title of each activity on each page


def _pages(pdf) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return text.split("\f")[:-1]


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)
def test_libreoffice_prints_each_table_with_its_first_column_on_every_page(download, book, tmp_path):
    workbook = tmp_path / "西关办事处_2018年_工作报表.xlsx"
    workbook.write_bytes(download["body"])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",  # its own profile: runs side by side
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        check=True,
        timeout=240,
    )
    pdf = workbook.with_suffix(".pdf")
    pages = _pages(pdf)
    assert 11 <= len(pages) <= MOST_PAGES  # at least a page per sheet
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)  # A4 landscape

    # Which sheet each page prints: a page without a heading would continue the sheet before it.
    sheet_of_page, current = [], None
    for text in pages:
        found = re.search(rf"{re.escape(HEADING)} · (\S+)", text)
        current = found[1] if found else current
        sheet_of_page.append(current)
    assert None not in sheet_of_page and set(sheet_of_page) == set(book.sheetnames)
    for text, sheet_name in zip(pages, sheet_of_page, strict=True):
        assert f"{HEADING} · {sheet_name}" in text  # the heading repeated on every page of its sheet
        first_header = book[sheet_name].cell(2, 1).value
        assert first_header in text, (sheet_name, text[:400])
    breakdown = [i for i, name in enumerate(sheet_of_page) if name == "按下级单位"]
    assert len(breakdown) == 1  # all 21+ columns on one page wide
    for i in breakdown:
        for community in COMMUNITIES:
            assert community in pages[i]
        # The row of a community holds its figures on the same line (not three columns a page).
        line = next(line for line in pages[i].splitlines() if line.startswith("环西社区"))
        assert len(re.findall(r"\d+(?:\.\d+)?", line)) >= 20
    teams = [i for i, name in enumerate(sheet_of_page) if name == "志愿服务队"]
    assert len(teams) >= 2  # 47 teams: the headers repeated on the second page
    for i in teams:
        assert "服务队" in pages[i] and "成立日期" in pages[i]

    subprocess.run(
        ["pdftoppm", "-f", str(breakdown[0] + 1), "-l", str(breakdown[0] + 1), "-r", "100", "-png", str(pdf),
         str(tmp_path / "breakdown")],
        check=True,
        timeout=60,
    )  # fmt: skip
    assert list(tmp_path.glob("breakdown*.png"))
