"""The public pages: no account, opened on phones. Every page runs a fixed number of queries."""

import uuid
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from communities.models import District
from messaging.forms import CodeForm
from messaging.models import Message
from messaging.phone_codes import codes_asked_too_often, codes_tried_too_often
from registers import ratelimit
from registers.phones import mask_phone

from . import checkin, find, waitlist
from .forms import (
    BookingForm,
    CancelForm,
    CheckInForm,
    FindPhoneForm,
    WaitlistForm,
    select_slot,
    slot_choices,
)
from .models import Booking, Offering, PrivacyNotice, Venue, WaitlistEntry
from .services import (
    BookingError,
    Day,
    SlotFull,
    booking_cancel,
    booking_create,
    compact_hours,
    existing_booking,
    local_tz,
    parse_reference,
    parse_slot_value,
    schedule,
    slot_value,
)

VENUES_PER_PAGE = 40
FIND_PHONE = "venues:find_phone"  # the number a code was asked for, in the session


def public_venues():
    return Venue.objects.open_to_public().select_related("community__subdistrict__district")


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


PAGE_CACHE_SECONDS = 60


def _cached_for_venue(name, venue_pk, version, now, build):
    """A cached part of a venue's public pages (the venue page's slot grid, the booking form's fields).

    Showing the free places of four weeks is the expensive part of these pages, so it is cached under the
    venue's availability version, which every booking change and staff edit bumps in its own transaction: a
    cached part is never behind the bookings. It also expires when its first slot stops being bookable
    (minimum notice), at midnight, and after PAGE_CACHE_SECONDS (edits of sections, menu, hours or closures by
    import). ``build()`` returns (value, venue, days), the days being the schedule the value shows.
    """
    key = f"venues:{name}:{venue_pk}:{version}:{get_language()}"
    cached = cache.get(key)
    if cached is not None and now < cached[1]:
        return cached[0]
    value, venue, days = build()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    expires = [
        now + timedelta(seconds=PAGE_CACHE_SECONDS),
        datetime.combine(tomorrow, time.min, local_tz()),
    ]
    first = next((slot for day in days for slot in day.slots), None)
    if first is not None:
        expires.append(first.starts_at - timedelta(hours=venue.min_notice_hours))
    cache.set(key, (value, min(expires)), PAGE_CACHE_SECONDS)
    return value


WEEKDAY_HEADS = [
    pgettext_lazy("weekday, one letter", "Mon"),
    pgettext_lazy("weekday, one letter", "Tue"),
    pgettext_lazy("weekday, one letter", "Wed"),
    pgettext_lazy("weekday, one letter", "Thu"),
    pgettext_lazy("weekday, one letter", "Fri"),
    pgettext_lazy("weekday, one letter", "Sat"),
    pgettext_lazy("weekday, one letter", "Sun"),
]


def calendar_of(days) -> list:
    """Every date from the first of ``days`` to the last: the schedule's Day where it has one, else an empty
    Day (a date the venue does not open), so that the grid's columns stay weekdays."""
    if not days:
        return []
    by_date = {day.date: day for day in days}
    first, last = days[0].date, days[-1].date
    return [
        by_date.get(first + timedelta(days=n)) or Day(date=first + timedelta(days=n), slots=[])
        for n in range((last - first).days + 1)
    ]


def venue_detail(request, slug):
    """The venue and the free places of its slots. The slot grid is cached (_cached_for_venue); the page
    around it (language switcher with its CSRF token, messages) is rendered for each request."""
    head = Venue.page_head(slug)
    if head is None:
        raise Http404
    venue_pk, venue_name, version = head
    now = timezone.now()

    def build():
        venue = get_object_or_404(public_venues(), pk=venue_pk)
        days = schedule(venue, now=now)
        body = render_to_string(
            "venues/_venue_body.html",
            {
                "venue": venue,
                "sections": venue.sections.all(),
                "offerings": venue.offerings.all(),
                "hours": compact_hours(venue.opening_hours.all()),
                "days": days,
                # The date grid: every date from the first bookable day to the last, weeks from Monday.
                "calendar": calendar_of(days),
                "lead_blanks": range(days[0].date.weekday()) if days else range(0),
                "weekday_heads": WEEKDAY_HEADS,
                # Shown until another day is chosen: the first with free places (else the first).
                "first_open": next((day.date for day in days if day.free), days[0].date if days else None),
            },
        )
        return body, venue, days

    body = _cached_for_venue("page", venue_pk, version, now, build)
    return render(request, "venues/venue_detail.html", {"venue_name": venue_name, "body": body})


