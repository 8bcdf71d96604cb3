"""The import template of a register: the XLSX an office fills in, written from the register's own resource.

The first sheet has the columns the import reads, under Chinese headers, each with a note (required or not,
the format, the allowed values), drop-down lists for choices and for the units and teams the account may
name, date-formatted columns, and one example row marked “（示例）”, which the import passes over. A second
sheet explains the rules; a hidden third one holds the drop-down lists. Nothing in it is personal data.
"""

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext

from ..workbooks import file_name, sheet_name, text_width
from .widgets import (
    BooleanWidget,
    CachedNameWidget,
    ChoiceWidget,
    DateTimeWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    MaskedWidget,
    PhoneWidget,
    ScopedForeignKeyWidget,
)

# The first cell of the template's example row starts with this; the import passes over such rows.
EXAMPLE_MARK = "（示例）"
# Rows of the first sheet given the drop-down lists and the date formats.
TEMPLATE_ROWS = 2000
# Names offered in a drop-down list (a district's communities fit; beyond, the list stops and any name is
# still accepted as typed).
LISTED_NAMES = 1000
TEXT, NUMBER, DATE, DATETIME, CHOICE, YES_NO, NAME = (
    "text",
    "number",
    "date",
    "datetime",
    "choice",
    "yes_no",
    "name",
)


def is_example_row(values) -> bool:
    return any(isinstance(value, str) and value.startswith(EXAMPLE_MARK) for value in values)


def _kind(widget):
    widget = widget.inner if isinstance(widget, MaskedWidget) else widget
    if isinstance(widget, DateTimeWidget):
        return DATETIME
    if isinstance(widget, DateWidget):
        return DATE
    if isinstance(widget, IntegerWidget | DecimalWidget):
        return NUMBER
    if isinstance(widget, ChoiceWidget):
        return CHOICE
    if isinstance(widget, BooleanWidget):
        return YES_NO
    if isinstance(widget, ScopedForeignKeyWidget) and widget.field == "name":
        return NAME
    return TEXT


def _names(widget, user) -> list[str]:
    """The names a column may take for ``user`` (their unit's communities, teams, types …)."""
    if isinstance(widget, CachedNameWidget):
        records = widget.queryset_for_user(user)
    else:
        records = widget.model._default_manager.all()
        if hasattr(records, "for_user"):
            records = records.for_user(user)
    names = records.order_by().values_list("name", flat=True).distinct()
    return sorted({str(name) for name in names[:LISTED_NAMES]})


def _choices(widget) -> list[str]:
    if isinstance(widget, ChoiceWidget):
        return [str(label) for _code, label in widget.choices]
    return [gettext("yes"), gettext("no")]


def _format_note(kind, widget) -> str:
    inner = widget.inner if isinstance(widget, MaskedWidget) else widget
    if kind == DATETIME:
        if getattr(inner, "end_of_day", False):
            return gettext("date and time, e.g. 2018-06-01 11:00; a date alone means the end of that day")
        return gettext("date and time, e.g. 2018-06-01 09:00; a date alone means the whole day")
    if kind == DATE:
        return gettext("date, e.g. 2018-06-01 (2018/6/1 and 2018年6月1日 are read too)")
    if kind == NUMBER:
        return gettext("a number; 20人 or 45分钟 are read as the number")
    if kind in (CHOICE, YES_NO):
        return gettext("one of the values in the drop-down list")
    if kind == NAME:
        return gettext("a name in your unit, as in the drop-down list")
    if isinstance(inner, PhoneWidget):
        return gettext("an 11-digit mobile number or a landline with its area code")
    return gettext("text")


def _example(kind, header, options, first_text, inner):
    if first_text:
        return f"{EXAMPLE_MARK}{header}"
    if kind == DATETIME:
        hour = 11 if getattr(inner, "end_of_day", False) else 9
        return datetime.datetime(2018, 6, 1, hour, 0)  # noqa: DTZ001 (a cell: the office's wall clock)
    if kind == DATE:
        return datetime.date(2018, 6, 1)
    if kind == NUMBER:
        return 20
    if kind in (CHOICE, YES_NO, NAME):
        return options[0] if options else ""
    return ""


