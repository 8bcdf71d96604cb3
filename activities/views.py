"""The programme page: a programme's yearly targets against what its activity log adds up to."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from .models import Programme


@staff_member_required
@permission_required("activities.view_programme", raise_exception=True)
def programme_detail(request, pk):
    programme = get_object_or_404(
        Programme.objects.for_user(request.user).select_related("subdistrict", "community", "parent"), pk=pk
    )
    years = list(programme.years.with_progress().order_by("-year"))
    for year in years:
        year.activities_share = _share(year.activities_done, year.target_activities)
        year.participants_share = _share(year.participants_done, year.target_participants)
    subprojects = programme.subprojects.order_by("name").annotate(
        activities=Count("activity_log"),
        participants=Coalesce(Sum("activity_log__participants"), Value(0), output_field=IntegerField()),
    )
    totals = programme.activities().aggregate(
        activities=Count("pk"),
        participants=Coalesce(Sum("participants"), Value(0), output_field=IntegerField()),
        own=Count("pk", filter=Q(programme=programme)),
    )
    recent = programme.activities().select_related("type", "community", "programme").order_by("-start")[:20]
    context = {
        **admin.site.each_context(request),
        "programme": programme,
        "years": years,
        "subprojects": subprojects,
        "totals": totals,
        "recent": recent,
        "title": programme.name,
        "opts": Programme._meta,
    }
    return render(request, "activities/programme_detail.html", context)


def _share(done, target):
    """Per cent of a target reached, or None when no target was set."""
    return round(100 * done / target) if target else None
