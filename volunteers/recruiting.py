"""Recruiting volunteers for an activity, from sign-up to the service record.

- Sign-up on the public page, the phone proven by an SMS code (messaging.phone_codes); places go in order,
  then the waiting list; cancelling until the deadline gives the place to the first who waits.
- Check-in and check-out: the organiser shows the activity's QR code (a signed token of the activity and the
  minute, valid ROTATE_SECONDS × TOKEN_WINDOWS, shown only during the activity's time window); the volunteer
  scans it with their phone's camera. Or the organiser checks people in from the list, and enters a missing
  check-out with a reason.
- The check-out makes the volunteer's service record of the activity: the time between check-in and
  check-out inside the activity's own time, waiting for the organiser's confirmation.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Person
from messaging.phone_codes import PhoneCodes
from messaging.services import queue, queue_many

from .models import (
    MAX_CHECK_INS_PER_DAY,
    CheckIn,
    Recruitment,
    ServiceRecord,
    SignUp,
)

# The volunteers' own pages (sign-up, their record, check-in) remember a phone proven by this code.
CODES = PhoneCodes("volunteers:me", "volunteer_code")

SALT = "volunteers.check-in"
ROTATE_SECONDS = 60
# A code shown on the screen stays good for this many rotations (a phone slow to open the page still works).
TOKEN_WINDOWS = 3


class RecruitingError(Exception):
    pass


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%m月%d日 %H:%M")


def _place(recruitment: Recruitment) -> str:
    activity = recruitment.activity
    return activity.venue.name if activity.venue_id else activity.community.name


# ---- sign-up --------------------------------------------------------------------------------------------


def person_for_phone(phone: str, *, name: str, community) -> Person:
    """The register's person with this (proven) phone, preferring one of ``community``; a new one otherwise."""
    people = list(Person.objects.filter(phone=phone).order_by("pk")[:20])
    for person in people:
        if person.community_id == community.pk:
            return person
    if people:
        return people[0]
    person = Person(name=name.strip(), phone=phone, community=community)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def sign_up(recruitment: Recruitment, *, name: str, phone: str, now=None) -> SignUp:
    """Sign ``phone``'s holder up: a place while there is one, else the waiting list; the SMS says which."""
    now = now or timezone.now()
    recruitment = (
        Recruitment.objects.select_for_update(of=("self",)).select_related("activity").get(pk=recruitment.pk)
    )
    if not recruitment.published or recruitment.signup_deadline <= now:
        raise RecruitingError(_("Sign-up for this activity has closed."))
    volunteer = person_for_phone(phone, name=name, community=recruitment.community)
    active = recruitment.sign_ups.exclude(status=SignUp.Status.CANCELLED)
    if active.filter(volunteer=volunteer).exists():
        raise RecruitingError(_("You have already signed up for this activity."))
    taken = active.filter(status=SignUp.Status.CONFIRMED).count()
    status = SignUp.Status.CONFIRMED if taken < recruitment.needed else SignUp.Status.WAITLISTED
    entry = SignUp.objects.create(
        recruitment=recruitment,
        volunteer=volunteer,
        community=recruitment.community,
        status=status,
        created_at=now,
    )
    activity = recruitment.activity
    if status == SignUp.Status.CONFIRMED:
        params = {
            "activity": activity.title,
            "time": _local(activity.start),
            "place": _place(recruitment),
            "deadline": _local(recruitment.signup_deadline),
        }
        kind = "volunteer_signed_up"
    else:
        params = {
            "activity": activity.title,
            "time": _local(activity.start),
            "position": active.filter(status=SignUp.Status.WAITLISTED).count(),
        }
        kind = "volunteer_waitlisted"
    queue(
        kind,
        to=phone,
        key=f"sign-up:{entry.pk}",
        params=params,
        community=recruitment.community,
        about=f"sign-up:{entry.pk}",
    )
    return entry


