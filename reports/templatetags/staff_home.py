"""The admin home's panel of what waits for the signed-in account, in its own unit: bookings to decide, care
recipients due a home visit this month, its imports still running; and the staff pages outside the admin
it may open. It reads several apps, hence it lives here, above them (see the layers in pyproject.toml).

A fixed number of queries whatever the data: one count per line (the permissions and the account's unit
are read once per request by the admin page anyway)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registers.models import Job
from registers.units import home_unit, unit_of
from venues.services import awaiting_decision
from volunteers.stats import due_count

register = template.Library()

# An import not yet ended: waiting for a worker, being checked, checked and waiting for its account's
# confirmation, being written.
IMPORT_STATUSES = [Job.Status.QUEUED, Job.Status.CHECKING, Job.Status.CHECKED, Job.Status.IMPORTING]


def _bookings(user) -> dict:
    count, oldest = awaiting_decision(user)
    hours = int((timezone.now() - oldest).total_seconds() // 3600) if oldest else 0
    return {
        "id": "waiting-bookings",
        "label": _("Bookings waiting for your approval"),
        "count": count,
        "url": reverse("admin:venues_booking_changelist") + "?status__exact=pending",
        "overdue_hours": hours if hours >= settings.BOOKING_APPROVAL_WARN_HOURS else None,
    }


def _due(unit) -> dict:
    return {
        "id": "waiting-visits",
        "label": _("Care recipients due a home visit this month"),
        "count": due_count(unit, timezone.localdate().replace(day=1)),
        "url": reverse("volunteers:due"),
    }


def _imports(user) -> dict:
    statuses = ",".join(IMPORT_STATUSES)
    return {
        "id": "waiting-imports",
        "label": _("Your imports in progress"),
        "count": Job.objects.filter(user=user, kind=Job.Kind.IMPORT, status__in=IMPORT_STATUSES).count(),
        "url": reverse("admin:registers_job_changelist") + f"?kind__exact=import&status__in={statuses}",
    }


@register.inclusion_tag("admin/_waiting_for_you.html", takes_context=True)
def waiting_for_you(context):
    user = context["request"].user
    unit = home_unit(user)
    may = user.has_perm
    rows, pages = [], []
    if may("venues.change_booking"):
        rows.append(_bookings(user))
    if unit is not None and may("volunteers.view_carerecipient"):
        rows.append(_due(unit))
    if user.is_staff:
        rows.append(_imports(user))
    if user.is_staff and unit is not None:  # the reports need a unit to report on
        pages.append({"label": _("Reports"), "url": reverse("reports:dashboard")})
    if may("volunteers.view_carerecipient"):
        pages.append({"label": _("Home visits due"), "url": reverse("volunteers:due")})
    if may("volunteers.view_homevisit"):
        pages.append({"label": _("Volunteer service records"), "url": reverse("volunteers:service_records")})
    if may("party.view_branchmeeting"):
        pages.append({"label": _("Branch meetings not yet held"), "url": reverse("party:overdue")})
    # Each count is what its link opens: a superuser without a unit of their own sees every unit's bookings,
    # and the due list of the unit it opens on.
    return {"rows": rows, "pages": pages, "unit": unit_of(user)}
