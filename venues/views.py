"""The public pages: no account, opened on phones. Every page runs a fixed number of queries."""

import re
import uuid
from datetime import UTC, datetime, time, timedelta

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.models import Activity
from communities.models import District
from communities.validators import mask_phone

from . import ratelimit
from .forms import BookingForm, CancelForm
from .models import Booking, Offering, Venue
from .services import BookingError, booking_cancel, booking_create, local_tz, schedule

VENUES_PER_PAGE = 40
REFERENCE_RE = re.compile(r"^[A-Za-z0-9]{1,16}$")


def public_venues():
    return Venue.objects.open_to_public().select_related("community__subdistrict__district")


def upcoming_public_activities(limit=6):
    """The next activities held at venues open to the public (one query)."""
    return list(
        Activity.objects.filter(venue__public_bookable=True, start__gte=timezone.now())
        .select_related("venue", "type")
        .order_by("start")[:limit]
    )


def home(request):
    venues = public_venues().prefetch_related(
        Prefetch("offerings", queryset=Offering.objects.order_by("position", "pk"))
    )[:8]
    return render(
        request,
        "venues/home.html",
        {"venues": venues, "activities": upcoming_public_activities(), "kinds": Venue.Kind.choices},
    )


LIST_CACHE_SECONDS = 60


def venue_list(request):
    """Public venues by district and kind. The list holds no booking data, so its body is cached for a
    minute per filter, page and language (a venue added or edited by staff shows within that minute)."""
    district = request.GET.get("district", "")
    kind = request.GET.get("kind", "")
    district = district if district.isdigit() else ""
    kind = kind if kind in Venue.Kind.values else ""
    page_number = request.GET.get("page", "1")
    page_number = page_number if page_number.isdigit() else "1"
    key = f"venues:list:{get_language()}:{district}:{kind}:{page_number}"
    body = cache.get(key)
    if body is None:
        venues = public_venues().prefetch_related(
            Prefetch("offerings", queryset=Offering.objects.order_by("position", "pk"))
        )
        if district:
            venues = venues.filter(community__subdistrict__district_id=int(district))
        if kind:
            venues = venues.filter(kind=kind)
        venues = venues.order_by("community__subdistrict__district__name", "kind", "name")
        page = Paginator(venues, VENUES_PER_PAGE).get_page(page_number)
        districts = District.objects.filter(
            subdistricts__communities__venues__public_bookable=True
        ).distinct()
        body = render_to_string(
            "venues/_venue_list_body.html",
            {
                "page": page,
                "districts": districts,
                "kinds": Venue.Kind.choices,
                "district": district,
                "kind": kind,
            },
        )
        cache.set(key, body, LIST_CACHE_SECONDS)
    return render(request, "venues/venue_list.html", {"body": body})


def _public_venue(slug):
    return get_object_or_404(public_venues(), slug=slug)


PAGE_CACHE_SECONDS = 60


def venue_detail(request, slug):
    """The venue and the free places of its slots.

    The slot grid is the expensive part (dozens of slots, rendered): it is cached under the venue's
    availability version, which every booking change bumps in its own transaction, so a cached grid is
    never behind the bookings. It also expires when its first slot stops being bookable (minimum notice),
    at midnight, and after PAGE_CACHE_SECONDS (edits of sections, menu, hours or closures by import).
    The page around it (language switcher with its CSRF token, messages) is rendered for each request.
    """
    head = Venue.page_head(slug)
    if head is None:
        raise Http404
    venue_pk, venue_name, version = head
    now = timezone.now()
    key = f"venues:page:{venue_pk}:{version}:{get_language()}"
    cached = cache.get(key)
    if cached is not None and now < cached[1]:
        body = cached[0]
    else:
        venue = get_object_or_404(public_venues(), pk=venue_pk)
        days = schedule(venue, now=now)
        body = render_to_string(
            "venues/_venue_body.html",
            {
                "venue": venue,
                "sections": venue.sections.all(),
                "offerings": venue.offerings.all(),
                "hours": venue.opening_hours.all(),
                "days": days,
            },
        )
        tomorrow = timezone.localdate(now) + timedelta(days=1)
        expires = [
            now + timedelta(seconds=PAGE_CACHE_SECONDS),
            datetime.combine(tomorrow, time.min, local_tz()),
        ]
        first = next((slot for day in days for slot in day.slots), None)
        if first is not None:
            expires.append(first.starts_at - timedelta(hours=venue.min_notice_hours))
        cache.set(key, (body, min(expires)), PAGE_CACHE_SECONDS)
    return render(request, "venues/venue_detail.html", {"venue_name": venue_name, "body": body})


