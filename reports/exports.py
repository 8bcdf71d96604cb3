"""Spreadsheet downloads of the dashboard: XLSX (one sheet per table) and CSV (one table).

Rows are written here with XlsxWriter in ``constant_memory`` mode (each row goes to disk as it is written)
into a temporary file that is then streamed, so memory stays flat however many rows an export has; the
activity rows export (``table=activities``) reads the database with a server-side iterator.
django-import-export's export builds the whole sheet in memory, so it is not used for reports.

Every sheet: the unit, the period and the table's title in the first row, headers in the user's language
in the second, numbers as numbers. Text cells are written as strings (never formulas); CSV text cells
that a spreadsheet would run as a formula are escaped with communities.resources_base.escape_formula.
"""

import csv
import datetime
import re
import tempfile
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import pgettext

from activities.models import Activity
from registers.exports import exporter
from registers.personal_data import record_export
from registers.sheets import escape_formula
from registers.units import can_see_unit, parse_unit

from .tables import DATE, DEC, INT, PCT, TEXT, Column, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_TABLE = "activities"
PROGRESS_ROWS = 1000  # a background export reports its rows written in steps of this many
HEADER_LINES = 2  # the title line and the column headers


def period_title(unit, start, end) -> str:
    return f"{unit} · {start.isoformat()} – {end.isoformat()}"


def file_name(unit, start, end, title: str | None, extension: str) -> str:
    """In the office's language: ``西关办事处_2018-01-01_2018-12-31_活动台账.xlsx``."""
    parts = [str(unit), start.isoformat(), end.isoformat(), str(title or pgettext("report", "report"))]
    return re.sub(r'[\\/:*?"<>|\s]+', "-", "_".join(parts)) + "." + extension


def _sheet_name(title: str, used: set) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31].strip() or "sheet"
    candidate, n = name, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


class SheetWriter:
    """Writes titled tables into a constant-memory workbook kept in a temporary file."""

    def __init__(self, file=None):
        self.file = file if file is not None else tempfile.TemporaryFile()
        self.book = xlsxwriter.Workbook(self.file, {"constant_memory": True, "strings_to_formulas": False})
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.decimal = self.book.add_format({"num_format": "0.0#"})
        self.datetime = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.used: set = set()

    def sheet(self, title: str, heading: str, columns: list[Column]):
        sheet = self.book.add_worksheet(_sheet_name(title, self.used))
        sheet.write_string(0, 0, heading, self.title)
        for i, column in enumerate(columns):
            sheet.set_column(i, i, 28 if column.kind == TEXT and i == 0 else 16)
            sheet.write_string(1, i, str(column.label), self.bold)
        return sheet

    def cell(self, sheet, row: int, col: int, value, kind: str):
        if value is None or value == "":
            return
        if kind == TEXT or kind == DATE or isinstance(value, str):
            sheet.write_string(row, col, str(value))
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, value, self.datetime)
        elif kind in (DEC, PCT) and not isinstance(value, int):
            sheet.write_number(row, col, _number(value), self.decimal)
        else:
            sheet.write_number(row, col, _number(value))

    def table(self, table: Table, heading: str):
        sheet = self.sheet(table.title, f"{heading} · {table.title}", table.columns)
        for r, row in enumerate(table.rows, start=2):
            for c, column in enumerate(table.columns):
                self.cell(sheet, r, c, row.get(column.key), column.kind)

    def response(self, filename: str) -> FileResponse:
        self.book.close()
        self.file.seek(0)
        return FileResponse(self.file, as_attachment=True, filename=filename, content_type=XLSX)


def xlsx_response(dashboard, tables: list[Table]) -> FileResponse:
    heading = period_title(dashboard.unit, dashboard.start, dashboard.end)
    writer = SheetWriter()
    for table in tables:
        writer.table(table, heading)
    title = tables[0].title if len(tables) == 1 else None
    return writer.response(file_name(dashboard.unit, dashboard.start, dashboard.end, title, "xlsx"))


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value, kind):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) or kind == TEXT:
        return escape_formula(str(value))
    return value


