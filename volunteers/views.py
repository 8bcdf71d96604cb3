"""Staff pages: the printable due-visit list and the volunteer service records (with export)."""

import datetime

from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from registers import exports as background
from registers import ratelimit
from registers.forms import unit_and_month, unit_month_context, unit_or_404
from registers.periods import month_bounds
from registers.personal_data import can_see_sensitive, mask_name, may_call, record_export, record_shown
from registers.phones import mask_phone
from registers.units import COMMUNITY, level_of, unit_choices, unit_key

from . import exports, stats
from .forms import PeriodForm
from .models import Certificate, star_level

DUE_PAGE_SIZE = 500
RECORDS_PAGE_SIZE = 200


@login_required
@permission_required("volunteers.view_carerecipient", raise_exception=True)
def due_list(request):
    """Who is due a home visit in a month: the list a team leader prints (a fixed number of queries)."""
    form, unit, month = unit_and_month(request)
    sees_sensitive = can_see_sensitive(request.user)
    recipients = stats.due_visits(unit, month).prefetch_related("assigned_volunteers", "usual_services")
    if sees_sensitive:
        recipients = recipients.prefetch_related("categories")
    page = Paginator(recipients, DUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for recipient in page.object_list:
        # Full numbers for those who must call (the recipient's own community's staff), masks for others.
        in_full = sees_sensitive or may_call(request.user, recipient)
        rows.append(
            {
                "recipient": recipient,
                "phone": _phone(recipient.person.phone, in_full),
                "phone_in_full": in_full and bool(recipient.person.phone),
                "categories": "、".join(str(c) for c in recipient.categories.all()) if sees_sensitive else "",
                "volunteers": "、".join(person.name for person in recipient.assigned_volunteers.all()),
                "services": "、".join(str(service) for service in recipient.usual_services.all()),
            }
        )
    # What the printed list shows in full goes to the access log: one entry per record shown (written in one
    # INSERT, so that a resident's own access record and erasure reach it), none for masked rows.
    if sees_sensitive:
        record_shown(request.user, [row["recipient"] for row in rows], ("phone", "categories"))
    else:
        record_shown(request.user, [row["recipient"] for row in rows if row["phone_in_full"]], ("phone",))
    first, last = month_bounds(month)
    return render(
        request,
        "volunteers/due_list.html",
        {
            "title": _("Home visits due"),
            **unit_month_context(request, form, unit, month),
            "month_end": last,
            "page": page,
            "rows": rows,
            # A community's own list leaves out the community column (the heading names it).
            "one_community": level_of(unit) == COMMUNITY,
            "sees_sensitive": sees_sensitive,
            **admin.site.each_context(request),
        },
    )


def _phone(phone: str, in_full: bool) -> str:
    if not phone:
        return ""
    return phone if in_full else mask_phone(phone)


def _default_period() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


@login_required
@permission_required("volunteers.view_homevisit", raise_exception=True)
def service_records(request):
    """Hours and visits per team and per volunteer for a period; ?format=xlsx or csv downloads them."""
    start, end = _default_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    unit_value, export = "", ""
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        unit_value, export = form.cleaned_data["unit"], form.cleaned_data["format"]
    elif form.is_bound:
        unit_value = request.GET.get("unit", "")
    unit = unit_or_404(request, unit_value)
    teams = stats.service_records_by_team(unit, start, end)
    volunteers = stats.service_records_by_volunteer(unit, start, end)
    totals = stats.volunteer_totals(unit, start, end)
    if export in ("xlsx", "csv"):
        table = "teams" if request.GET.get("table") == "teams" else "volunteers"
        rows = volunteers.count()
        if background.is_large(rows):
            job = background.start_export(
                user=request.user,
                exporter_name=exports.SERVICE_RECORDS,
                params={
                    "unit": unit_key(unit),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "format": export,
                    "table": table,
                },
                register="volunteers.homevisit",
                file_name=exports.file_name(export, unit, start, end, table),
                rows=rows,
                language=get_language(),
            )
            return redirect("admin:registers_job_progress", job.pk)
        record_export(request.user, None, rows, str(_("volunteer service records")))
        response = HttpResponse(
            exports.export(export, teams, volunteers, table), content_type=exports.CONTENT_TYPES[export]
        )
        response["Content-Disposition"] = content_disposition_header(
            True, exports.file_name(export, unit, start, end, table)
        )
        return response
    page = Paginator(volunteers, RECORDS_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["hours"] = exports.hours(row["minutes"])
        row["backfilled_hours"] = exports.hours(row["backfilled_minutes"])
        row["stars"] = star_level(row["hours"])
    return render(
        request,
        "volunteers/service_records.html",
        {
            "title": _("Volunteer service records"),
            "form": form,
            "unit": unit,
            "unit_value": unit_key(unit),
            "unit_choices": unit_choices(request.user),
            "start": start,
            "end": end,
            "teams": teams,
            "page": page,
            "totals": totals,
            **admin.site.each_context(request),
        },
    )


@never_cache  # a certificate may be revoked at any time: its page is never stored
def certificate_verify(request, number):
    """The public check of a certificate (its QR code points here): the number, the volunteer's name with the
    middle masked, the hours, the period, the issuer and whether it is valid — nothing more. An unknown
    number and a revoked one cost the same single query."""
    if ratelimit.hit("certificate_ip", ratelimit.client_ip(request)):
        return render(
            request,
            "volunteers/certificate_verify.html",
            {
                "certificate": None,
                "number": "",
                "masked_name": "",
                "message": _("Too many look-ups from this address. Please try again in an hour."),
            },
            status=429,
        )
    number = number.strip().upper()[:40]
    certificate = (
        Certificate.objects.select_related("office", "volunteer")
        .only(
            "number",
            "hours",
            "period_start",
            "period_end",
            "revoked_at",
            "issued_at",
            "office__name",
            "volunteer__name",
        )
        .filter(number=number)
        .first()
    )
    return render(
        request,
        "volunteers/certificate_verify.html",
        {
            "certificate": certificate,
            "number": number,
            "masked_name": mask_name(certificate.volunteer.name) if certificate else "",
            "message": ""
            if certificate
            else _("No certificate has this number. Check it against the paper."),
        },
        status=200 if certificate else 404,
    )
