from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, District, Subdistrict
from communities.scoping import unit_of

from .models import CareRecipient, HomeVisit


class HomeVisitAdminForm(forms.ModelForm):
    """The admin's visit form: the volunteers-in-the-team rule spans the many-to-many field, so it lives here."""

    class Meta:
        model = HomeVisit
        fields = [
            "recipient",
            "team",
            "volunteers",
            "visited_on",
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
            for message in self.instance.volunteer_errors(volunteers):
                self.add_error("volunteers", message)
        return cleaned


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
            "active",
            "inactive_reason",
        ]
        widgets = {
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


UNIT_MODELS = {"district": District, "subdistrict": Subdistrict, "community": Community}


def parse_unit(value: str, user):
    """``community:12`` → that unit, when the account may see it; the account's own unit when empty.

    A unit outside the account's scope and one that does not exist both give None (the view answers 404).
    """
    if not value:
        return unit_of(user)
    level, _sep, pk = value.partition(":")
    model = UNIT_MODELS.get(level)
    if model is None or not pk.isdigit():
        return None
    return model.objects.for_user(user).filter(pk=int(pk)).first() if _may_pick(user, model) else None


def _may_pick(user, model) -> bool:
    # A unit is picked only at or below the account's own level: a community's staff cannot widen the
    # page to their subdistrict (which for_user would show them, read-only, for the registers above them).
    if user.is_superuser:
        return True
    own = unit_of(user)
    if own is None:
        return False
    order = ["district", "subdistrict", "community"]
    return order.index(model._meta.model_name) >= order.index(own._meta.model_name)


def unit_key(unit) -> str:
    return f"{unit._meta.model_name}:{unit.pk}"


class MonthField(forms.DateField):
    input_formats = ["%Y-%m"]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        super().__init__(**kwargs)


class DueListForm(forms.Form):
    unit = forms.CharField(label=_("unit"), required=False)
    month = MonthField(label=_("month"), required=False)

    def clean_month(self):
        return self.cleaned_data["month"] or timezone.localdate().replace(day=1)


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
