"""The volunteer service records as files: both tables as XLSX sheets, or one as CSV; a large one is written
by a worker (registers.exports)."""

import datetime

import tablib
from django.utils.translation import gettext as _

from registers import exports as background
from registers.personal_data import record_export
from registers.sheets import escape_formula
from registers.units import can_see_unit, parse_unit

from . import stats
from .models import star_level


def hours(minutes) -> float:
    return round((minutes or 0) / 60, 1)


def _team_sheet(teams) -> tablib.Dataset:
    sheet = tablib.Dataset(
        headers=[
            _("team"),
            _("community"),
            _("visits (person-times served)"),
            _("visit hours"),
            _("volunteer person-times"),
            _("volunteers"),
            _("volunteer hours"),
            _("of which back-filled"),
        ],
        title=str(_("teams")),
    )
    for row in teams:
        sheet.append(
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
        )
    return sheet


def _volunteer_sheet(volunteers) -> tablib.Dataset:
    sheet = tablib.Dataset(
        headers=[
            _("volunteer"),
            _("national volunteer number"),
            _("community"),
            _("Party member"),
            _("volunteer person-times"),
            _("volunteer hours"),
            _("of which back-filled"),
            _("star level"),
        ],
        title=str(_("volunteers")),
    )
    for row in volunteers.iterator(chunk_size=2000):
        sheet.append(
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
        )
    return sheet


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SERVICE_RECORDS = "volunteers.service_records"


def file_name(file_format, start, end, table) -> str:
    """In the office's language: ``志愿服务记录_20180101_20181231.xlsx``, ``…_志愿者.csv``."""
    name = f"{_('volunteer service records')}_{start:%Y%m%d}_{end:%Y%m%d}"
    if file_format == "xlsx":
        return f"{name}.xlsx"
    return f"{name}_{_('teams') if table == 'teams' else _('volunteers')}.csv"


def export(file_format, teams, volunteers, table) -> bytes:
    """Both tables as XLSX sheets, or one table (``table``) as CSV (UTF-8 with a BOM)."""
    if file_format == "xlsx":
        return tablib.Databook([_team_sheet(teams), _volunteer_sheet(volunteers)]).export("xlsx")
    sheet = _team_sheet(teams) if table == "teams" else _volunteer_sheet(volunteers)
    return ("\ufeff" + sheet.export("csv")).encode()


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
