import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The SMS code of messaging.phone_codes, as people type it (spaces, full-width digits)."""

    code = forms.CharField(
        label=_("The 6-digit code we sent by SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["code"]).replace(" ", "")
