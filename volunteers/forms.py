import io

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from communities.models import Community, Person
from messaging.forms import PhoneForm

from .models import CareRecipient, Certificate, HomeVisit, IssuingOffice, ServiceRecord


class HomeVisitAdminForm(forms.ModelForm):
    """The admin's visit form: the volunteers-in-the-team rule spans the many-to-many field, so it lives here.

    A second visit to the same recipient by the same team on the same day is often the same visit entered
    twice: the form asks, and saves it once "save anyway" is ticked (two visits in a day do happen)."""

    save_anyway = forms.BooleanField(
        label=_("Save anyway: a second visit the same day"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = HomeVisit
        fields = [
            "recipient",
            "team",
            "volunteers",
            "visited_on",
            "save_anyway",
            "services",
            "other_services",
            "minutes",
            "notes",
        ]
        widgets = {"services": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        volunteers = cleaned.get("volunteers")
        if volunteers is not None and cleaned.get("team") is not None and "visited_on" not in self.errors:
            # The instance gets the cleaned values only after clean(): check against them directly.
            visit = HomeVisit(team=cleaned["team"], visited_on=cleaned.get("visited_on"))
            for message in visit.volunteer_errors(volunteers):
                self.add_error("volunteers", message)
        self._ask_about_a_second_visit(cleaned)
        return cleaned

    def _ask_about_a_second_visit(self, cleaned):
        recipient, team, day = cleaned.get("recipient"), cleaned.get("team"), cleaned.get("visited_on")
        if recipient is None or team is None or day is None or cleaned.get("save_anyway"):
            return
        same = HomeVisit.objects.filter(recipient=recipient, team=team, visited_on=day)
        if self.instance.pk is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            self.fields["save_anyway"].widget = forms.CheckboxInput()
            self.add_error(
                "save_anyway",
                _(
                    "%(team)s already recorded a visit to %(recipient)s on %(date)s. If this is the same "
                    "visit, do not save it again; if it is a second visit, tick the box and save."
                )
                % {"team": team, "recipient": recipient, "date": day.isoformat()},
            )


class CareRecipientAdminForm(forms.ModelForm):
    class Meta:
        model = CareRecipient
        fields = [
            "person",
            "categories",
            "health_notes",
            "frequency",
            "frequency_unit",
            "since",
            "assigned_team",
            "assigned_volunteers",
            "usual_day",
            "usual_services",
            "courtyard",
            "building",
            "entrance",
            "room",
            "active",
            "inactive_reason",
        ]
        widgets = {
            "building": forms.TextInput(attrs={"size": 8}),
            "entrance": forms.TextInput(attrs={"size": 8}),
            "room": forms.TextInput(attrs={"size": 8}),
            "categories": forms.CheckboxSelectMultiple,
            "usual_services": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        cleaned = super().clean()
        team, volunteers = cleaned.get("assigned_team"), cleaned.get("assigned_volunteers")
        if team is not None and volunteers:
            outsiders = team.non_members(list(volunteers))
            if outsiders:
                self.add_error(
                    "assigned_volunteers",
                    _("Not a member of %(team)s: %(names)s.")
                    % {"team": team, "names": "、".join(person.name for person in outsiders)},
                )
        return cleaned


class PeriodForm(forms.Form):
    unit = forms.CharField(label=_("unit"), required=False)
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        choices=[("", "html"), ("xlsx", "xlsx"), ("csv", "csv")], required=False, widget=forms.HiddenInput
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period's start is after its end."))
        return cleaned


class ServiceRecordAdminForm(forms.ModelForm):
    """Staff enter activity, duty and other service; a home visit's records come from the visit, and
    check-in records from the volunteers' own check-in and check-out."""

    ENTERED_KINDS = [ServiceRecord.Kind.ACTIVITY, ServiceRecord.Kind.VENUE_DUTY, ServiceRecord.Kind.OTHER]
    ENTERED_HOW = [ServiceRecord.Recorded.ORGANISER, ServiceRecord.Recorded.BACKFILLED]

    class Meta:
        model = ServiceRecord
        fields = [
            "volunteer",
            "community",
            "team",
            "kind",
            "activity",
            "served_on",
            "starts_at",
            "ends_at",
            "minutes",
            "place",
            "content",
            "recorded",
            "backfill_reason",
        ]
        help_texts = {
            "minutes": _("The actual service time, travel excluded."),
            "backfill_reason": _("Required when the hours are back-filled: why they were not recorded then."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = [
                (value, label) for value, label in ServiceRecord.Kind.choices if value in self.ENTERED_KINDS
            ]
        if "recorded" in self.fields:
            self.fields["recorded"].choices = [
                (value, label)
                for value, label in ServiceRecord.Recorded.choices
                if value in self.ENTERED_HOW or value == self.instance.recorded
            ]


class IssuingOfficeAdminForm(forms.ModelForm):
    class Meta:
        model = IssuingOffice
        fields = ["subdistrict", "community", "name", "code", "person_in_charge", "contact", "seal"]
        widgets = {"seal": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})}

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean_seal(self):
        """A real PNG or JPEG image, re-encoded as a fresh PNG: whatever else the file held (metadata, a script
        disguised as an image, a second file appended) does not survive."""
        seal = self.cleaned_data.get("seal")
        if not seal or not hasattr(seal, "content_type"):
            return seal  # unchanged or cleared
        if seal.size > settings.SEAL_MAX_BYTES:
            raise forms.ValidationError(
                _("The seal image is too large (at most %(mb)s MB).")
                % {"mb": settings.SEAL_MAX_BYTES // 2**20}
            )
        try:
            with Image.open(seal) as probe:
                probe.verify()
            seal.seek(0)
            with Image.open(seal) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise forms.ValidationError(_("The seal must be a PNG or JPEG image."))
                if max(image.size) > 4000:
                    raise forms.ValidationError(
                        _("The seal image is too large (at most 4000 pixels a side).")
                    )
                clean = image.convert("RGBA")
        except (OSError, SyntaxError, Image.DecompressionBombError) as error:
            raise forms.ValidationError(_("This file is not a readable PNG or JPEG image.")) from error
        buffer = io.BytesIO()
        clean.save(buffer, format="PNG")
        return ContentFile(buffer.getvalue(), name="seal.png")


class CertificateIssueForm(forms.Form):
    office = forms.ModelChoiceField(IssuingOffice.objects.none(), label=_("issued by"))
    volunteer = forms.ModelChoiceField(Person.objects.none(), label=_("volunteer"))
    start = forms.DateField(label=_("service from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("service to"), widget=forms.DateInput(attrs={"type": "date"}))
    handler = forms.CharField(label=_("handled by"), max_length=50)
    notes = forms.CharField(
        label=_("notes"),
        max_length=200,
        required=False,
        help_text=_("For example what the certificate is for (a school or job application)."),
    )

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = IssuingOffice.objects.for_user(user)
        self.fields["volunteer"].widget = AutocompleteSelect(
            Certificate._meta.get_field("volunteer"), admin_site
        )
        # After the widget: it takes the choices. Labelled as every person picker (name, community …).
        self.fields["volunteer"].queryset = Person.objects.for_user(user).select_related(
            *Person.choice_label_related
        )
        self.fields["volunteer"].label_from_instance = Person.choice_label

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        if end and end > timezone.localdate():
            self.add_error("end", _("The period cannot end in the future."))
        return cleaned


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(label=_("why revoked"), max_length=200)


class SignUpForm(PhoneForm):
    name = forms.CharField(
        label=_("Your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    accepts_risks = forms.BooleanField(
        label=_("I have read the tasks and the risks above and take part of my own free will."),
        error_messages={"required": _("Please confirm you have read the tasks and the risks.")},
    )

    field_order = ["name", "phone", "accepts_risks"]

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class CertificateRequestForm(forms.Form):
    community = forms.ModelChoiceField(Community.objects.none(), label=_("recorded by"))
    purpose = forms.CharField(label=_("what it is for"), max_length=100, required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class OrganiserCheckOutForm(forms.Form):
    check_in = forms.IntegerField(widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("left at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("why entered by the organiser"), max_length=200)
