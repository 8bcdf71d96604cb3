from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")
