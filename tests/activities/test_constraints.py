"""The database keeps the activity rules even when code bypasses the forms (bulk updates, raw imports)."""

import pytest
from django.db import IntegrityError, transaction

from activities.models import MAX_PARTICIPANTS, Activity

from .conftest import at


@pytest.mark.parametrize(
    "change",
    [
        {"end": at(2018, 3, 5, 8)},  # before its start
        {"participants": MAX_PARTICIPANTS + 1},
        {"party_organization": None},  # no organiser
    ],
    ids=["end-before-start", "absurd-participants", "no-organiser"],
)
def test_database_refuses_a_broken_activity(activity, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(**change)


def test_database_refuses_two_organisers(activity, other_community):
    from communities.models import PartnerOrganization

    partner = PartnerOrganization.objects.create(
        name="长乐社工",
        kind=PartnerOrganization.Kind.SOCIAL_WORK_AGENCY,
        subdistrict=other_community.subdistrict,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(partner=partner)


@pytest.mark.postgres
def test_negative_participants_are_refused_by_postgresql(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(participants=-1)
