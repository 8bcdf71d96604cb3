"""The volunteers' own pages, without an account: activities that recruit, signing up, checking in and out by
the activity's QR code, and "my volunteer record" — each behind an SMS code that proves the phone
(recruiting.CODES), remembered in the browser's session. The organiser's QR code page and attendance list
need a staff account of the activity's unit."""

import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from communities.models import Community, Person
from messaging.forms import CodeForm, PhoneForm
from messaging.phone_codes import CodeRefused, codes_asked_too_often, codes_tried_too_often
from registers import ratelimit
from registers.phones import mask_phone

from . import recruiting
from .forms import (
    CertificateRequestForm,
    OrganiserCheckOutForm,
    SignUpForm,
)
from .models import (
    Certificate,
    CertificateRequest,
    CheckIn,
    Commendation,
    Recruitment,
    ServiceRecord,
    SignUp,
    Training,
    star_level,
)
from .models.certificates import hours_of
from .services import confirm_records

PENDING = "volunteers:pending"  # what waits for the SMS code: a sign-up, or the record page


def _too_many(request, message):
    return render(request, "volunteers/public/too_many.html", {"message": message}, status=429)


def _open(now=None):
    return (
        Recruitment.objects.open_for_sign_up(now)
        .select_related("activity__venue", "activity__community")
        .annotate(taken=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.CONFIRMED)))
        .order_by("activity__start", "pk")
    )


def activity_list(request):
    recruitments = list(_open()[:200])
    for recruitment in recruitments:
        recruitment.left = max(recruitment.needed - recruitment.taken, 0)
    return render(request, "volunteers/public/activity_list.html", {"recruitments": recruitments})


def _send_code(request, phone) -> bool:
    """False when this address or number asked for too many codes."""
    if codes_asked_too_often(request, phone):
        return False
    recruiting.CODES.send(phone)
    return True


@require_http_methods(["GET", "POST"])
def activity_detail(request, pk):
    recruitment = get_object_or_404(_open(), pk=pk)
    recruitment.left = max(recruitment.needed - recruitment.taken, 0)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name, phone = form.cleaned_data["name"], form.cleaned_data["phone"]
        if recruiting.CODES.remembered_phone(request.session) == phone:
            return _sign_up(request, recruitment, name, phone)
        if not _send_code(request, phone):
            return _too_many(request, _("Too many codes asked for. Please try again in an hour."))
        request.session[PENDING] = {"phone": phone, "name": name, "recruitment": recruitment.pk}
        return redirect("volunteer:code")
    return render(
        request, "volunteers/public/activity_detail.html", {"recruitment": recruitment, "form": form}
    )


