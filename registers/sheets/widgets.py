"""The widgets of the registers' sheets: each raises ValueError with a message for the user; the library
turns it into a row error."""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import (
    MultipleObjectsReturned,
    ObjectDoesNotExist,
)
from django.utils import timezone
from django.utils.formats import sanitize_separators
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from ..phones import normalize_phone
from ..scoping import is_scoped
from ..units import unit_of
from .cells import AMBIGUOUS, cell_text, excel_serial, in_every_language, typed_text

# The units an office writes after a count or a length (20人, 3场, 45分钟): the number is what is meant.
COUNT_UNITS = ("人次", "人", "名", "位", "户", "个", "次", "场", "期", "分钟", "小时", "天")
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
WITH_UNIT = re.compile(r"([+-]?[\d,]+(?:\.\d+)?)\s*(?:" + "|".join(COUNT_UNITS) + ")")


def number_text(value) -> str:
    """A number cell as people type it: ２０ → 20, 20人 → 20, 1,200 → 1200 (commas between groups of three
    digits); anything else is returned as typed, for the widget to refuse."""
    text = typed_text(value)
    with_unit = WITH_UNIT.fullmatch(text)
    if with_unit:
        text = with_unit.group(1)
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return sanitize_separators(text)


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        # Plain digits (nearly every cell of a large sheet) are read directly.
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 15:
            return int(value)
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(number_text(value)))
        except (InvalidOperation, ValueError, TypeError):
            number = None
        if (
            number is None
            or not number.is_finite()
            or number != number.to_integral_value()
            or abs(number) >= 10**15
        ):
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
        return int(number)


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(number_text(value)))
        except (InvalidOperation, ValueError, TypeError):
            number = None
        if number is None or not number.is_finite():
            raise ValueError(gettext("“%(value)s” is not a number.") % {"value": cell_text(value)})
        return number


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def typed_date(text: str) -> date | None:
    """A date as people type it (2018-05-31, 2018/5/31, 2018.5.31, 2018年5月31日, 20180531), else None."""
    for input_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, input_format).date()  # noqa: DTZ007 (a date, no time zone)
        except ValueError:
            continue
    return None


class DateWidget(widgets.DateWidget):
    """Dates as spreadsheets hold them (date cells, Excel date serials such as 43252) or as people type
    them (2018-05-31, 2018/5/31, 2018年5月31日, in full-width digits too)."""

    def __init__(self, format="%Y-%m-%d", coerce_to_string=True):
        super().__init__(format=format, coerce_to_string=coerce_to_string)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = typed_text(value)
        if not text:
            return None
        serial = excel_serial(value)
        if serial is not None:
            return serial.date()
        found = typed_date(text.split(" ")[0] if re.fullmatch(r"\S+ 0?0:00(:00)?", text) else text)
        if found is None:
            raise ValueError(
                gettext("“%(value)s” is not a date; write dates like 2018-05-31.")
                % {"value": cell_text(value)}
            )
        return found


