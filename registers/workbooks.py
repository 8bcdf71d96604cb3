"""The spreadsheets people download, all written here: the reports, the service records, the registers' exports.

One place for what makes a downloaded sheet usable in a Chinese office:

- file names in the office's language with the unit and the period (``西关办事处_2018年_工作报表.xlsx``), no
  internal ids; ``file_name`` and ``period_label``;
- sheet names in the user's language, within Excel's 31 characters and without []:*?/\\ (``sheet_name``);
- dates and times as date cells with a date format (never text), numbers as numbers, text never a formula;
- print settings on every sheet: A4 landscape, fit to the page's width (as many pages tall as needed), the
  title and header rows repeated on each page, the identifying column(s) (a unit's, a team's name) repeated
  too when the table is wider than a page, gridlines and page numbers printed.

Written with XlsxWriter in ``constant_memory`` mode (each row goes to disk once written), into a temporary file
that is then streamed, so memory stays flat however many rows a sheet has.
"""

import datetime
import re
import tempfile
import unicodedata
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cell kinds a column may declare; a value's own type decides otherwise.
TEXT, NUMBER, DECIMAL, DATE, DATETIME, MONTH = "text", "number", "decimal", "date", "datetime", "month"
NUMBER_FORMATS = {
    DECIMAL: "0.0#",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    MONTH: "yyyy-mm",
}

A4 = 9  # Excel's paper size code
LINE_HEIGHT = 15  # points: a line of the default font
WRAPPED_LINE_HEIGHT = 17  # points: a line of wrapped Chinese (its fonts are taller)
# Width, in characters of the default font, of what an A4 landscape page holds at 100 % within the margins.
PAGE_WIDTH_CHARS = 120
MARGIN_INCHES = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
# Column widths (characters): a text column as wide as its longest value within these bounds; a number or
# date column as wide as its values, its header wrapped onto several lines rather than widening it.
TEXT_WIDTH = (6, 36)
NUMBER_WIDTH = (7, 14)
HEADER_WRAP = 6
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
FILE_NAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\s]+')


# ---- names -----------------------------------------------------------------------------------------------


def sheet_name(title, used: set) -> str:
    """``title`` as Excel accepts a sheet name (31 characters, no []:*?/\\), unique within ``used``."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip(" '")[:SHEET_NAME_LENGTH].strip()
    name = name or pgettext("spreadsheet", "sheet")
    candidate, n = name, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _day(day: datetime.date) -> str:
    return pgettext("period", "%(year)s.%(month)s.%(day)s") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def _month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


def period_label(start: datetime.date, end: datetime.date) -> str:
    """The period in words an office uses: 2018年, 2018年第2季度, 2018年6月, 2016年至2018年, 2018年6月1日至2018年6月15日."""
    whole_months = start.day == 1 and end == _month_end(end)
    if whole_months and start.month == 1 and end.month == 12:
        years = [pgettext("period", "year %(year)s") % {"year": y} for y in (start.year, end.year)]
    elif whole_months:
        if start.year == end.year and start.month % 3 == 1 and end.month == start.month + 2:
            return pgettext("period", "Q%(quarter)s %(year)s") % {
                "quarter": (start.month + 2) // 3,
                "year": start.year,
            }
        years = [
            pgettext("period", "%(year)s.%(month)s") % {"year": d.year, "month": d.month}
            for d in (start, end)
        ]
    else:
        years = [_day(start), _day(end)]
    if years[0] == years[1]:
        return years[0]
    return pgettext("period", "%(start)s to %(end)s") % {"start": years[0], "end": years[1]}


def file_name(*parts, extension: str) -> str:
    """The parts joined by ``_``, each without characters file systems refuse: ``西关办事处_2018年_工作报表.xlsx``."""
    cleaned = [FILE_NAME_FORBIDDEN.sub("-", str(part)).strip("-.") for part in parts if part]
    return "_".join(part for part in cleaned if part) + "." + extension


# ---- widths ----------------------------------------------------------------------------------------------


def text_width(text: str) -> int:
    """Columns of the default font ``text`` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(value) -> str:
    if isinstance(value, datetime.datetime):
        return "0000-00-00 00:00"
    if isinstance(value, datetime.date):
        return "0000-00-00"
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def column_widths(headers, rows, kinds=None) -> list[int]:
    """A width for each column from its header and values (``rows``: sequences in the headers' order)."""
    kinds = list(kinds or [None] * len(headers))
    longest, numeric = [0] * len(headers), [kind not in (None, TEXT) for kind in kinds]
    for row in rows:
        for i, value in enumerate(row):
            if value is None or value == "":
                continue
            longest[i] = max(longest[i], text_width(_shown(value)))
            if kinds[i] is None and not isinstance(value, str):
                numeric[i] = True
    widths = []
    for header, is_number, wide in zip(headers, numeric, longest, strict=True):
        low, high = NUMBER_WIDTH if is_number else TEXT_WIDTH
        header_part = min(text_width(str(header)), HEADER_WRAP if is_number else high)
        widths.append(max(low, min(high, max(wide, header_part) + 2)))
    return widths


