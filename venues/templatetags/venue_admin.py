"""The admin index's notice of bookings waiting for approval in the account's unit (2 queries)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ..models import Booking

register = template.Library()


@register.inclusion_tag("admin/venues/_pending_notice.html", takes_context=True)
def pending_bookings(context):
    user = context["request"].user
    if not user.has_perm("venues.change_booking"):
        return {"count": 0}
    pending = Booking.objects.for_user(user).filter(status=Booking.Status.PENDING)
    count = pending.count()
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first() if count else None
    hours = int((timezone.now() - oldest).total_seconds() // 3600) if oldest else 0
    return {
        "count": count,
        "hours": hours,
        "overdue": hours >= settings.BOOKING_APPROVAL_WARN_HOURS,
        "url": reverse("admin:venues_booking_changelist") + "?status__exact=pending",
    }
