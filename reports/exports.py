"""Spreadsheet downloads of the dashboard: XLSX (one sheet per table) and CSV (one table).

Workbooks are written by registers.workbooks (constant memory, print settings, date cells, the file's
name); the activity rows export (``table=activities``) reads the database with a server-side iterator.
django-import-export's export builds the whole sheet in memory, so it is not used for reports.

Every sheet: the unit, the period and the table's title in the first row, headers in the user's language
in the second, numbers as numbers, dates as dates. Text cells are written as strings (never formulas); CSV
text cells that a spreadsheet would run as a formula are escaped with registers.sheets.escape_formula.
"""

import csv
import datetime
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, pgettext

from activities.models import Activity
from registers import workbooks
from registers.exports import exporter
from registers.personal_data import record_export
from registers.sheets import escape_formula
from registers.units import can_see_unit, parse_unit

from .tables import DATE, DEC, INT, MONTH, PCT, TEXT, Column, Table

XLSX = workbooks.XLSX_CONTENT_TYPE
ROWS_TABLE = "activities"
PROGRESS_ROWS = 1000  # a background export reports its rows written in steps of this many
HEADER_LINES = 2  # the title line and the column headers
CELL_KINDS = {
    TEXT: workbooks.TEXT,
    DEC: workbooks.DECIMAL,
    PCT: workbooks.DECIMAL,
    DATE: workbooks.DATE,
    MONTH: workbooks.MONTH,
}


def period_title(unit, start, end) -> str:
    return f"{unit} · {start.isoformat()} – {end.isoformat()}"


def file_name(unit, start, end, title: str | None, extension: str) -> str:
    """In the office's language: ``西关办事处_2018年_工作报表.xlsx``, ``西关办事处_2018年6月_活动台账.csv``."""
    title = title or gettext("work report")
    return workbooks.file_name(unit, workbooks.period_label(start, end), title, extension=extension)


def _kind(column: Column):
    return CELL_KINDS.get(column.kind, workbooks.NUMBER)


def write_table(book: workbooks.Workbook, table: Table, heading: str) -> None:
    """One sheet: the heading (unit, period, table) on the first line, the headers, the rows; the first
    column (the unit, the figure, the name) repeated on each printed page when the table is wide."""
    rows = [[row.get(column.key) for column in table.columns] for row in table.rows]
    book.sheet(
        table.title,
        [column.label for column in table.columns],
        kinds=[_kind(column) for column in table.columns],
        rows=rows,
        heading=f"{heading} · {table.title}",
    )


def xlsx_response(dashboard, tables: list[Table]) -> FileResponse:
    heading = period_title(dashboard.unit, dashboard.start, dashboard.end)
    book = workbooks.Workbook()
    for table in tables:
        write_table(book, table, heading)
    title = tables[0].title if len(tables) == 1 else None
    return book.response(file_name(dashboard.unit, dashboard.start, dashboard.end, title, "xlsx"))


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value, kind):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m") if kind == MONTH else value.isoformat()
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


# The activity log is streamed: its widths are fixed rather than measured (start, title, type, community,
# programme, venue, participants, Party organisation, partner).
ACTIVITY_LOG_WIDTHS = [17, 30, 12, 14, 18, 18, 9, 20, 20]


def write_activity_rows_xlsx(unit, start, end, file, progress=None) -> None:
    """The activity log as XLSX into ``file`` (constant memory); ``progress(rows)`` now and then."""
    columns = activity_row_columns()
    title = activity_log_title()
    book = workbooks.Workbook(file)
    sheet = book.sheet(
        title,
        [column.label for column in columns],
        kinds=[workbooks.DATETIME, *(_kind(column) for column in columns[1:])],
        widths=ACTIVITY_LOG_WIDTHS,
        heading=f"{period_title(unit, start, end)} · {title}",
        key_columns=2,
    )
    worksheet = sheet.worksheet
    write_string, write_number, write_datetime = (
        worksheet.write_string,
        worksheet.write_number,
        worksheet.write_datetime,
    )
    date_format = book.number_format(workbooks.DATETIME)
    written = 0
    for r, row in enumerate(activity_rows(unit, start, end), start=sheet.next_row):
        write_datetime(r, 0, _local(row[0]), date_format)
        for c in (1, 2, 3, 4, 5, 7, 8):
            if row[c]:
                write_string(r, c, row[c])
        write_number(r, 6, row[6])
        written += 1
        if progress is not None and written % PROGRESS_ROWS == 0:
            progress(PROGRESS_ROWS)
    book.book.close()
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