def import_template(resource, *, title: str) -> tuple[str, bytes]:
    """(file name, XLSX) of the template of ``resource`` (bound to the importing account)."""
    required = set(resource.required_columns())
    fields = {
        name: field
        for name, field in resource.fields.items()
        if field.attribute and not field.readonly and name != "id" and name not in resource.hidden_fields
    }
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    header_format = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required_format = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    example_format = book.add_format({"italic": True, "font_color": "#7F7F7F"})
    formats = {
        DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
        DATETIME: book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    example_formats = {
        DATE: book.add_format({"num_format": "yyyy-mm-dd", "italic": True, "font_color": "#7F7F7F"}),
        DATETIME: book.add_format(
            {"num_format": "yyyy-mm-dd hh:mm", "italic": True, "font_color": "#7F7F7F"}
        ),
    }
    used = set()
    data = book.add_worksheet(sheet_name(title, used))
    rules = book.add_worksheet(sheet_name(gettext("How to fill in"), used))
    lists = book.add_worksheet(sheet_name(gettext("Lists"), used))
    lists.hide()

    user = resource.user
    rule_rows, list_column = [], 0
    # The example row is marked in its first text column (a required one if any); without a text column the
    # template has no example row, which could not be told from a record.
    text_columns = [
        f for f in fields.values() if _kind(f.widget) == TEXT and not isinstance(f.widget, PhoneWidget)
    ]
    marked = next((f for f in text_columns if str(f.column_name) in required), None) or next(
        iter(text_columns), None
    )
    for col, (name, field) in enumerate(fields.items()):
        header = str(field.column_name)
        widget = field.widget
        inner = widget.inner if isinstance(widget, MaskedWidget) else widget
        kind = _kind(widget)
        options = []
        if kind in (CHOICE, YES_NO):
            options = _choices(inner)
        elif kind == NAME and user is not None:
            options = _names(inner, user)
        is_required = header in required
        note = "；".join(
            [
                gettext("required") if is_required else gettext("optional"),
                _format_note(kind, widget),
                *([gettext("values: %(values)s") % {"values": "、".join(options[:30])}] if options else []),
            ]
        )
        data.write_string(0, col, header, required_format if is_required else header_format)
        data.write_comment(0, col, note, {"x_scale": 2, "y_scale": 1.5})
        width = max(10, min(40, max([text_width(header), *(text_width(o) for o in options[:50])]) + 2))
        data.set_column(col, col, width, formats.get(kind))
        # The example row fills the required columns and those the register names (an activity's one
        # organiser), so that it reads as a row that would import.
        exemplified = (
            is_required or field is marked or name in getattr(resource, "template_example_fields", ())
        )
        value = (
            _example(kind, header, options, field is marked, inner)
            if marked is not None and exemplified
            else ""
        )
        if isinstance(value, datetime.datetime | datetime.date):
            data.write_datetime(1, col, value, example_formats[kind])
        elif isinstance(value, int):
            data.write_number(1, col, value, example_format)
        elif value:
            data.write_string(1, col, value, example_format)
        if options:
            lists.write_string(0, list_column, header)
            for row, option in enumerate(options, start=1):
                lists.write_string(row, list_column, option)
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            strict = kind in (CHOICE, YES_NO)
            data.data_validation(
                1,
                col,
                TEMPLATE_ROWS,
                col,
                {
                    "validate": "list",
                    "source": f"='{lists.name}'!${letter}$2:${letter}${len(options) + 1}",
                    # A unit or team added after the template was downloaded is still accepted as typed.
                    "error_type": "stop" if strict else "information",
                    "error_title": header,
                    "error_message": gettext("Choose a value from the list."),
                },
            )
            list_column += 1
        rule_rows.append([header, gettext("yes") if is_required else gettext("no"), _format_note(kind, widget),
                          "、".join(options[:60]) + ("…" if len(options) > 60 else "")])  # fmt: skip
    data.freeze_panes(1, 0)
    data.set_row(0, 32)
    data.set_landscape()
    data.set_paper(9)
    data.fit_to_pages(1, 0)
    data.repeat_rows(0)

    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    rules.set_column(0, 0, 18)
    rules.set_column(1, 1, 8)
    rules.set_column(2, 2, 48, wrap)
    rules.set_column(3, 3, 60, wrap)
    rules.write_string(0, 0, gettext("How to fill in this sheet"), bold)
    general = [
        gettext("Fill in one row per record under the header row; keep the headers as they are."),
        gettext(
            "The grey example row (its first cell starts with “（示例）”) is skipped by the import: keep it or delete it."
        ),
        gettext("Orange headers are required; the others may be left blank."),
        gettext("A title line above the header row, and blank lines, are allowed."),
        gettext(
            "Importing the same sheet again adds nothing twice: rows already recorded show as unchanged."
        ),
        gettext(
            "Save as XLSX (Excel, WPS or LibreOffice) or as CSV; the format is recognised from the file."
        ),
    ]
    for row, line in enumerate(general, start=1):
        rules.write_string(row, 0, f"{row}. {line}")
    start = len(general) + 2
    for col, heading in enumerate(
        [gettext("column"), gettext("required"), gettext("format"), gettext("allowed values")]
    ):
        rules.write_string(start, col, heading, header_format)
    for row, values in enumerate(rule_rows, start=start + 1):
        for col, value in enumerate(values):
            rules.write_string(row, col, value)
    rules.set_landscape()
    rules.set_paper(9)
    rules.fit_to_pages(1, 0)
    book.close()
    return file_name(title, gettext("import template"), extension="xlsx"), out.getvalue()
