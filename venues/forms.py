from django import forms
from django.forms.utils import flatatt
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registers.phones import normalize_phone, validate_phone

from .models import Booking
from .services import Day, parse_slot_value, slot_value


class SlotSelect(forms.Select):
    """The slot list, rendered in Python: a month of slots is ~100 options, and Django's per-option templates
    took half of the booking page's time. The empty choice is never marked: it is the one shown when none is
    (and select_slot can mark a slot in the cached fields without leaving two options marked)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (v, mark_safe(" selected") if v and str(v) == selected else "", label)
                    for v, label in choices
                ),
            )

        parts = []
        for group, choices in self.choices:
            if isinstance(choices, list | tuple):
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, options(choices)))
            else:
                parts.append(options([(group, choices)]))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))


def slot_choices(days: list[Day]) -> list:
    """The booking form's slot list: the free slots grouped by day; a full slot is not offered."""
    choices = [("", gettext("Choose a time"))]
    pattern = gettext("%(day)s %(time)s (%(free)s free)")
    for day in days:
        short = date_format(day.date, "m-d D")
        options = [
            (slot.value, pattern % {"day": short, "time": slot.label, "free": slot.free})
            for slot in day.slots
            if slot.free > 0
        ]
        if options:
            choices.append((date_format(day.date, "Y-m-d l"), options))
    return choices


def select_slot(html: str, value: str) -> str:
    """The form's fields ``html``, rendered with no slot chosen, with the option of the slot ``value`` chosen.

    The booking form's fields are cached without a choice (views.book); a link from the venue page
    (``?slot=…``) chooses its slot here. SlotSelect writes each option as ``<option value="…">`` and a slot
    value holds only digits, "-", "T" and ":", so the option is found as it is. A value that is not offered
    (full, passed, malformed) chooses nothing, as an initial value not among the choices would.
    """
    starts_at = parse_slot_value(value)
    if starts_at is None:
        return html
    option = f'<option value="{slot_value(starts_at)}">'
    return mark_safe(html.replace(option, option[:-1] + " selected>", 1))


# In the form's own words, not Django's stock "确保该变量包含不超过 300 字符".
TOO_LONG = {"max_length": _("Write at most %(limit_value)d characters here (this has %(show_value)d).")}
REQUIRED = {"required": _("Fill this in.")}


class BookingForm(forms.Form):
    visitor_kind = forms.ChoiceField(
        label=_("Who is visiting"),
        choices=[(value, capfirst(label)) for value, label in Booking.VisitorKind.choices],
        initial=Booking.VisitorKind.RESIDENT,
        widget=forms.RadioSelect,
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=120,
        required=False,
        error_messages=TOO_LONG,
        help_text=_("For a school, Party branch, community or other group."),
    )
    size = forms.IntegerField(
        label=_("Number of visitors"),
        initial=1,
        min_value=1,
        max_value=10000,
        error_messages={
            "min_value": _("A booking is for at least one visitor."),
            "required": _("Enter how many people will come."),
            "invalid": _("Enter the number of visitors as a number, such as 20."),
        },
    )
    contact_name = forms.CharField(
        label=_("Contact name"), max_length=50, error_messages={**TOO_LONG, **REQUIRED}
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        validators=[validate_phone],
        error_messages={**TOO_LONG, **REQUIRED},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_(
            "We send SMS to this number only about this booking: that it was received, the venue's decision, "
            "a cancellation, and the reminder below."
        ),
    )
    reminders = forms.BooleanField(
        label=_("Send me an SMS reminder the day before the visit"), required=False, initial=True
    )
    offering = forms.ModelChoiceField(label=_("What you would like"), queryset=None, required=False)
    slot = forms.CharField(
        label=_("Time"), widget=SlotSelect, error_messages={"required": _("Choose a time from the list.")}
    )
    purpose = forms.CharField(
        label=_("Purpose of the visit"),
        max_length=300,
        required=False,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the notice above and agree. I am 14 or older, or I am booking as the guardian of the "
            "child who visits."
        ),
        error_messages={
            "required": _("Tick the box to accept the notice: without it we cannot take the booking.")
        },
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue
        offerings = venue.offerings.all()
        self.fields["offering"].queryset = offerings
        self.fields["offering"].empty_label = _("A general visit")

    def set_slot_choices(self, choices: list) -> None:
        """The slot list (slot_choices), only needed to show the form: validation parses the value, and the
        booking transaction checks the time and the free places against the database."""
        self.fields["slot"].widget.choices = choices

    def clean_slot(self):
        starts_at = parse_slot_value(self.cleaned_data["slot"])
        if starts_at is None:
            raise forms.ValidationError(_("Choose a time from the list."))
        return starts_at

    def clean_organisation(self):
        return self.cleaned_data["organisation"].strip()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("visitor_kind")
        if kind and kind != Booking.VisitorKind.RESIDENT and not cleaned.get("organisation"):
            self.add_error("organisation", _("Enter the name of the organisation for a group visit."))
        return cleaned


class CancelForm(forms.Form):
    phone = forms.CharField(
        label=_("The phone number you booked with"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class FindPhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("The phone number you booked with"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class WaitlistForm(forms.Form):
    """Joining a full slot's waitlist: from the venue page's "full" slot, or from the booking form that said so."""

    slot = forms.CharField(widget=forms.HiddenInput)
    size = forms.IntegerField(label=_("Number of visitors"), min_value=1, max_value=10000, initial=1)
    contact_name = forms.CharField(
        label=_("Contact name"), max_length=50, error_messages={**TOO_LONG, **REQUIRED}
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_slot(self):
        starts_at = parse_slot_value(self.cleaned_data["slot"])
        if starts_at is None:
            raise forms.ValidationError(_("Choose a time from the list."))
        return starts_at

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class CheckInForm(forms.Form):
    visitors = forms.IntegerField(
        label=_("Visitors who came"),
        min_value=1,
        max_value=10000,
        error_messages={
            "required": _("Enter how many visitors came (at least one)."),
            "min_value": _("Enter how many visitors came (at least one)."),
            "invalid": _("Enter the number of visitors as a number, such as 20."),
        },
    )