def _too_many(request, message):
    return render(request, "venues/too_many.html", {"message": message}, status=429)


BOOKING_FIELDS_TEMPLATE = "venues/_book_fields.html"


def _booking_form_parts(venue_pk, version, now, venue=None) -> dict:
    """The booking form of a venue as far as it is the same for every visitor, cached (_cached_for_venue):
    the slot list (every free slot of four weeks, one option each) and the fields rendered with no slot
    chosen. A form shown again with its errors renders its fields from the cached slot list."""

    def build():
        shown = venue or get_object_or_404(Venue.objects.open_to_public(), pk=venue_pk)
        days = schedule(shown, now=now)
        choices = slot_choices(days)
        form = BookingForm(venue=shown)
        form.set_slot_choices(choices)
        parts = {
            "capacity": shown.capacity,
            "choices": choices,
            "fields": render_to_string(
                BOOKING_FIELDS_TEMPLATE, {"form": form, "notice": PrivacyNotice.current()}
            ),
        }
        return parts, shown, days

    return _cached_for_venue("book", venue_pk, version, now, build)


def _error_summary(form) -> list[tuple[str, str]]:
    """(link to the field, message) for each error of a refused form, in the fields' order; the form's own
    errors (a full slot) first, with no link."""
    summary = [("", str(error)) for error in form.non_field_errors()]
    for field in form.visible_fields():
        for error in field.errors:
            summary.append(
                (f"#{field.id_for_label}", _("%(field)s: %(error)s") % {"field": field.label, "error": error})
            )
    return summary


def _book_page(
    request, *, slug, venue_name, capacity, fields, token, error_summary=(), waitlist=None, status=200
):
    context = {
        "slug": slug,
        "venue_name": venue_name,
        "capacity": capacity,
        "fields": fields,
        "token": token,
        "error_summary": error_summary,
        "waitlist": waitlist,  # a full slot: what joining its waitlist would send
        "no_show_limit": settings.NO_SHOW_LIMIT,
        "no_show_days": settings.NO_SHOW_DAYS,
    }
    return render(request, "venues/book.html", context, status=status)


