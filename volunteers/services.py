"""Workflows that touch several models."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from communities.models import Person

from .models import CareRecipient, HomeVisit, Service, VolunteerTeam


@transaction.atomic
def record_visit(
    *,
    recipient: CareRecipient,
    team: VolunteerTeam,
    volunteers: list[Person],
    visited_on: datetime.date,
    minutes: int,
    services: list[Service] = (),
    other_services: str = "",
    notes: str = "",
) -> HomeVisit:
    """Record a home visit, refusing a future date, an inactive recipient and volunteers not in the team."""
    visit = HomeVisit(
        recipient=recipient,
        team=team,
        visited_on=visited_on,
        minutes=minutes,
        other_services=other_services,
        notes=notes,
    )
    errors = {}
    try:
        visit.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    volunteer_errors = visit.volunteer_errors(volunteers)
    if volunteer_errors:
        errors["volunteers"] = volunteer_errors
    if errors:
        raise ValidationError(errors)
    visit.save()
    visit.volunteers.set(volunteers)
    visit.services.set(services)
    return visit