def _sign_up(request, recruitment, name, phone):
    try:
        entry = recruiting.sign_up(recruitment, name=name, phone=phone)
    except recruiting.RecruitingError as refusal:
        messages.error(request, str(refusal))
        return redirect("volunteer:activity", pk=recruitment.pk)
    if entry.status == SignUp.Status.CONFIRMED:
        messages.success(request, _("You have signed up. An SMS confirms it; see you there."))
    else:
        messages.info(
            request,
            _("The places are taken: you are on the waiting list. An SMS tells you if a place frees."),
        )
    return redirect("volunteer:me")


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """The record page's first step: the phone number; a code goes to numbers the register knows."""
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if Person.objects.filter(phone=phone).exists():
            if not _send_code(request, phone):
                return _too_many(request, _("Too many codes asked for. Please try again in an hour."))
        elif ratelimit.hit("find_ip", ratelimit.client_ip(request)):
            return _too_many(request, _("Too many codes asked for. Please try again in an hour."))
        nxt = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        request.session[PENDING] = {"phone": phone, "next": nxt if safe else ""}
        return redirect("volunteer:code")
    return render(request, "volunteers/public/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def code(request):
    """The SMS code, for a sign-up or for the record page; the same page whether or not a code was sent."""
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("volunteer:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if codes_tried_too_often(request):
            return _too_many(request, _("Too many attempts. Please try again in an hour."))
        try:
            recruiting.CODES.check(pending["phone"], form.cleaned_data["code"])
        except CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            del request.session[PENDING]
            recruiting.CODES.remember(request.session, pending["phone"])
            if pending.get("recruitment"):
                recruitment = Recruitment.objects.filter(pk=pending["recruitment"]).first()
                if recruitment is None:
                    raise Http404
                return _sign_up(request, recruitment, pending["name"], pending["phone"])
            return redirect(pending.get("next") or "volunteer:me")
    return render(
        request,
        "volunteers/public/code.html",
        {
            "form": form,
            "masked_phone": mask_phone(pending["phone"]),
            "signing_up": bool(pending.get("recruitment")),
        },
    )


def _my_people(request):
    phone = recruiting.CODES.remembered_phone(request.session)
    if phone is None:
        return None, []
    return phone, list(Person.objects.filter(phone=phone).order_by("pk")[:20])


@never_cache
@require_http_methods(["GET", "POST"])
def me(request):
    """My volunteer record: service entries and hours (confirmed ones count), star level, training,
    commendations, sign-ups (cancellable until their deadline), certificates and a certificate request."""
    phone, people = _my_people(request)
    if phone is None:
        return redirect(reverse("volunteer:sign_in") + "?" + urlencode({"next": reverse("volunteer:me")}))
    records = ServiceRecord.objects.filter(volunteer__in=people)
    recorded_by = Community.objects.filter(
        pk__in=records.confirmed().values("community_id").distinct()
    ).order_by("name")
    request_form = CertificateRequestForm(
        request.POST if request.POST.get("action") == "request" else None, communities=recorded_by
    )
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            entry = SignUp.objects.filter(volunteer__in=people, pk=request.POST.get("sign_up") or 0).first()
            if entry is None:
                raise Http404
            try:
                recruiting.cancel_sign_up(entry)
            except recruiting.RecruitingError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Your sign-up is cancelled."))
            return redirect("volunteer:me")
        if request_form.is_valid() and people:
            CertificateRequest.objects.create(
                volunteer=people[0],
                community=request_form.cleaned_data["community"],
                purpose=request_form.cleaned_data["purpose"],
            )
            messages.success(request, _("Your request has been sent: the community will contact you."))
            return redirect("volunteer:me")
    totals = records.aggregate(
        confirmed=Sum("minutes", filter=Q(confirmed_at__isnull=False)),
        pending=Sum("minutes", filter=Q(confirmed_at__isnull=True)),
        backfilled=Sum(
            "minutes", filter=Q(confirmed_at__isnull=False, recorded=ServiceRecord.Recorded.BACKFILLED)
        ),
    )
    confirmed_hours = hours_of(totals["confirmed"])
    now = timezone.now()
    return render(
        request,
        "volunteers/public/me.html",
        {
            "masked_phone": mask_phone(phone),
            "name": people[0].name if people else "",
            "confirmed_hours": confirmed_hours,
            "pending_hours": hours_of(totals["pending"]),
            "backfilled_hours": hours_of(totals["backfilled"]),
            "stars": star_level(float(confirmed_hours)),
            "records": records.select_related("activity", "community").order_by("-served_on", "-pk")[:100],
            "trainings": Training.objects.filter(volunteer__in=people).order_by("-held_on")[:50],
            "commendations": Commendation.objects.filter(volunteer__in=people).order_by("-awarded_on")[:50],
            "sign_ups": SignUp.objects.filter(volunteer__in=people, recruitment__activity__end__gte=now)
            .exclude(status=SignUp.Status.CANCELLED)
            .select_related("recruitment__activity")
            .order_by("recruitment__activity__start"),
            "certificates": Certificate.objects.filter(volunteer__in=people).select_related("office")[:50],
            "requests": CertificateRequest.objects.filter(volunteer__in=people).select_related("community")[
                :20
            ],
            "request_form": request_form,
            "now": now,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request, pk):
    """Where the activity's QR code leads: check in, or check out when checked in."""
    recruitment = get_object_or_404(
        Recruitment.objects.select_related("activity__venue", "activity__community"), pk=pk
    )
    token = request.POST.get("code") or request.GET.get("code") or ""
    phone, people = _my_people(request)
    if phone is None:
        here = f"{reverse('volunteer:check', args=[pk])}?code={token[:200]}"
        return redirect(f"{reverse('volunteer:sign_in')}?{urlencode({'next': here})}")
    error, done = "", None
    try:
        recruiting.check_token(recruitment, token)
    except recruiting.RecruitingError as refusal:
        error = str(refusal)
    entry = None
    for person in people:
        entry = recruiting.place_of(recruitment, person) or entry
    record = CheckIn.objects.filter(sign_up=entry).first() if entry else None
    if not error and entry is None:
        error = _("You have no place at this activity (sign-ups on the waiting list cannot check in).")
    if request.method == "POST" and not error:
        try:
            if record is None:
                record = recruiting.check_in(entry)
                done = _("Checked in at %(time)s. Scan the code again when you leave to check out.") % {
                    "time": timezone.localtime(record.checked_in_at).strftime("%H:%M")
                }
            else:
                service = recruiting.check_out(record)
                record.refresh_from_db()
                done = (
                    _("Checked out. %(hours)s hours wait for the organiser's confirmation.")
                    % {"hours": service.hours}
                    if service
                    else _("Checked out. No time inside the activity's hours was recorded.")
                )
        except recruiting.RecruitingError as refusal:
            error = str(refusal)
    return render(
        request,
        "volunteers/public/check.html",
        {"recruitment": recruitment, "record": record, "error": error, "done": done, "code": token[:200]},
        status=400 if error and request.method == "POST" else 200,
    )


def _staff_recruitment(request, pk):
    return get_object_or_404(
        Recruitment.objects.for_user(request.user).select_related("activity__venue", "activity__community"),
        pk=pk,
    )


@login_required
@never_cache
def organiser_code(request, pk):
    """The organiser's screen: the rotating QR code volunteers scan (the page renews itself)."""
    if not request.user.has_perm("volunteers.change_signup"):
        raise Http404
    recruitment = _staff_recruitment(request, pk)
    closed = recruiting.check_in_time_errors(recruitment, timezone.now())
    svg = ""
    if not closed:
        image = qrcode.make(
            recruiting.check_in_url(recruitment), image_factory=qrcode.image.svg.SvgPathImage, box_size=12
        )
        buffer = io.BytesIO()
        image.save(buffer)
        svg = mark_safe(buffer.getvalue().decode())  # noqa: S308 - made here by qrcode, no outside text
    return render(
        request,
        "volunteers/public/organiser_code.html",
        {"recruitment": recruitment, "svg": svg, "closed": closed, "refresh": recruiting.ROTATE_SECONDS // 2},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    """The organiser's list: check people in, enter a forgotten check-out with the reason, confirm the hours."""
    if not request.user.has_perm("volunteers.change_signup"):
        raise Http404
    recruitment = _staff_recruitment(request, pk)
    entries = list(
        recruitment.sign_ups.exclude(status=SignUp.Status.CANCELLED)
        .select_related("volunteer", "check_in")
        .order_by("status", "created_at")
    )
    form = OrganiserCheckOutForm(request.POST if request.POST.get("action") == "check_out" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "check_in":
                entry = next((e for e in entries if str(e.pk) == request.POST.get("sign_up")), None)
                if entry is None:
                    raise Http404
                recruiting.check_in(entry, by_organiser=True)
                messages.success(request, _("%(name)s checked in.") % {"name": entry.volunteer.name})
                return redirect("volunteer:attendance", pk=pk)
            if action == "check_out" and form.is_valid():
                record = CheckIn.objects.filter(
                    sign_up__recruitment=recruitment, pk=form.cleaned_data["check_in"]
                ).first()
                if record is None:
                    raise Http404
                recruiting.organiser_check_out(
                    record, at=form.cleaned_data["at"], reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Check-out entered."))
                return redirect("volunteer:attendance", pk=pk)
            if action == "confirm":
                confirmed = confirm_records(
                    ServiceRecord.objects.for_user(request.user).filter(activity=recruitment.activity),
                    by=request.user,
                )
                messages.success(request, _("%(n)d records confirmed.") % {"n": confirmed})
                return redirect("volunteer:attendance", pk=pk)
        except recruiting.RecruitingError as refusal:
            messages.error(request, str(refusal))
            return redirect("volunteer:attendance", pk=pk)
    records = {
        record.volunteer_id: record
        for record in ServiceRecord.objects.filter(activity=recruitment.activity).only(
            "volunteer_id", "minutes", "confirmed_at"
        )
    }
    for entry in entries:
        entry.record = records.get(entry.volunteer_id)
        entry.check = getattr(entry, "check_in", None)
    return render(
        request,
        "volunteers/public/attendance.html",
        {"recruitment": recruitment, "entries": entries, "form": form, "now": timezone.localtime()},
    )