@require_http_methods(["GET", "POST"])
def book(request, slug):
    """The booking form. Shown, it costs one query while the venue's bookings do not change (the fields are
    cached with the slot list); sent, the slot is checked against the database in the booking transaction
    (services.booking_create), never against the slot list the visitor saw, which may be a moment old."""
    now = timezone.now()
    if request.method == "GET":
        head = Venue.page_head(slug)
        if head is None:
            raise Http404
        venue_pk, venue_name, version = head
        parts = _booking_form_parts(venue_pk, version, now)
        return _book_page(
            request,
            slug=slug,
            venue_name=venue_name,
            capacity=parts["capacity"],
            fields=select_slot(parts["fields"], request.GET.get("slot", "")),
            token=uuid.uuid4(),
        )

    venue = get_object_or_404(Venue.objects.open_to_public(), slug=slug)
    form = BookingForm(request.POST, venue=venue)
    waitlist_data = None
    address = ratelimit.client_ip(request)
    over_limit = ""
    # The notice in force (a form page cached before staff published a new one shows the previous text for
    # at most PAGE_CACHE_SECONDS).
    notice = PrivacyNotice.current()
    if form.is_valid():
        data = form.cleaned_data
        # The same form sent again (Back, a double tap, the number typed another way): the booking it made.
        existing = existing_booking(venue, data["slot"], data["phone"], data["token"])
        if existing is not None:
            messages.info(request, _("You already have this booking: here it is."))
            return redirect(existing)
        # Only bookings made count toward the limits (a school's network sends many refused forms). Over a
        # limit, the form comes back as typed, with the reason at the top.
        if ratelimit.used_up("booking_ip", address):
            over_limit = _("Too many bookings from this address. Please try again in an hour.")
        elif ratelimit.used_up("booking_phone", data["phone"]):
            over_limit = _("Too many bookings with this phone number. Please try again in an hour.")
        if over_limit:
            form.add_error(None, over_limit)
    if form.is_valid():
        data = form.cleaned_data
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
                reminders=data["reminders"],
                idempotency_key=data["token"],
                privacy_notice=notice,
            )
        except BookingError as error:
            if isinstance(error, SlotFull):  # (read before add_error() drops the field's value)
                waitlist_data = {
                    "slot": slot_value(data["slot"]),
                    "size": data["size"],
                    "contact_name": data["contact_name"],
                    "phone": data["phone"],
                }
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            ratelimit.hit("booking_ip", address)
            ratelimit.hit("booking_phone", data["phone"])
            messages.success(request, _("Thank you: your booking has been received."))
            return redirect(booking)
    # Shown again with its errors: the slot list as it is now (a full slot is no longer offered).
    venue.refresh_from_db(fields=["availability_version"])
    parts = _booking_form_parts(venue.pk, venue.availability_version, now, venue=venue)
    form.set_slot_choices(parts["choices"])
    return _book_page(
        request,
        slug=venue.slug,
        venue_name=venue.name,
        capacity=venue.capacity,
        fields=render_to_string(BOOKING_FIELDS_TEMPLATE, {"form": form, "notice": notice}),
        # The visitor's token again (nothing was booked with it), or a new one if it was missing or malformed.
        token=form.cleaned_data.get("token") or uuid.uuid4(),
        error_summary=_error_summary(form),
        waitlist=waitlist_data,
        status=429 if over_limit else 200,
    )


