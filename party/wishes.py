"""Residents' small wishes (微心愿): claimed on the public wall by a Party member whose phone is proven by an SMS
code (a registered Party member of the subdistrict, or one reporting to the community: 双报到), fulfilled, then
confirmed and rated by the resident, whose phone the code goes to.

Claiming is one conditional UPDATE: of two people claiming at the same moment exactly one wins.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Person
from messaging.phone_codes import PhoneCodes
from messaging.services import queue

from .models import Wish

CODES = PhoneCodes("party:wishes", "wish_code")


class WishError(Exception):
    pass


def claimant_for_phone(phone: str, wish: Wish) -> Person | None:
    """The Party member with this (proven) phone who may claim ``wish``: registered in the wish's subdistrict,
    or reporting to its community (双报到)."""
    return (
        Person.objects.filter(phone=phone, is_party_member=True)
        .filter(
            Q(community__subdistrict_id=wish.community.subdistrict_id)
            | Q(reported_to__community_id=wish.community_id, reported_to__active=True)
        )
        .order_by("pk")
        .first()
    )


def claim(wish: Wish, *, person: Person, now=None) -> None:
    now = now or timezone.now()
    claimed = Wish.objects.filter(pk=wish.pk, status=Wish.Status.PUBLISHED).update(
        status=Wish.Status.CLAIMED, claimed_by=person, claimed_at=now
    )
    if not claimed:
        raise WishError(_("Someone has already claimed this wish. Thank you all the same!"))
    wish.refresh_from_db()
    url = settings.SITE_URL.rstrip("/") + reverse("party:wish_confirm", args=[wish.pk])
    queue(
        "wish_claimed",
        to=wish.resident_phone,
        key=f"wish-claimed:{wish.pk}",
        params={
            "wish": wish.title,
            "claimant": mask_claimant(person.name),
            "deadline": wish.deadline.strftime("%m月%d日"),
            "url": url,
        },
        community=wish.community,
        about=f"wish:{wish.pk}",
    )


def mask_claimant(name: str) -> str:
    return f"{name[:1]}同志" if name else ""


def confirm(wish: Wish, *, rating: int, now=None) -> None:
    """The resident's confirmation and rating (评单), once the wish is fulfilled (or claimed: the resident
    may confirm before staff record the fulfilment)."""
    now = now or timezone.now()
    done = Wish.objects.filter(pk=wish.pk, status__in=[Wish.Status.CLAIMED, Wish.Status.FULFILLED]).update(
        status=Wish.Status.CONFIRMED, confirmed_at=now, rating=rating
    )
    if not done:
        raise WishError(_("This wish cannot be confirmed now (it is not claimed, or was confirmed already)."))


def submit(*, name: str, phone: str, community_id: int, title: str, story: str) -> Wish:
    """A wish a resident made on the public page (their phone proven, their consent given): it waits for the
    community's staff, who set its value and deadline and publish it."""
    wish = Wish(
        community_id=community_id,
        title=title,
        story=story,
        estimated_value=0,
        resident_name=name,
        resident_phone=phone,
        consented=True,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        status=Wish.Status.SUBMITTED,
    )
    wish.full_clean()
    wish.save()
    return wish
