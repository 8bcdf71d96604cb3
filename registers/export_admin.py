"""The admin's exports (django-import-export) written as every downloaded spreadsheet is (registers.workbooks):
a Chinese file name with the unit and the period, a sheet named after the register, date cells, print settings.
"""

import datetime

from django.contrib.admin.utils import label_for_field
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from import_export.formats import base_formats

from . import workbooks
from .units import unit_of

# The fields that name a record, the first of which (with the columns before it, such as the id) is repeated on
# each printed page of a wide sheet.
NAMING_FIELDS = ("name", "title", "person", "recipient", "reference", "venue", "username")
KEY_COLUMNS_AT_MOST = 3


class XLSX(base_formats.XLSX):
    """The library's XLSX export, written by registers.workbooks (imports still read with the library's)."""

    def export_data(self, dataset, **kwargs):
        book = workbooks.Workbook()
        book.sheet(
            dataset.title or "",
            dataset.headers or [],
            rows=list(dataset),
            key_columns=getattr(dataset, "key_columns", 1),
        )
        return book.content()


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def filtered_period(params) -> tuple[datetime.date, datetime.date] | None:
    """The period the list's date filters select (the date hierarchy's year/month/day, a date filter's
    ``__gte`` with ``__lt`` or ``__lte``), or None."""
    for key, value in params.items():
        if key.endswith("__year") and value.isdigit():
            field = key.removesuffix("__year")
            year, month, day = int(value), params.get(f"{field}__month", ""), params.get(f"{field}__day", "")
            try:
                if month.isdigit() and day.isdigit():
                    start = end = datetime.date(year, int(month), int(day))
                elif month.isdigit():
                    start = datetime.date(year, int(month), 1)
                    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
                else:
                    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            except ValueError:
                return None
            return start, end
    for key, value in params.items():
        if key.endswith("__gte"):
            field = key.removesuffix("__gte")
            start = _day(value)
            until, last = params.get(f"{field}__lt"), params.get(f"{field}__lte")
            end = _day(until) - datetime.timedelta(days=1) if until and _day(until) else None
            if end is None and last:  # the date range filter's last day (registers.date_range)
                end = _day(last)
            if start and end and start <= end:
                return start, end
    return None


class SpreadsheetExportMixin:
    """For an ImportExportModelAdmin or ExportMixin admin: its XLSX written by registers.workbooks, the file
    named ``西关办事处_2018年_网格.xlsx`` (the account's unit, the period its list filters select, else the day of
    the export) and sent with RFC 6266's filename* (the library writes the name raw into Content-Disposition,
    which Django then encodes as RFC 2047, which browsers do not read)."""

    def get_export_formats(self):
        return [XLSX if f is base_formats.XLSX else f for f in super().get_export_formats()]

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # The library passes native values (date cells) only to its own binary formats, not to a subclass.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        dataset.title = capfirst(str(self.model._meta.verbose_name_plural))
        dataset.key_columns = self._key_columns(dataset.headers or [])
        return dataset

    def _key_columns(self, headers) -> int:
        labels = set()
        for name in NAMING_FIELDS:
            try:
                labels.add(capfirst(str(label_for_field(name, self.model))))
            except AttributeError:
                continue
        for index, header in enumerate(headers[:KEY_COLUMNS_AT_MOST]):
            if header in labels:
                return index + 1
        return 1

    def get_export_filename(self, request, queryset, file_format):
        period = filtered_period(request.GET)
        if period is None:
            today = timezone.localdate()
            period = (today, today)
        return workbooks.file_name(
            unit_of(request.user),
            workbooks.period_label(*period),
            self.model._meta.verbose_name_plural,
            extension=file_format.get_extension(),
        )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response