@require_http_methods(["GET", "POST"])
def waitlist_join(request, slug):
    """Join the waitlist of a full slot (linked from the venue page's full slots and the form that said full)."""
    venue = get_object_or_404(public_venues(), slug=slug)
    form = WaitlistForm(request.POST or None, initial={"slot": request.GET.get("slot", "")})
    if request.method == "POST":
        if ratelimit.hit("booking_ip", ratelimit.client_ip(request)):
            return _too_many(request, _("Too many bookings from this address. Please try again in an hour."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = waitlist.join(
                    venue=venue,
                    starts_at=data["slot"],
                    size=data["size"],
                    contact_name=data["contact_name"],
                    phone=data["phone"],
                )
            except BookingError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                return redirect(entry)
    starts_at = parse_slot_value(request.POST.get("slot") or request.GET.get("slot", ""))
    return render(
        request,
        "venues/waitlist_join.html",
        {"form": form, "venue": venue, "starts_at": starts_at},
        status=400 if form.errors else 200,
    )


@never_cache  # a booking's page: private, never stored by a browser or proxy
@require_http_methods(["GET", "POST"])
def waitlist_entry(request, token):
    """A waitlist place: its position, or the offer with its deadline (accept, or let it pass)."""
    if ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
        return _too_many(request, _("Too many look-ups from this address. Please try again in an hour."))
    entry = get_object_or_404(WaitlistEntry.objects.select_related("slot", "venue", "booking"), token=token)
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "accept":
            try:
                booking = waitlist.accept(entry)
            except BookingError as refusal:
                error = str(refusal.message)
            else:
                messages.success(request, _("Thank you: your booking has been received."))
                return redirect(booking)
        elif request.POST.get("action") == "leave":
            waitlist.leave(entry)
            return redirect(entry)
        entry.refresh_from_db()
    return render(
        request,
        "venues/waitlist_entry.html",
        {
            "entry": entry,
            "venue": entry.venue,
            "error": error,
            "position": waitlist.position(entry) if entry.status == WaitlistEntry.Status.WAITING else None,
            "masked_phone": mask_phone(entry.phone),
        },
    )


def _booking_by_reference(reference):
    # An unknown reference and a malformed one look the same: 404, nothing about other bookings.
    reference = parse_reference(reference)
    if reference is None:
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("venue__community", "slot", "offering", "docent__person"),
        reference=reference,
    )


def booking_lookup(request):
    """The box on the home page: a reference as typed (spaces, dashes, lower case) → the booking's page."""
    if ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
        return _too_many(request, _("Too many look-ups from this address. Please try again in an hour."))
    typed = request.GET.get("reference", "")
    reference = parse_reference(typed)
    if reference is not None and Booking.objects.filter(reference=reference).exists():
        return redirect("venues:booking_status", reference=reference)
    message = (
        _("No booking has the reference “%(reference)s”. Check it against the SMS or the booking page.")
        % {"reference": typed.strip()[:40]}
        if typed.strip()
        else _("Type the reference of your booking.")
    )
    return render(
        request, "venues/booking_lookup.html", {"message": message, "typed": typed[:40]}, status=404
    )


@never_cache  # a booking's page: private, never stored by a browser or proxy
@require_http_methods(["GET", "POST"])
def booking_status(request, reference):
    if ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
        return _too_many(request, _("Too many look-ups from this address. Please try again in an hour."))
    booking = _booking_by_reference(reference)
    form = CancelForm()
    if request.method == "POST":
        address = ratelimit.client_ip(request)
        tries = f"{address}:{booking.reference}"
        if ratelimit.used_up("cancel_ip", address) or ratelimit.used_up("cancel_tries", tries):
            return _too_many(request, _("Too many attempts. Please try again in an hour."))
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                booking_cancel(booking, phone=form.cleaned_data["phone"])
            except BookingError as error:
                if error.field == "phone":  # only wrong numbers count
                    ratelimit.hit("cancel_ip", address)
                    ratelimit.hit("cancel_tries", tries)
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
            "booking_started": booking.slot.starts_at <= timezone.now(),
            "masked_phone": mask_phone(booking.phone),
            "notices": Message.objects.filter(about=f"booking:{booking.pk}")
            .only("kind", "status", "created_at", "sent_at")
            .order_by("created_at", "pk"),
        },
    )


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


# A booking the visitor or the venue called off stays in the calendar as cancelled, not as a visit to make.
_ICS_STATUS = {
    Booking.Status.CONFIRMED: "CONFIRMED",
    Booking.Status.COMPLETED: "CONFIRMED",
    Booking.Status.CANCELLED: "CANCELLED",
    Booking.Status.REJECTED: "CANCELLED",
    Booking.Status.NO_SHOW: "CANCELLED",
}


