import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")


def validate_volunteer_number(value) -> None:
    """The national volunteer platform's number: letters and digits (dashes allowed), 6 to 30 of them. An
    ID-card number is refused: certificates must not carry one (民发〔2015〕149号)."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{5,29}", value or ""):
        raise ValidationError(
            _("A volunteer number is 6 to 30 letters or digits, as the national platform gives it."),
            code="volunteer_number",
        )
    if re.fullmatch(r"\d{17}[\dXx]", value):
        raise ValidationError(
            _("This looks like an ID-card number: enter the national volunteer number instead."),
            code="volunteer_number_id_card",
        )