@transaction.atomic
def cancel_sign_up(entry: SignUp, *, now=None) -> None:
    """The volunteer's own cancellation, until the deadline; a place freed goes to the first who waits."""
    now = now or timezone.now()
    recruitment = (
        Recruitment.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=entry.recruitment_id)
    )
    entry = SignUp.objects.select_for_update().get(pk=entry.pk)
    if entry.status == SignUp.Status.CANCELLED:
        return
    if recruitment.signup_deadline <= now:
        raise RecruitingError(
            _("The cancellation deadline (%(deadline)s) has passed: if you cannot come, tell the organiser.")
            % {"deadline": _local(recruitment.signup_deadline)}
        )
    had_place = entry.status == SignUp.Status.CONFIRMED
    entry.status, entry.cancelled_at = SignUp.Status.CANCELLED, now
    entry.save(update_fields=["status", "cancelled_at"])
    if had_place:
        first = (
            recruitment.sign_ups.filter(status=SignUp.Status.WAITLISTED).select_related("volunteer").first()
        )
        if first is not None:
            first.status = SignUp.Status.CONFIRMED
            first.save(update_fields=["status"])
            if first.volunteer.phone:
                queue(
                    "volunteer_promoted",
                    to=first.volunteer.phone,
                    key=f"promoted:{first.pk}",
                    params={
                        "activity": recruitment.activity.title,
                        "time": _local(recruitment.activity.start),
                        "place": _place(recruitment),
                    },
                    community=recruitment.community,
                    about=f"sign-up:{first.pk}",
                )


def queue_reminders(now=None) -> int:
    """The evening before: every volunteer with a place at tomorrow's activities gets a reminder."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    entries = (
        SignUp.objects.filter(
            status=SignUp.Status.CONFIRMED,
            recruitment__activity__start__date=tomorrow,
        )
        .exclude(volunteer__phone="")
        .select_related("volunteer", "recruitment__activity__venue", "recruitment__activity__community")
    )
    items = [
        {
            "to": entry.volunteer.phone,
            "key": f"volunteer-reminder:{entry.pk}",
            "params": {
                "activity": entry.recruitment.activity.title,
                "time": timezone.localtime(entry.recruitment.activity.start).strftime("%H:%M"),
                "place": _place(entry.recruitment),
            },
            "community_id": entry.community_id,
            "about": f"sign-up:{entry.pk}",
        }
        for entry in entries.iterator(chunk_size=1000)
    ]
    return queue_many("volunteer_reminder", items, now=now)


# ---- check-in codes ------------------------------------------------------------------------------------


def _window(now: datetime.datetime) -> int:
    return int(now.timestamp()) // ROTATE_SECONDS


def check_in_token(recruitment: Recruitment, now=None) -> str:
    return signing.Signer(salt=SALT).sign(f"{recruitment.pk}.{_window(now or timezone.now())}")


def check_in_url(recruitment: Recruitment, now=None) -> str:
    path = reverse("volunteer:check", args=[recruitment.pk])
    return f"{settings.SITE_URL.rstrip('/')}{path}?code={check_in_token(recruitment, now)}"


def check_token(recruitment: Recruitment, token: str, now=None) -> None:
    """Nothing when ``token`` is this activity's current code, else RecruitingError(why)."""
    now = now or timezone.now()
    try:
        value = signing.Signer(salt=SALT).unsign((token or "").strip())
        pk, window = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise RecruitingError(
            _("This is not a check-in code. Scan the QR code shown at the activity.")
        ) from None
    if pk != recruitment.pk:
        raise RecruitingError(_("This code is another activity's. Scan the QR code shown at this activity."))
    if not 0 <= _window(now) - window < TOKEN_WINDOWS:
        raise RecruitingError(_("This code has expired. Scan the QR code on the organiser's screen again."))


def check_in_time_errors(recruitment: Recruitment, now) -> str:
    if not recruitment.check_in_opens <= now <= recruitment.check_out_closes:
        return _("Check-in is open from %(opens)s to %(closes)s.") % {
            "opens": _local(recruitment.check_in_opens),
            "closes": _local(recruitment.check_out_closes),
        }
    return ""


# ---- check-in and check-out ----------------------------------------------------------------------------