def _ics_fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF and a space; never inside a character."""
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _ics_description(request, booking) -> str:
    text = _("Booking reference: %(reference)s. See or cancel it: %(url)s") % {
        "reference": booking.reference,
        "url": request.build_absolute_uri(booking.get_absolute_url()),
    }
    if booking.venue.phone:
        text += "\n" + _("Venue phone: %(phone)s") % {"phone": booking.venue.phone}
    return text


@never_cache
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
        f"DESCRIPTION:{_ics_text(_ics_description(request, booking))}",
        f"URL:{request.build_absolute_uri(booking.get_absolute_url())}",
        f"STATUS:{_ICS_STATUS.get(booking.status, 'TENTATIVE')}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    body = "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def find_bookings(request):
    """Step 1 of finding one's bookings by phone: the number; a code is sent by SMS if it has bookings."""
    form = FindPhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if codes_asked_too_often(request, phone):
            return _too_many(request, _("Too many codes asked for. Please try again in an hour."))
        find.send_code(phone)
        request.session[FIND_PHONE] = phone
        return redirect("venues:find_code")
    return render(request, "venues/find_bookings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def find_code(request):
    """Step 2: the code from the SMS; the same page whether or not a code was sent."""
    phone = request.session.get(FIND_PHONE)
    if not phone:
        return redirect("venues:find_bookings")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if codes_tried_too_often(request):
            return _too_many(request, _("Too many attempts. Please try again in an hour."))
        try:
            find.check_code(phone, form.cleaned_data["code"])
        except find.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            find.remember(request.session, phone)
            return redirect("venues:my_bookings")
    return render(request, "venues/find_code.html", {"form": form, "masked_phone": mask_phone(phone)})


@never_cache  # a booking's page: private, never stored by a browser or proxy
@require_http_methods(["GET", "POST"])
def my_bookings(request):
    """The phone's bookings (upcoming and the last 90 days), once its code was given in this browser; each
    upcoming one can be cancelled here (the phone was proven by the code)."""
    phone = find.remembered_phone(request.session)
    if phone is None:
        return redirect("venues:find_bookings")
    if request.method == "POST":
        booking = find.bookings_of(phone).filter(reference=request.POST.get("reference", "")).first()
        if booking is None:
            raise Http404  # not this phone's: the same answer as a reference that does not exist
        try:
            booking_cancel(booking, phone=phone)
        except BookingError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your booking has been cancelled."))
        return redirect("venues:my_bookings")
    now = timezone.now()
    bookings = list(find.bookings_of(phone))
    return render(
        request,
        "venues/my_bookings.html",
        {
            "upcoming": [b for b in bookings if b.slot.starts_at >= now],
            "past": [b for b in bookings if b.slot.starts_at < now][::-1],
            "masked_phone": mask_phone(phone),
        },
    )


@never_cache
def booking_qr(request, reference):
    """The check-in QR code of a confirmed booking (venues.checkin): an SVG served by the site, never stored."""
    if ratelimit.hit("lookup_ip", ratelimit.client_ip(request)):
        return _too_many(request, _("Too many look-ups from this address. Please try again in an hour."))
    booking = _booking_by_reference(reference)
    if booking.status != Booking.Status.CONFIRMED:
        raise Http404
    return HttpResponse(checkin.qr_svg(booking), content_type="image/svg+xml")


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def check_in(request, slug):
    """The door: scan a booking's code or type its reference, see the booking, enter how many came. Only for
    staff who may handle this venue's bookings; another unit's venue or booking is 404, as everywhere."""
    venue = get_object_or_404(Venue.objects.for_user(request.user), slug=slug)
    if not request.user.has_perm("venues.change_booking"):
        raise PermissionDenied
    code = request.POST.get("code") or request.GET.get("code") or ""
    booking, error = None, ""
    if code:
        reference = checkin.reference_in(code)
        booking = (
            Booking.objects.select_related("slot", "offering")
            .filter(venue=venue, reference=reference)
            .first()
            if reference
            else None
        )
        if booking is None:
            error = _("No booking of this venue has this code or reference. Check it with the visitor.")
    form = CheckInForm(request.POST or None, initial={"visitors": booking.size if booking else None})
    if request.method == "POST" and booking is not None and form.is_valid():
        try:
            checkin.check_in(booking, visitors=form.cleaned_data["visitors"], by=request.user)
        except BookingError as refusal:
            error = str(refusal.message)
        else:
            messages.success(
                request,
                _("Checked in: %(reference)s, %(visitors)d visitors, entered in the visit register.")
                % {"reference": booking.reference, "visitors": form.cleaned_data["visitors"]},
            )
            return redirect("venues:check_in", slug=venue.slug)
    return render(
        request,
        "venues/check_in.html",
        {"venue": venue, "booking": booking, "form": form, "error": error, "code": code[:120]},
        status=404 if code and booking is None else 200,
    )
