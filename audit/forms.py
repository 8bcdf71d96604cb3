from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("code from the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ErasureForm(forms.Form):
    confirm = forms.CharField(
        label=_("type the person's name to confirm"),
        max_length=50,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != self.person.name:
            raise forms.ValidationError(_("The name does not match; nothing was erased."))
        return value
