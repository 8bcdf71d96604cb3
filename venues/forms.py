from django import forms
from django.forms.utils import flatatt
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.validators import validate_phone

from .models import Booking
from .services import Day, parse_slot_value


class SlotSelect(forms.Select):
    """The slot list, rendered in Python: a month of slots is ~100 options, and Django's per-option templates
    took half of the booking page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, mark_safe(" selected") if str(v) == selected else "", label) for v, label in choices),
            )

        parts = []
        for group, choices in self.choices:
            if isinstance(choices, list | tuple):
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, options(choices)))
            else:
                parts.append(options([(group, choices)]))
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))


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
        help_text=_("For a school, Party branch, community or other group."),
    )
    size = forms.IntegerField(
        label=_("Number of visitors"),
        initial=1,
        min_value=1,
        max_value=10000,
        error_messages={"min_value": _("A booking is for at least one visitor.")},
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=50)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    offering = forms.ModelChoiceField(label=_("What you would like"), queryset=None, required=False)
    slot = forms.CharField(label=_("Time"), widget=SlotSelect)
    purpose = forms.CharField(
        label=_("Purpose of the visit"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, venue, days: list[Day] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue
        offerings = venue.offerings.all()
        self.fields["offering"].queryset = offerings
        self.fields["offering"].empty_label = _("A general visit")
        if days is not None:
            self.set_slot_choices(days)

    def set_slot_choices(self, days: list[Day]) -> None:
        """The free slots, grouped by day; only needed to show the form (validation parses the value)."""
        choices = [("", _("Choose a time"))]
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
