"""The rules the database keeps, whatever writes the row (raw saves, bulk loads, another program)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from volunteers.models import CareRecipient, HomeVisit, Membership, VolunteerTeam


def refused(func):
    with pytest.raises(IntegrityError), transaction.atomic():
        func()


def test_the_database_refuses_impossible_visits_and_recipients(recipient, team, volunteer, community):
    visit = dict(recipient=recipient, community=community, team=team, visited_on=datetime.date(2018, 1, 1))
    refused(lambda: HomeVisit.objects.create(**visit, minutes=0))
    refused(lambda: HomeVisit.objects.create(**visit, minutes=1441))
    refused(lambda: CareRecipient.objects.filter(pk=recipient.pk).update(frequency=13))  # months: 12 at most
    CareRecipient.objects.filter(pk=recipient.pk).update(frequency=30, frequency_unit="days")  # days may
    refused(lambda: CareRecipient.objects.filter(pk=recipient.pk).update(usual_day=32))
    refused(lambda: CareRecipient.objects.filter(pk=recipient.pk).update(active=False))  # without a reason
    refused(lambda: VolunteerTeam.objects.create(name=team.name, community=community))
    refused(lambda: Membership.objects.create(team=team, person=volunteer))
    assert not HomeVisit.objects.exists()