class BooleanWidget(widgets.BooleanWidget):
    """Yes/no in words people type: 是/否, yes/no, true/false, 1/0; exported as 是/否 (or yes/no)."""

    YES = {"1", "true", "yes", "y", "是", "√", "✓", "t"}
    NO = {"0", "false", "no", "n", "否", "×", "x", "f"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if value in (0, 1):
                return bool(value)
        text = cell_text(value).casefold()
        if not text:
            return None
        if not hasattr(self, "_words"):  # once per import: the words in every site language
            self._words = (
                self.YES | {t.casefold() for t in in_every_language(_("yes"))},
                self.NO | {t.casefold() for t in in_every_language(_("no"))},
            )
        if text in self._words[0]:
            return True
        if text in self._words[1]:
            return False
        raise ValueError(
            gettext("“%(value)s” is not yes or no; write 是 or 否.") % {"value": cell_text(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return gettext("yes") if value else gettext("no")


class PhoneWidget(widgets.CharWidget):
    """A phone number stored as the register writes it (１３８ 1234-5678 → 13812345678), whatever the
    sheet's spacing or full-width digits; the field's validator still refuses what is not a number."""

    def clean(self, value, row=None, **kwargs):
        return normalize_phone(cell_text(value))


class ChoiceWidget(widgets.CharWidget):
    """A field with choices: exported as its label, imported from the label (either language) or the code."""

    def __init__(self, choices, aliases=None, **kwargs):
        self.choices = list(choices)
        self.aliases = aliases or {}  # other spellings people write -> the code
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        if not hasattr(
            self, "_codes"
        ):  # once per import: each choice's code and label in every site language
            self._codes = {}
            for code, label in self.choices:
                for spelling in {str(code), *in_every_language(label)}:
                    self._codes.setdefault(typed_text(spelling).casefold(), code)
            for spelling, code in self.aliases.items():
                self._codes.setdefault(typed_text(spelling).casefold(), code)
        code = self._codes.get(typed_text(text).casefold())
        if code is not None:
            return code
        raise ValueError(
            gettext("“%(value)s” is not one of the choices: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for _code, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        for code, label in self.choices:
            if code == value:
                return str(label)
        return "" if value is None else str(value)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Finds the related record by ``field`` (usually its name) only among those the account may see.

    ``row_filters`` narrows the lookup with other fields of the same resource where names repeat across
    units, e.g. ``{"community__name": "community"}`` finds a grid by its name within the row's community.
    """

    def __init__(self, model, field="name", row_filters=None, **kwargs):
        self.row_filters = row_filters or {}  # lookup -> resource field name
        self.row_columns = {}  # lookup -> that field's column header, bound by ScopedModelResource
        self.user = None  # bound by ScopedModelResource to the importing account
        self._found = {}
        self._found_ids = set()  # id() of every record this widget found (see found())
        super().__init__(model, field=field, **kwargs)

    def found(self, record) -> bool:
        """Whether ``record`` is one this widget looked up (so it exists and is inside the account's unit)."""
        return id(record) in self._found_ids

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = super().get_queryset(value, row, *args, **kwargs)
        user = self.user or kwargs.get("user")
        if user is not None and is_scoped(self.model):
            queryset = queryset.for_user(user)
        for lookup, column in self.row_columns.items():
            narrowing = cell_text((row or {}).get(column))
            if narrowing:
                queryset = queryset.filter(**{lookup: narrowing})
        return queryset

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        # A file names the same few units on every row: look each up once per import (found ones only, so a
        # unit created by an earlier row of the same file is still found).
        key = (text, *(cell_text((row or {}).get(column)) for column in self.row_columns.values()))
        if key in self._found:
            return self._found[key]
        try:
            found = self.get_queryset(text, row, **kwargs).get(**self.get_lookup_kwargs(text, row, **kwargs))
        except ObjectDoesNotExist:
            user = self.user or kwargs.get("user")
            if user is not None and not user.is_superuser:
                message = gettext("%(model)s “%(value)s” was not found in your unit (%(unit)s).")
            else:
                message = gettext("%(model)s “%(value)s” was not found.")
            raise ValueError(
                message % {"model": self.model._meta.verbose_name, "value": text, "unit": unit_of(user)}
            ) from None
        except MultipleObjectsReturned:
            raise ValueError(
                gettext("Several %(model)s are named “%(value)s”; add the column that tells them apart.")
                % {"model": self.model._meta.verbose_name_plural, "value": text}
            ) from None
        except (ValueError, TypeError):
            raise ValueError(
                gettext("%(model)s “%(value)s” was not found.")
                % {"model": self.model._meta.verbose_name, "value": text}
            ) from None
        self._found[key] = found
        self._found_ids.add(id(found))
        return found


class MaskedWidget(widgets.Widget):
    """Shows a masked value (138****1234) wherever the resource renders the field: export and the preview's
    before/after comparison; reads imported values with the field's own widget."""

    def __init__(self, inner, mask):
        self.inner, self.mask = inner, mask
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        return self.inner.clean(value, row=row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return self.mask(value) if value else ""


DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y-%m-%dT%H:%M:%S",
)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class DateTimeWidget(widgets.DateTimeWidget):
    """Date and time as a spreadsheet cell holds it (a date cell, an Excel serial such as 43252.375) or as
    people type it (2018-05-31 09:00, 2018/5/31 9:00, in full-width digits too); local time (Asia/Shanghai).

    A date without a time of day (2018/6/1, a serial without a fraction, a date cell at 00:00) is the whole
    day: its start at 00:00, or, for a widget that reads an end (``end_of_day``), its end at 23:59.
    """

    tz = None

    def __init__(self, *args, end_of_day=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.end_of_day = end_of_day

    def reset(self):
        self.tz = None

    def _whole_day(self, day: date) -> datetime:
        return datetime.combine(day, time(23, 59) if self.end_of_day else time(0, 0))

    def _parse_typed(self, text):
        for input_format in DATETIME_FORMATS:
            try:
                return datetime.strptime(text, input_format)  # noqa: DTZ007 (made aware by clean)
            except ValueError:
                continue
        day = typed_date(text)
        if day is not None:
            return self._whole_day(day)
        raise ValueError(
            gettext("“%(value)s” is not a date and time; write them like 2018-05-31 09:00.") % {"value": text}
        )

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            moment = value
            if moment.tzinfo is None and moment.time() == time(0, 0) and self.end_of_day:
                moment = self._whole_day(moment.date())  # a date cell: no time of day
        elif isinstance(value, date):
            moment = self._whole_day(value)
        elif isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and (moment := _iso(value)):
            pass  # 2018-05-31 09:00[:00]: nearly every cell of a large sheet, read first
        elif (serial := excel_serial(value)) is not None:
            moment = serial if serial.time() != time(0, 0) else self._whole_day(serial.date())
        else:
            text = typed_text(value)
            if not text:
                return None
            try:
                moment = datetime.fromisoformat(text)
                if len(text) == 10:  # 2018-05-31: fromisoformat reads a date alone as its midnight
                    moment = self._whole_day(moment.date())
            except ValueError:
                moment = self._parse_typed(text)
        if moment.tzinfo is not None:
            return moment
        if self.tz is None:
            self.tz = timezone.get_current_timezone()  # once per import, not once per cell
        return moment.replace(tzinfo=self.tz)


def index_by(records, key):
    """{key(record): record}, with AMBIGUOUS where two visible records share a key."""
    index = {}
    for record in records:
        k = key(record)
        index[k] = AMBIGUOUS if k in index else record
    return index


class CachedNameWidget(ScopedForeignKeyWidget):
    """A foreign key given by name, looked up in one dictionary per import of what the account may see."""

    not_found = ""

    def __init__(self, model, queryset_for_user, **kwargs):
        super().__init__(model, field="name", **kwargs)
        self.queryset_for_user = queryset_for_user
        self.cache = None

    def reset(self):
        self.cache = None

    def load(self, user):
        return index_by(self.queryset_for_user(user), lambda r: r.name)

    def lookup(self, name, row, user):
        if self.cache is None:
            self.cache = self.load(user)
        return self.cache.get(name)

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            return None
        found = self.lookup(name, row or {}, self.user or kwargs.get("user"))
        if found is AMBIGUOUS:
            raise ValueError(
                gettext("“%(name)s” names several records in your unit; rename one of them.") % {"name": name}
            )
        if found is None:
            message = str(self.not_found or gettext("%(model)s “%(name)s” was not found in your unit."))
            raise ValueError(message % {"name": name, "model": self.model._meta.verbose_name})
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""