def csv_lines(unit, start, end, title: str, columns: list[Column], rows):
    """A CSV of one table, line by line (UTF-8 with a BOM so spreadsheet programs read Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([escape_formula(f"{period_title(unit, start, end)} · {title}")])
    yield writer.writerow([str(column.label) for column in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(row.get(c.key), c.kind) for c in columns])


def csv_stream(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    unit, start, end, name: str, title: str, columns: list[Column], rows
) -> StreamingHttpResponse:
    """A CSV of one table, streamed row by row."""
    lines = csv_lines(unit, start, end, title, columns, rows)
    return csv_stream(lines, file_name(unit, start, end, title, "csv"))


# --- the activity rows of a unit and period (can be hundreds of thousands) ------------------------------

ROW_FIELDS = (
    ("start", "start", DATE),
    ("title", "title", TEXT),
    ("type__name", "type", TEXT),
    ("community__name", "community", TEXT),
    ("programme__name", "programme", TEXT),
    ("venue__name", "venue", TEXT),
    ("participants", "participants", INT),
    ("party_organization__name", "organiser", TEXT),
    ("partner__name", "partner", TEXT),
)


def activity_log_title() -> str:
    return pgettext("report", "activity log")


def activity_row_columns() -> list[Column]:
    labels = {
        "start": pgettext("report", "start"),
        "title": pgettext("report", "title"),
        "type": pgettext("report", "type"),
        "community": pgettext("report", "community"),
        "programme": pgettext("report", "programme"),
        "venue": pgettext("report", "venue"),
        "participants": pgettext("report", "participants (person-times)"),
        "organiser": pgettext("report", "organiser: Party organisation"),
        "partner": pgettext("report", "organiser: partner organisation"),
    }
    return [Column(key, labels[key], kind) for _path, key, kind in ROW_FIELDS]


def activity_rows(unit, start, end, chunk_size: int = 5000):
    """The activity rows of the unit and period as tuples, read with a server-side cursor (1 query)."""
    return (
        Activity.objects.for_unit(unit)
        .between(start, end)
        .order_by("start", "pk")
        .values_list(*(path for path, _key, _kind in ROW_FIELDS))
        .iterator(chunk_size=chunk_size)
    )


def _local(value):
    # Spreadsheets have no time zones: write the local wall-clock time the office entered.
    return timezone.localtime(value).replace(tzinfo=None)


def write_activity_rows_xlsx(unit, start, end, file, progress=None) -> None:
    """The activity log as XLSX into ``file`` (constant memory); ``progress(rows)`` now and then."""
    columns = activity_row_columns()
    title = pgettext("report", "activity log")
    writer = SheetWriter(file)
    sheet = writer.sheet(title, f"{period_title(unit, start, end)} · {title}", columns)
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    date_format = writer.datetime
    written = 0
    for r, row in enumerate(activity_rows(unit, start, end), start=2):
        write_datetime(r, 0, _local(row[0]), date_format)
        for c in (1, 2, 3, 4, 5, 7, 8):
            if row[c]:
                write_string(r, c, row[c])
        write_number(r, 6, row[6])
        written += 1
        if progress is not None and written % PROGRESS_ROWS == 0:
            progress(PROGRESS_ROWS)
    writer.book.close()
    if progress is not None:
        progress(written % PROGRESS_ROWS)


def _activity_log_lines(unit, start, end):
    columns = activity_row_columns()
    keys = [c.key for c in columns]
    rows = (
        dict(zip(keys, (_local(row[0]), *row[1:]), strict=True)) for row in activity_rows(unit, start, end)
    )
    return csv_lines(unit, start, end, pgettext("report", "activity log"), columns, rows)


def write_activity_rows_csv(unit, start, end, file, progress=None) -> None:
    """The activity log as CSV into ``file`` (a binary file), written in blocks of PROGRESS_ROWS lines."""
    block, written = [], 0
    for n, line in enumerate(_activity_log_lines(unit, start, end)):
        block.append(line)
        if len(block) == PROGRESS_ROWS:
            file.write("".join(block).encode())
            block.clear()
            if progress is not None:
                progress(n + 1 - HEADER_LINES - written)
                written = n + 1 - HEADER_LINES
    file.write("".join(block).encode())
    if progress is not None:
        progress(max(n + 1 - HEADER_LINES - written, 0))


def activity_rows_count(unit, start, end) -> int:
    return Activity.objects.for_unit(unit).between(start, end).count()


def activity_rows_xlsx(unit, start, end) -> FileResponse:
    file = tempfile.TemporaryFile()
    write_activity_rows_xlsx(unit, start, end, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=file_name(unit, start, end, activity_log_title(), "xlsx"),
        content_type=XLSX,
    )


def activity_rows_csv(unit, start, end) -> StreamingHttpResponse:
    return csv_stream(
        _activity_log_lines(unit, start, end), file_name(unit, start, end, activity_log_title(), "csv")
    )


def _allowed(user, params) -> bool:
    return can_see_unit(params["unit"], user)


@exporter("reports.activity_log", allowed=_allowed)
def write_activity_log(user, params, file, progress) -> None:
    """The activity log as a background job (registers.exports): params unit, start, end, format."""
    unit = parse_unit(params["unit"], user)
    start, end = datetime.date.fromisoformat(params["start"]), datetime.date.fromisoformat(params["end"])
    write = write_activity_rows_xlsx if params["format"] == "xlsx" else write_activity_rows_csv
    write(unit, start, end, file, progress)
    record_export(user, Activity, progress.rows, str(activity_log_title()))
