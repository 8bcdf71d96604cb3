"""Two-factor enrolment and verification; a resident's data export and erasure."""

import io
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from communities.models import Person
from registers import workbooks
from registers.personal_data import can_see_sensitive, record_export

from . import events, personal_data
from . import two_factor as otp
from .forms import EnrolForm, ErasureForm, TokenForm
from .passwords import StaffPasswordResetForm, too_many_resets


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _admin_context(request, title):
    from django.contrib import admin

    return {**admin.site.each_context(request), "title": title}


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrol an authenticator (QR code, then a code from the app), renew recovery codes, or remove it."""
    user = request.user
    required = otp.requires_two_factor(user)
    enrolled = otp.has_confirmed_device(user)
    context = {
        **_admin_context(request, _("Two-factor sign-in")),
        "required": required,
        "enrolled": enrolled,
        "next": _next_url(request),
    }
    action = request.POST.get("action") if request.method == "POST" else None

    if enrolled:
        if action == "recovery_codes" and user.is_verified():
            context["recovery_codes"] = otp.new_recovery_codes(user)
            request.session[otp.CODES_SHOWN_AT] = time.time()
        elif action == "remove" and user.is_verified():
            if required:
                messages.error(
                    request, _("Your account may see sensitive personal data: two-factor sign-in stays on.")
                )
            else:
                otp.remove_two_factor(user)
                events.record(events.Kind.TWO_FACTOR_REMOVED, target=user.get_username())
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("audit:two_factor")
        return TemplateResponse(request, "audit/two_factor.html", context)

    device = otp.pending_totp_device(user)
    form = EnrolForm(request.POST if action == "enrol" else None)
    if form.is_bound and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            context["recovery_codes"] = otp.confirm_totp_device(request, device)
            request.session[otp.CODES_SHOWN_AT] = time.time()
            context["enrolled"] = True
            messages.success(request, _("Two-factor sign-in is on."))
            return TemplateResponse(request, "audit/two_factor.html", context)
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and try the new code.")
        )
    context.update(form=form, secret=_grouped(device.bin_key))
    return TemplateResponse(request, "audit/two_factor.html", context)


def _grouped(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@staff_member_required
def recovery_codes_file(request):
    """The recovery codes just shown, as a text file to keep: only to their account, in a session verified with
    the second factor, and only in the minutes after the codes were made (they are not shown again later)."""
    shown_at = request.session.get(otp.CODES_SHOWN_AT)
    if (
        not request.user.is_verified()
        or shown_at is None
        or time.time() - shown_at > otp.CODES_DOWNLOAD_SECONDS
    ):
        raise PermissionDenied
    codes = otp.unused_recovery_codes(request.user)
    lines = [
        _("Recovery codes of %(name)s (%(site)s)")
        % {"name": request.user.get_username(), "site": request.get_host()},
        _("Each code signs you in once if you lose your phone. Keep this file somewhere safe."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{_('recovery codes')}.txt")
    return response  # never_cache: no-store


@never_cache
@staff_member_required
def qr_code(request):
    """The enrolment QR code as an SVG served by the project (it holds the secret: never cached)."""
    if otp.has_confirmed_device(request.user):
        raise PermissionDenied
    device = otp.pending_totp_device(request.user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the authenticator or a recovery code."""
    if not otp.has_confirmed_device(request.user):
        return redirect(f"{reverse('audit:two_factor')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if form.is_bound and form.is_valid():
        if otp.verify_token(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error(
            "token", _("That code is not right, or was already used. Wait for a new code and try again.")
        )
    context = {
        **_admin_context(request, _("Two-factor sign-in")),
        "form": form,
        "next": _next_url(request),
        "required": otp.requires_two_factor(request.user),
    }
    return TemplateResponse(request, "audit/verify.html", context)


def _person_for_request(request, pk):
    """A resident's data goes out in full (phones unmasked): only to officers who may see sensitive data."""
    user = request.user
    if not (user.has_perm("audit.handle_personal_data_requests") and can_see_sensitive(user)):
        raise PermissionDenied
    return get_object_or_404(Person.objects.for_user(request.user), pk=pk)


@never_cache
@staff_member_required
def person_data_export(request, pk, fmt):
    """What we hold about a resident, as JSON or a spreadsheet (a subject access request under PIPL)."""
    person = _person_for_request(request, pk)
    if fmt not in ("json", "xlsx"):
        raise PermissionDenied
    data = personal_data.with_outside_counts(personal_data.collect(person, request.user))
    from .access import log_sensitive_access

    log_sensitive_access(request.user, person, ["export"])
    record_export(request.user, Person, 1, f"personal data of one resident ({fmt})")
    if fmt == "json":
        body, content_type = personal_data.as_json(data), "application/json"
    else:
        body, content_type = (
            personal_data.as_xlsx(data),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = HttpResponse(body, content_type=content_type)
    today = timezone.localdate()
    name = workbooks.file_name(
        person.community, workbooks.period_label(today, today), person.name, _("personal data"), extension=fmt
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def person_erase(request, pk):
    """Erase a resident's personal data on request: the records stay (counts), the person becomes anonymous."""
    person = _person_for_request(request, pk)
    form = ErasureForm(request.POST or None, person=person)
    if form.is_bound and form.is_valid():
        outside = personal_data.erase_person(person, by=request.user)
        messages.success(request, _("The person's personal data was erased; the counts are unchanged."))
        if outside:
            messages.warning(
                request,
                _("Not erased: records outside your unit, for their own staff to erase (%(counts)s).")
                % {"counts": personal_data.describe_outside(outside)},
            )
        return redirect("admin:communities_person_change", person.pk)
    held = personal_data.collect(person, request.user)
    if held.outside:
        messages.warning(
            request,
            _("Outside your unit, not shown and not erased here: %(counts)s.")
            % {"counts": personal_data.describe_outside(held.outside)},
        )
    context = {
        **_admin_context(request, _("Erase a person's personal data")),
        "form": form,
        "person": person,
        "held": held.data,
    }
    return TemplateResponse(request, "audit/person_erase.html", context)


class _AdminLook:
    """Django's password-reset pages use the admin's templates, which expect the admin site's context."""

    def get_context_data(self, **kwargs):
        from django.contrib import admin

        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordReset(_AdminLook, auth_views.PasswordResetView):
    """ "Forgotten your password?" on the sign-in page: staff accounts get a link by email. The page answers
    the same for any address; too many asks from one address, or for one email, are refused for an hour."""

    form_class = StaffPasswordResetForm

    def form_valid(self, form):
        if too_many_resets(self.request, form.cleaned_data["email"]):
            form.add_error("email", _("Too many password resets were asked for. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetSent(_AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirm(_AdminLook, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetComplete(_AdminLook, auth_views.PasswordResetCompleteView):
    pass