# ---- the workbook ----------------------------------------------------------------------------------------


class Sheet:
    """A sheet being written row by row (in order: constant memory)."""

    def __init__(self, book, worksheet, headers, kinds, widths, *, heading=None, key_columns=1):
        self.book, self.worksheet = book, worksheet
        self.kinds = list(kinds or [None] * len(headers))
        self.formats = [book.number_format(kind) for kind in self.kinds]
        self.next_row = 0
        if heading:
            worksheet.write_string(0, 0, str(heading), book.heading)
            self.next_row = 1
        header_row = self.next_row
        lines = 1
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            worksheet.set_column(col, col, width)
            lines = max(lines, -(-text_width(header) // width))
        # Tall enough for the wrapped headers (LibreOffice does not fit a row's height to them when opening).
        worksheet.set_row(header_row, LINE_HEIGHT if lines == 1 else WRAPPED_LINE_HEIGHT * lines)
        for col, header in enumerate(headers):
            worksheet.write_string(header_row, col, str(header), book.header)
        self.next_row = header_row + 1
        print_setup(worksheet, header_row, len(headers), sum(widths), key_columns)

    def write(self, values) -> None:
        row = self.next_row
        for col, value in enumerate(values):
            self.book.write_cell(self.worksheet, row, col, value, self.kinds[col], self.formats[col])
        self.next_row += 1


def print_setup(worksheet, header_row: int, columns: int, width: int, key_columns: int = 1) -> None:
    """The print settings of every downloaded sheet, on an XlsxWriter worksheet: A4 landscape, one page wide,
    rows 0..``header_row`` repeated on each page, the first ``key_columns`` too when the columns' ``width``
    (characters, e.g. ``sum(column_widths(…))``) is more than a page holds."""
    worksheet.set_paper(A4)
    worksheet.set_landscape()
    worksheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    worksheet.set_margins(**MARGIN_INCHES)
    worksheet.repeat_rows(0, header_row)  # the title line and the headers on every page
    if width > PAGE_WIDTH_CHARS and 0 < key_columns < columns:
        # Printed without fitting (a program that ignores it, a scale set by hand), the names go on each page.
        worksheet.repeat_columns(0, key_columns - 1)
    worksheet.hide_gridlines(0)  # printed too: a table is read along its lines
    worksheet.set_footer("&C&P / &N")
    worksheet.freeze_panes(header_row + 1, key_columns if width > PAGE_WIDTH_CHARS else 0)


class Workbook:
    """An XLSX workbook of titled tables, written into ``file`` (a temporary file unless given)."""

    def __init__(self, file=None):
        self.file = file if file is not None else tempfile.TemporaryFile()
        self.book = xlsxwriter.Workbook(self.file, {"constant_memory": True, "strings_to_formulas": False})
        self.heading = self.book.add_format({"bold": True, "font_size": 13})
        self.header = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self._formats = {kind: self.book.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
        self.used_names: set = set()

    def number_format(self, kind):
        return self._formats.get(kind)

    def sheet(
        self, title, headers, *, kinds=None, widths=None, rows=None, heading=None, key_columns=1
    ) -> Sheet:
        """A new sheet named after ``title``: ``heading`` (e.g. the unit and period) on the first line, the headers
        below it. Widths from ``widths``, else measured on ``rows`` (then written), else from the headers."""
        headers = [str(h) for h in headers]
        if widths is None:
            widths = column_widths(headers, rows or [], kinds)
        worksheet = self.book.add_worksheet(sheet_name(title, self.used_names))
        sheet = Sheet(self, worksheet, headers, kinds, widths, heading=heading, key_columns=key_columns)
        for row in rows or []:
            sheet.write(row)
        return sheet

    def write_cell(self, worksheet, row, col, value, kind=None, cell_format=None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)  # spreadsheets have no time zones: the office's wall clock
            worksheet.write_datetime(
                row, col, value.replace(tzinfo=None), cell_format or self._formats[DATETIME]
            )
        elif isinstance(value, datetime.date):
            worksheet.write_datetime(row, col, value, cell_format or self._formats[DATE])
        elif isinstance(value, bool):
            worksheet.write_string(row, col, gettext("yes") if value else gettext("no"))
        elif isinstance(value, int):
            # A whole number in a column of decimals (a figure's value) keeps its plain format.
            worksheet.write_number(row, col, value, None if kind == DECIMAL else cell_format)
        elif isinstance(value, float | Decimal):
            worksheet.write_number(row, col, float(value), cell_format)
        else:
            # A carriage return would be written as "_x000D_", which openpyxl (the imports) reads literally.
            worksheet.write_string(row, col, str(value).replace("\r\n", "\n").replace("\r", "\n"))

    def close(self):
        self.book.close()
        self.file.seek(0)
        return self.file

    def response(self, filename: str) -> FileResponse:
        """The workbook as a download (Content-Disposition with filename*=UTF-8'' for a Chinese name)."""
        return FileResponse(
            self.close(), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )

    def content(self) -> bytes:
        with self.close() as file:
            return file.read()
