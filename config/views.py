from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from activities.models import Activity
from venues.models import Offering, Venue
from venues.views import public_venues


def upcoming_public_activities(limit=6):
    """The next activities held at venues open to the public (one query)."""
    return list(
        Activity.objects.filter(venue__public_bookable=True, start__gte=timezone.now())
        .select_related("venue", "type")
        .order_by("start")[:limit]
    )


def home(request):
    """The public front page: venues to visit and what is on (the venues' and the activities' parts)."""
    venues = public_venues().prefetch_related(
        Prefetch("offerings", queryset=Offering.objects.order_by("position", "pk"))
    )[:8]
    return render(
        request,
        "home.html",
        {"venues": venues, "activities": upcoming_public_activities(), "kinds": Venue.Kind.choices},
    )


@never_cache
@require_safe
def healthz(request):
    """200 "ok" when the database answers a query, 503 otherwise: for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /security/\n"


@require_safe
def robots_txt(request):
    """Search engines may list the venues, not the staff pages. A booking's page is not listed here: its
    address holds the secret reference, which nothing links to, and a robots.txt line is public."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


def _error_page(request, template, status):
    context = {
        "staff_page": request.path.startswith(("/admin/", "/security/", "/reports/", "/volunteers/")),
        "booking_page": request.path.startswith("/bookings/"),
        "typed": "",  # the reference box starts empty
    }
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception):
    """404 in the visitor's language, with a way home (and, under /bookings/, the reference box)."""
    return _error_page(request, "404.html", 404)


def permission_denied(request, exception):
    return _error_page(request, "403.html", 403)
