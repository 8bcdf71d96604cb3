"""Phone numbers: how they are written, checked, compared and masked — the one place for each."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mainland mobile number (11 digits starting 1[3-9]) or a landline with area code (0379-12345678).
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def normalize_phone(value: str) -> str:
    """As people type them: full-width digits, spaces, dashes between a mobile number's groups, +86 or 0086
    in front: ``＋86 138-1234-5678`` → ``13812345678``. A landline keeps its area code's dash."""
    text = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086"):
        text = text.removeprefix(prefix)
    if re.fullmatch(r"1[\d-]{10,13}", text):  # a mobile number written in groups
        text = text.replace("-", "")
    return text


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a valid phone number: an 11-digit mobile number or a landline with its area code."),
            code="invalid_phone",
        )


def looks_like_phone(value: str) -> bool:
    return bool(PHONE_RE.match(normalize_phone(value)))


def mask_phone(value: str) -> str:
    """138****1234: enough to recognise a number, not enough to call it."""
    phone = normalize_phone(value)
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
