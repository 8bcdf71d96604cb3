import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from registers.phones import normalize_phone, validate_phone


class PhoneForm(forms.Form):
    """A mobile number a code is sent to, as people type it (spaces, dashes, +86)."""

    phone = forms.CharField(
        label=_("Your mobile phone number"),
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    """The SMS code of messaging.phone_codes, as people type it (spaces, full-width digits)."""

    code = forms.CharField(
        label=_("The 6-digit code we sent by SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["code"]).replace(" ", "")
