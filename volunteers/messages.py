"""The team leaders' message on the first of each month: how many of their team's care recipients are due a
home visit, and where the list is (the names stay on the page, behind a sign-in)."""

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from messaging.services import queue_many
from registers.units import unit_key

from .models import CareRecipient, VolunteerTeam


def queue_due_lists(now=None) -> int:
    now = now or timezone.now()
    month = timezone.localdate(now).replace(day=1)
    due = dict(
        CareRecipient.objects.due_in(month)
        .filter(assigned_team__isnull=False)
        .order_by()
        .values_list("assigned_team")
        .annotate(count=Count("pk"))
    )
    teams = (
        VolunteerTeam.objects.filter(pk__in=due, leader__isnull=False)
        .exclude(leader__phone="")
        .select_related("leader", "community")
    )
    items = []
    for team in teams:
        url = settings.SITE_URL.rstrip("/") + reverse("volunteers:due")
        url += f"?unit={unit_key(team.community)}&month={month:%Y-%m}"
        items.append(
            {
                "to": team.leader.phone,
                "key": f"due:{team.pk}:{month:%Y-%m}",
                "params": {"team": team.name, "count": due[team.pk], "url": url},
                "community_id": team.community_id,
                "about": f"team:{team.pk}",
            }
        )
    return queue_many("due_visits", items, now=now)