def place_of(recruitment: Recruitment, volunteer: Person) -> SignUp | None:
    """The volunteer's sign-up with a place (not waiting, not cancelled)."""
    return recruitment.sign_ups.filter(volunteer=volunteer, status=SignUp.Status.CONFIRMED).first()


@transaction.atomic
def check_in(entry: SignUp, *, now=None, by_organiser: bool = False) -> CheckIn:
    now = now or timezone.now()
    recruitment = entry.recruitment
    if entry.status != SignUp.Status.CONFIRMED:
        raise RecruitingError(_("Only volunteers with a place can check in (not those on the waiting list)."))
    if CheckIn.objects.filter(sign_up=entry).exists():
        raise RecruitingError(_("Already checked in."))
    error = check_in_time_errors(recruitment, now)
    if error or now > recruitment.activity.end:
        raise RecruitingError(error or _("The activity has ended: check-in is closed."))
    # Locked, so two scans at once cannot both pass the daily limit.
    Person.objects.select_for_update().filter(pk=entry.volunteer_id).first()
    day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = CheckIn.objects.filter(
        volunteer_id=entry.volunteer_id,
        checked_in_at__gte=day,
        checked_in_at__lt=day + datetime.timedelta(days=1),
    ).count()
    if today >= MAX_CHECK_INS_PER_DAY:
        raise RecruitingError(
            _("At most %(n)d check-ins a day: this volunteer has used them today.")
            % {"n": MAX_CHECK_INS_PER_DAY}
        )
    return CheckIn.objects.create(
        sign_up=entry,
        volunteer_id=entry.volunteer_id,
        community_id=entry.community_id,
        checked_in_at=now,
        checked_in_by_organiser=by_organiser,
    )


@transaction.atomic
def check_out(record: CheckIn, *, at=None, reason: str = "", now=None) -> ServiceRecord | None:
    """End ``record`` at ``at`` (now); an organiser entering a missing check-out gives ``reason``. Makes the
    service record (hours inside the activity's own time, waiting for confirmation); None when that time is
    empty (checked in and out before the activity began)."""
    now = now or timezone.now()
    at = at or now
    record = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("sign_up__recruitment__activity__venue", "sign_up__recruitment__activity__community")
        .get(pk=record.pk)
    )
    recruitment = record.sign_up.recruitment
    activity = recruitment.activity
    if record.checked_out_at is not None:
        raise RecruitingError(_("Already checked out."))
    if at <= record.checked_in_at:
        raise RecruitingError(
            _("The check-out must be after the check-in (%(time)s).") % {"time": _local(record.checked_in_at)}
        )
    if at > now:
        raise RecruitingError(_("The check-out cannot be in the future."))
    if not reason and now > recruitment.check_out_closes:
        raise RecruitingError(
            _("Check-out closed at %(time)s: ask the organiser to enter it.")
            % {"time": _local(recruitment.check_out_closes)}
        )
    record.checked_out_at, record.completed_reason = at, reason.strip()
    record.save(update_fields=["checked_out_at", "completed_reason"])
    start, end = max(record.checked_in_at, activity.start), min(at, activity.end)
    minutes = int((end - start).total_seconds() // 60)
    if minutes < 1:
        return None
    try:
        with transaction.atomic():
            return ServiceRecord.objects.create(
                volunteer_id=record.volunteer_id,
                community_id=activity.community_id,
                team_id=activity.volunteer_team_id,
                kind=ServiceRecord.Kind.ACTIVITY,
                activity=activity,
                served_on=timezone.localdate(activity.start),
                starts_at=start,
                ends_at=end,
                minutes=minutes,
                place=_place(recruitment),
                content=recruitment.tasks,
                recorded=ServiceRecord.Recorded.CHECK_IN,
            )
    except IntegrityError:
        raise RecruitingError(_("This volunteer already has a service record of this activity.")) from None


def organiser_check_out(record: CheckIn, *, at, reason: str, now=None) -> ServiceRecord | None:
    """A check-out the volunteer forgot, entered by the organiser with the reason."""
    if not (reason or "").strip():
        raise RecruitingError(_("Say why you enter the check-out for the volunteer."))
    return check_out(record, at=at, reason=reason, now=now)
