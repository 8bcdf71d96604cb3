"""Workflows that touch several models."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext

from communities.models import Person

from .models import (
    CareRecipient,
    Certificate,
    CertificateSerial,
    HomeVisit,
    IssuingOffice,
    Service,
    ServiceRecord,
    VolunteerTeam,
)
from .models.certificates import hours_of

VisitVolunteer = HomeVisit.volunteers.through


@transaction.atomic
def record_visit(
    *,
    recipient: CareRecipient,
    team: VolunteerTeam,
    volunteers: list[Person],
    visited_on: datetime.date,
    minutes: int,
    services: list[Service] = (),
    other_services: str = "",
    notes: str = "",
) -> HomeVisit:
    """Record a home visit, refusing a future date, an inactive recipient and volunteers not in the team."""
    visit = HomeVisit(
        recipient=recipient,
        team=team,
        visited_on=visited_on,
        minutes=minutes,
        other_services=other_services,
        notes=notes,
    )
    errors = {}
    try:
        visit.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    volunteer_errors = visit.volunteer_errors(volunteers)
    if volunteer_errors:
        errors["volunteers"] = volunteer_errors
    if errors:
        raise ValidationError(errors)
    visit.save()
    visit.volunteers.set(volunteers)
    visit.services.set(services)
    sync_visit_records([visit.pk])
    return visit


def sync_visit_records(visit_ids, *, batch_size: int = 2000) -> None:
    """Keep the service records of these home visits in step with them: one per volunteer who went, with the
    visit's community, team, date and length; a volunteer taken off the visit loses theirs.

    Every way a visit is written calls it after the visit's volunteers are saved (the admin, the import, the
    quick entry, the demo). The visit is the organiser's record of the service: its records are confirmed
    when made (by nobody in particular: the visit's history says who entered it).
    """
    visit_ids = list(visit_ids)
    for i in range(0, len(visit_ids), batch_size):
        _sync_batch(visit_ids[i : i + batch_size])


def _sync_batch(visit_ids) -> None:
    visits = {
        visit["pk"]: visit
        for visit in HomeVisit.objects.filter(pk__in=visit_ids).values(
            "pk", "community_id", "team_id", "visited_on", "minutes", place=F("community__name")
        )
    }
    went = set(
        VisitVolunteer.objects.filter(homevisit_id__in=visits).values_list("homevisit_id", "person_id")
    )
    records = ServiceRecord.objects.filter(home_visit_id__in=visit_ids)
    stale = [
        pk
        for pk, visit_id, person_id in records.values_list("pk", "home_visit_id", "volunteer_id")
        if (visit_id, person_id) not in went
    ]
    if stale:
        ServiceRecord.objects.filter(pk__in=stale).delete()
    visit = HomeVisit.objects.filter(pk=OuterRef("home_visit_id"))
    records.update(
        **{
            field: Subquery(visit.values(source))
            for field, source in (
                ("community_id", "community_id"),
                ("team_id", "team_id"),
                ("served_on", "visited_on"),
                ("minutes", "minutes"),
            )
        }
    )
    now = timezone.now()
    ServiceRecord.objects.bulk_create(
        [
            ServiceRecord(
                volunteer_id=person_id,
                home_visit_id=visit_id,
                community_id=visits[visit_id]["community_id"],
                team_id=visits[visit_id]["team_id"],
                kind=ServiceRecord.Kind.HOME_VISIT,
                served_on=visits[visit_id]["visited_on"],
                minutes=visits[visit_id]["minutes"],
                place=visits[visit_id]["place"],
                recorded=ServiceRecord.Recorded.ORGANISER,
                confirmed_at=now,
                created_at=now,
            )
            for visit_id, person_id in sorted(went)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def confirm_records(records, *, by, now=None) -> int:
    """Confirm the hours of those ``records`` (a queryset) still waiting; how many were. One UPDATE: two staff
    confirming at once confirm each record once."""
    return records.filter(confirmed_at__isnull=True).update(
        confirmed_at=now or timezone.now(), confirmed_by=by
    )


class CertificateRefused(Exception):
    pass


@dataclass(frozen=True)
class CertificateDraft:
    """What a certificate for ``volunteer`` over the period would say: the confirmed service the office's unit
    recorded, and how many records still wait for confirmation (they are not certified)."""

    volunteer: Person
    start: datetime.date
    end: datetime.date
    services: int
    minutes: int
    backfilled_minutes: int
    pending: int
    content: str

    @property
    def hours(self) -> Decimal:
        return hours_of(self.minutes)

    @property
    def backfilled_hours(self) -> Decimal:
        return hours_of(self.backfilled_minutes)


def certificate_draft(*, office: IssuingOffice, volunteer: Person, start, end) -> CertificateDraft:
    """The figures of a certificate (3 queries): per kind of service its count and hours, the teams."""
    records = ServiceRecord.objects.for_unit(office.unit).filter(volunteer=volunteer).between(start, end)
    by_kind = (
        records.confirmed()
        .values("kind")
        .annotate(
            backfilled=Sum("minutes", filter=Q(recorded=ServiceRecord.Recorded.BACKFILLED)),
            n=Count("pk"),
            total=Sum("minutes"),
        )
        .order_by("kind")
    )
    rows = list(by_kind)
    teams = list(
        records.confirmed()
        .filter(team__isnull=False)
        .values_list("team__name", flat=True)
        .distinct()
        .order_by()
    )
    labels = dict(ServiceRecord.Kind.choices)
    parts = [
        gettext("%(kind)s %(n)d times, %(hours)s hours")
        % {"kind": labels[row["kind"]], "n": row["n"], "hours": hours_of(row["total"])}
        for row in rows
    ]
    content = "；".join(parts)
    if teams:
        content += "\n" + gettext("With: %(teams)s") % {"teams": "、".join(sorted(teams))}
    return CertificateDraft(
        volunteer=volunteer,
        start=start,
        end=end,
        services=sum(row["n"] for row in rows),
        minutes=sum(row["total"] for row in rows),
        backfilled_minutes=sum(row["backfilled"] or 0 for row in rows),
        pending=records.filter(confirmed_at__isnull=True).count(),
        content=content,
    )


@transaction.atomic
def issue_certificate(
    *, office: IssuingOffice, volunteer: Person, start, end, handler: str, notes: str = "", by, now=None
) -> Certificate:
    """Number, register and return a certificate of the confirmed service; CertificateRefused(why) when there
    is none (hours waiting for confirmation are never certified)."""
    if end < start:
        raise CertificateRefused(gettext("The period ends before it starts."))
    draft = certificate_draft(office=office, volunteer=volunteer, start=start, end=end)
    if draft.minutes <= 0:
        message = gettext("%(name)s has no confirmed service recorded by %(office)s in this period.") % {
            "name": volunteer.name,
            "office": office.name,
        }
        if draft.pending:
            message += " " + gettext(
                "%(n)d records wait for the organiser's confirmation: confirm them first."
            ) % {"n": draft.pending}
        raise CertificateRefused(message)
    now = now or timezone.now()
    year = timezone.localtime(now).year
    serial = CertificateSerial.next_for(office, year)
    certificate = Certificate(
        number=f"{office.code}-{year}-{serial:05d}",
        office=office,
        volunteer=volunteer,
        period_start=start,
        period_end=end,
        hours=draft.hours,
        backfilled_hours=draft.backfilled_hours,
        services=draft.services,
        content=draft.content,
        person_in_charge=office.person_in_charge,
        handler=handler.strip(),
        contact=office.contact,
        notes=notes.strip(),
        issued_at=now,
        issued_by=by,
    )
    certificate.full_clean()
    certificate.save()
    return certificate
