"""The volunteer service records as files: both tables as XLSX sheets (registers.workbooks), or one as CSV; a
large one is written by a worker (registers.exports)."""

import csv
import datetime
import io

from django.utils.translation import gettext as _

from registers import exports as background
from registers import workbooks
from registers.personal_data import record_export
from registers.sheets import escape_formula
from registers.units import can_see_unit, parse_unit

from . import stats
from .models import star_level


def hours(minutes) -> float:
    return round((minutes or 0) / 60, 1)


def _team_sheet(teams) -> tuple[str, list, list]:
    """(title, headers, rows) of the teams' table."""
    headers = [
        _("team"),
        _("community"),
        _("visits (person-times served)"),
        _("visit hours"),
        _("volunteer person-times"),
        _("volunteers"),
        _("volunteer hours"),
        _("of which back-filled"),
    ]
    rows = [
        [
            escape_formula(row["name"]),
            escape_formula(row["community"]),
            row["visits"],
            row["visit_hours"],
            row["volunteer_person_times"],
            row["volunteers"],
            row["volunteer_hours"],
            row["backfilled_hours"],
        ]
        for row in teams
    ]
    return _("teams"), headers, rows


def _volunteer_sheet(volunteers) -> tuple[str, list, list]:
    """(title, headers, rows) of the volunteers' table."""
    headers = [
        _("volunteer"),
        _("national volunteer number"),
        _("community"),
        _("Party member"),
        _("volunteer person-times"),
        _("volunteer hours"),
        _("of which back-filled"),
        _("star level"),
    ]
    rows = [
        [
            escape_formula(row["name"]),
            escape_formula(row["volunteer_number"]),
            escape_formula(row["community"]),
            _("yes") if row["is_party_member"] else _("no"),
            row["services"],
            hours(row["minutes"]),
            hours(row["backfilled_minutes"]),
            star_level(hours(row["minutes"])),
        ]
        for row in volunteers.iterator(chunk_size=2000)
    ]
    return _("volunteers"), headers, rows


CONTENT_TYPES = {
    "xlsx": workbooks.XLSX_CONTENT_TYPE,
    "csv": "text/csv; charset=utf-8",
}
SERVICE_RECORDS = "volunteers.service_records"


def file_name(file_format, unit, start, end, table) -> str:
    """In the office's language: ``西关办事处_2018年_志愿服务记录.xlsx``, ``…_志愿服务记录_志愿者.csv``."""
    period = workbooks.period_label(start, end)
    if file_format == "xlsx":
        return workbooks.file_name(unit, period, _("volunteer service records"), extension="xlsx")
    table_title = _("teams") if table == "teams" else _("volunteers")
    return workbooks.file_name(unit, period, _("volunteer service records"), table_title, extension="csv")


def export(file_format, teams, volunteers, table) -> bytes:
    """Both tables as XLSX sheets, or one table (``table``) as CSV (UTF-8 with a BOM)."""
    if file_format == "xlsx":
        book = workbooks.Workbook()
        for title, headers, rows in (_team_sheet(teams), _volunteer_sheet(volunteers)):
            book.sheet(title, headers, rows=rows)
        return book.content()
    _title, headers, rows = _team_sheet(teams) if table == "teams" else _volunteer_sheet(volunteers)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([str(header) for header in headers])
    writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode()


def _may_export(user, params) -> bool:
    return can_see_unit(params["unit"], user) and user.has_perm("volunteers.view_homevisit")


@background.exporter(SERVICE_RECORDS, allowed=_may_export)
def write_service_records(user, params, file, progress) -> None:
    """The service records' export as a background job (registers.exports)."""
    unit = parse_unit(params["unit"], user)
    start, end = datetime.date.fromisoformat(params["start"]), datetime.date.fromisoformat(params["end"])
    teams = stats.service_records_by_team(unit, start, end)
    volunteers = stats.service_records_by_volunteer(unit, start, end)
    file.write(export(params["format"], teams, volunteers, params["table"]))
    progress(volunteers.count())
    record_export(user, None, progress.rows, str(_("volunteer service records")))
