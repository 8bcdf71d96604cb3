"""The dashboard at /reports/: figures of a unit and a period for staff, as a page, XLSX, CSV and a bulletin."""

from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from activities.models import Activity
from registers import exports as background
from registers.fonts import FontMissing
from registers.periods import month_bounds, quarter_bounds
from registers.personal_data import record_export
from registers.units import home_unit, nearby_unit_choices, unit_key

from . import documents, exports
from .bulletin import bulletin
from .dashboard import build
from .forms import ReportFilterForm
from .ranking import ranking_table

FORMATS = ("html", "xlsx", "csv", "pdf", "docx")
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _refuse(request, message, status):
    return render(request, "reports/refused.html", {"message": message}, status=status)


@staff_member_required
def dashboard(request):
    home = home_unit(request.user)
    if home is None:
        return _refuse(
            request, _("Your account is not assigned to a unit, so there is nothing to report."), 403
        )
    form = ReportFilterForm(request.GET, user=request.user, home=home, unit_choices=[])
    output = request.GET.get("format", "html")
    form.is_valid()
    # The picker offers the units near the one shown (a city's every community would weigh 300 KB).
    form.fields["unit"].widget.choices = nearby_unit_choices(
        request.user, form.cleaned_data.get("unit") or home
    )
    if output not in FORMATS:
        form.add_error(None, _("Unknown format “%(format)s”: choose xlsx or csv.") % {"format": output})
    if not form.is_valid():
        return render(request, "reports/dashboard.html", {"form": form, "home": home}, status=400)
    unit = form.cleaned_data["unit"]
    start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
    table_name = request.GET.get("table", "")

    if table_name == exports.ROWS_TABLE and output in ("xlsx", "csv"):
        # The activity log itself: a large one is written by a worker (its page offers the file), a small
        # one is streamed.
        rows = exports.activity_rows_count(unit, start, end)
        if background.is_large(rows):
            job = background.start_export(
                user=request.user,
                exporter_name="reports.activity_log",
                params={
                    "unit": unit_key(unit),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "format": output,
                },
                register="activities.activity",
                file_name=exports.file_name(unit, start, end, exports.activity_log_title(), output),
                rows=rows,
                language=get_language(),
            )
            return redirect("admin:registers_job_progress", job.pk)
        record_export(request.user, Activity, rows, str(exports.activity_log_title()))
        if output == "xlsx":
            return exports.activity_rows_xlsx(unit, start, end)
        return exports.activity_rows_csv(unit, start, end)

    report = build(unit, start, end)
    ranking = ranking_table(unit, start, end)
    if ranking is not None:
        report.tables.append(ranking)
    names = [t.name for t in report.tables]
    if output in ("xlsx", "csv") and table_name and table_name not in names:
        form.add_error(
            None,
            _("There is no table “%(table)s”. Tables: %(names)s.")
            % {"table": table_name, "names": ", ".join([*names, exports.ROWS_TABLE])},
        )
        return render(request, "reports/dashboard.html", {"form": form, "home": home}, status=400)
    if output in DOCUMENT_TYPES:
        record_export(request.user, None, sum(len(t.rows) for t in report.tables), _("work report"))
        text = bulletin(unit, start, end, report.totals)
        try:
            content = (
                documents.report_pdf(report, text) if output == "pdf" else documents.report_docx(report, text)
            )
        except FontMissing:
            return _refuse(
                request, _("The Chinese fonts are not installed on the server (fonts-noto-cjk)."), 503
            )
        response = HttpResponse(content, content_type=DOCUMENT_TYPES[output])
        response["Content-Disposition"] = content_disposition_header(
            True, documents.document_name(report, output)
        )
        return response
    if output == "xlsx":
        tables = [report.table(table_name)] if table_name else report.tables
        record_export(request.user, None, sum(len(t.rows) for t in tables), _("work report"))
        return exports.xlsx_response(report, tables)
    if output == "csv":
        if not table_name:
            form.add_error(
                None,
                _("A CSV file holds one table: add table=<name> (%(names)s).")
                % {"names": ", ".join([*names, exports.ROWS_TABLE])},
            )
            return render(request, "reports/dashboard.html", {"form": form, "home": home}, status=400)
        table = report.table(table_name)
        record_export(request.user, None, len(table.rows), str(table.title))
        return exports.csv_response(unit, start, end, table.name, str(table.title), table.columns, table.rows)

    query = {"unit": unit_key(unit), "start": start.isoformat(), "end": end.isoformat()}
    downloads = [
        {
            "table": table,
            "xlsx": "?" + urlencode({**query, "format": "xlsx", "table": table.name}),
            "csv": "?" + urlencode({**query, "format": "csv", "table": table.name}),
        }
        for table in report.tables
    ]
    context = {
        "downloads": downloads,
        "xlsx_all": "?" + urlencode({**query, "format": "xlsx"}),
        "rows_xlsx": "?" + urlencode({**query, "format": "xlsx", "table": exports.ROWS_TABLE}),
        "rows_csv": "?" + urlencode({**query, "format": "csv", "table": exports.ROWS_TABLE}),
        "pdf": "?" + urlencode({**query, "format": "pdf"}),
        "docx": "?" + urlencode({**query, "format": "docx"}),
        "form": form,
        "home": home,
        "report": report,
        "unit": unit,
        "unit_key": unit_key(unit),
        "start": start,
        "end": end,
        "presets": _presets(form.today, unit),
        "bulletin": bulletin(unit, start, end, report.totals),
        "chart_data": _chart_data(report),
        "rows_table": exports.ROWS_TABLE,
    }
    return render(request, "reports/dashboard.html", context)


def _presets(today, unit):
    """Quick periods: this month, this quarter, this year, last year, since the start of last year."""
    quarter = (today.month - 1) // 3 + 1
    periods = [
        (_("this month"), month_bounds(today)),
        (_("this quarter"), quarter_bounds(today.year, quarter)),
        (_("this year"), (today.replace(month=1, day=1), today.replace(month=12, day=31))),
        (
            _("last year"),
            (
                today.replace(year=today.year - 1, month=1, day=1),
                today.replace(year=today.year - 1, month=12, day=31),
            ),
        ),
        (_("since the start of last year"), (today.replace(year=today.year - 1, month=1, day=1), today)),
    ]
    return [
        {
            "label": label,
            "url": "?"
            + urlencode({"unit": unit_key(unit), "start": first.isoformat(), "end": last.isoformat()}),
        }
        for label, (first, last) in periods
    ]


def _chart_data(report):
    return {
        "labels": {
            "activities": pgettext("report", "activities"),
            "participants": pgettext("report", "participants (person-times)"),
            "visits": pgettext("report", "home visits (person-times served)"),
            "visitors": pgettext("report", "venue visitors"),
            "months_title": _("Activities and participants by month"),
            "subunits_title": _("Breakdown by sub-unit"),
        },
        "months": [row["month"] for row in report.months],
        "activities": [row["activities"] for row in report.months],
        "participants": [row["participants"] for row in report.months],
        "visits": [row["visits"] for row in report.months],
        "subunits": [row["unit"] for row in report.breakdown],
        "sub_activities": [row["activities"] for row in report.breakdown],
        "sub_participants": [row["participants"] for row in report.breakdown],
        "sub_visits": [row["visits"] for row in report.breakdown],
    }