def _too_many(request, message):
    return render(request, "venues/too_many.html", {"message": message}, status=429)


@require_http_methods(["GET", "POST"])
def book(request, slug):
    venue = _public_venue(slug)
    if request.method == "POST":
        if ratelimit.hit("booking_ip", ratelimit.client_ip(request)):
            return _too_many(request, _("Too many bookings from this address. Please try again in an hour."))
        form = BookingForm(request.POST, venue=venue)
        if form.is_valid():
            data = form.cleaned_data
            if ratelimit.hit("booking_phone", data["phone"]):
                return _too_many(
                    request, _("Too many bookings with this phone number. Please try again in an hour.")
                )
            try:
                booking = booking_create(
                    venue=venue,
                    starts_at=data["slot"],
                    offering=data["offering"],
                    visitor_kind=data["visitor_kind"],
                    organisation=data["organisation"],
                    size=data["size"],
                    contact_name=data["contact_name"],
                    phone=data["phone"],
                    purpose=data["purpose"],
                    idempotency_key=data["token"],
                )
            except BookingError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                messages.success(request, _("Thank you: your booking has been received."))
                return redirect(booking)
    else:
        initial = {"token": uuid.uuid4()}
        if request.GET.get("slot"):
            initial["slot"] = request.GET["slot"]
        form = BookingForm(initial=initial, venue=venue)
    # The slot choices are only needed to show the form (a valid POST redirects without them).
    form.set_slot_choices(schedule(venue))
    return render(request, "venues/book.html", {"venue": venue, "form": form})


def _booking_by_reference(reference):
    # An unknown reference and a malformed one look the same: 404, nothing about other bookings.
    if not REFERENCE_RE.match(reference):
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("venue__community", "slot", "offering", "docent__person"),
        reference=reference.upper(),
    )


@require_http_methods(["GET", "POST"])
def booking_status(request, reference):
    if ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
        return _too_many(request, _("Too many look-ups from this address. Please try again in an hour."))
    booking = _booking_by_reference(reference)
    form = CancelForm()
    if request.method == "POST":
        if ratelimit.hit("cancel_ip", ratelimit.client_ip(request)) or ratelimit.hit(
            "cancel_reference", booking.reference
        ):
            return _too_many(request, _("Too many attempts. Please try again in an hour."))
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                booking_cancel(booking, phone=form.cleaned_data["phone"])
            except BookingError as error:
                form.add_error("phone" if error.field == "phone" else None, str(error.message))
            else:
                messages.success(request, _("Your booking has been cancelled."))
                return redirect(booking)
    cancellable = booking.status in (Booking.Status.PENDING, Booking.Status.CONFIRMED) and (
        booking.slot.starts_at > timezone.now()
    )
    return render(
        request,
        "venues/booking_status.html",
        {
            "booking": booking,
            "venue": booking.venue,
            "form": form,
            "cancellable": cancellable,
            "masked_phone": mask_phone(booking.phone),
        },
    )


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def booking_ics(request, reference):
    if ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
        return _too_many(request, _("Too many look-ups from this address. Please try again in an hour."))
    booking = _booking_by_reference(reference)
    venue = booking.venue
    fmt = "%Y%m%dT%H%M%SZ"
    start = booking.slot.starts_at.astimezone(UTC)
    end = booking.slot.ends_at.astimezone(UTC)
    location = " ".join(part for part in (venue.address, venue.floor) if part) or venue.name
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//community-services//venues//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@venues",
        f"DTSTAMP:{timezone.now().astimezone(UTC).strftime(fmt)}",
        f"DTSTART:{start.strftime(fmt)}",
        f"DTEND:{end.strftime(fmt)}",
        f"SUMMARY:{_ics_text(venue.name)}",
        f"LOCATION:{_ics_text(location)}",
        f"DESCRIPTION:{_ics_text(_('Booking reference: %(reference)s') % {'reference': booking.reference})}",
        "STATUS:" + ("CONFIRMED" if booking.status == Booking.Status.CONFIRMED else "TENTATIVE"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    return response
