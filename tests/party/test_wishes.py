"""微心愿: the public wall with names masked, claiming with a proven phone (one claim wins), 双报到 members claim
too, the resident confirms and rates, the counts in the reports."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communities.models import Person
from messaging.models import Message
from party import stats, wishes
from party.models import InServiceMember, Wish
from tests.volunteers.conftest import sign_in

MEMBER_PHONE = "13900001234"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wish(community):
    return Wish.objects.create(
        community=community,
        title="一台助行器",
        story="腿脚不便，出门困难",
        estimated_value=300,
        resident_name="陈秀兰",
        resident_phone="13700005678",
        consented=True,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def member(community):
    return Person.objects.create(name="刘建国", community=community, is_party_member=True, phone=MEMBER_PHONE)


def sent_code(phone):
    return Message.objects.filter(kind="wish_code", recipient=phone).latest("pk").params["code"]


def test_the_wall_masks_the_residents_name(client, wish):
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("party:wishes")).content.decode()
    assert "一台助行器" in page and "陈*兰" in page and "陈秀兰" not in page
    detail = client.get(reverse("party:wish", args=[wish.pk])).content.decode()
    assert "陈秀兰" not in detail and "13700005678" not in detail


def test_a_party_member_claims_with_a_code_and_the_resident_confirms(client, wish, member, subdistrict):
    client.cookies["django_language"] = "zh-hans"
    url = reverse("party:wish", args=[wish.pk])
    client.post(url, {"phone": MEMBER_PHONE})
    response = client.post(url, {"code": sent_code(MEMBER_PHONE)}, follow=True)
    assert "感谢您认领这个心愿" in response.content.decode()
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by) == ("claimed", member)
    told = Message.objects.get(kind="wish_claimed")
    assert told.recipient == "13700005678" and "刘同志" in told.text and "刘建国" not in told.text

    confirm = reverse("party:wish_confirm", args=[wish.pk])
    client.post(confirm, {})
    response = client.post(confirm, {"code": sent_code("13700005678"), "rating": "5"}, follow=True)
    wish.refresh_from_db()
    assert (wish.status, wish.rating) == ("confirmed", 5)
    year = (timezone.localdate().replace(month=1, day=1), timezone.localdate())
    assert stats.wish_totals(subdistrict, *year) == {"wishes": 1, "wishes_claimed": 1, "wishes_confirmed": 1}


def test_someone_who_is_not_a_party_member_here_gets_no_code_and_cannot_claim(client, wish, far_community):
    Person.objects.create(name="外地人", community=far_community, is_party_member=True, phone="13600000000")
    url = reverse("party:wish", args=[wish.pk])
    client.post(url, {"phone": "13600000000"})
    assert not Message.objects.filter(kind="wish_code").exists()
    client.post(url, {"code": "123456"})
    wish.refresh_from_db()
    assert wish.status == "published"


def test_an_in_service_member_reporting_to_the_community_may_claim(client, wish, far_community):
    person = Person.objects.create(
        name="在职党员", community=far_community, is_party_member=True, phone="13600000001"
    )
    InServiceMember.objects.create(
        person=person, community=wish.community, employer="洛阳某公司", home_branch="某公司党支部",
        reported_on=datetime.date(2018, 3, 1),
    )  # fmt: skip
    assert wishes.claimant_for_phone("13600000001", wish) == person


def test_a_wrong_code_and_a_second_claim_are_refused(client, wish, member, community):
    client.cookies["django_language"] = "zh-hans"
    url = reverse("party:wish", args=[wish.pk])
    client.post(url, {"phone": MEMBER_PHONE})
    wrong = "000000" if sent_code(MEMBER_PHONE) != "000000" else "111111"
    assert "验证码不正确" in client.post(url, {"code": wrong}).content.decode()
    wishes.claim(wish, person=member)
    other = Person.objects.create(name="王党员", community=community, is_party_member=True)
    with pytest.raises(wishes.WishError):
        wishes.claim(wish, person=other)
    wish.refresh_from_db()
    assert wish.claimed_by == member


def test_a_wish_is_published_only_with_consent(client, staff, community):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("admin:party_wish_add"),
        {"community": community.pk, "title": "一台收音机", "story": "", "estimated_value": "80",
         "resident_name": "李奶奶", "resident_phone": "13700001111", "deadline": "2030-01-01",
         "status": "published", "claimed_by": "", "claimed_by_partner": "", "fulfilment": ""},
    )  # fmt: skip
    assert "只有经居民同意才能公开心愿" in response.content.decode()
    assert not Wish.objects.exists()


def test_the_overdue_filter_lists_wishes_past_their_deadline(client, staff, wish):
    Wish.objects.filter(pk=wish.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    sign_in(client, staff)
    page = client.get(reverse("admin:party_wish_changelist") + "?overdue=yes").content.decode()
    assert "一台助行器" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_at_the_same_moment_exactly_one_wins(wish, community):
    people = [
        Person.objects.create(
            name=f"党员{i}", community=community, is_party_member=True, phone=f"1390000000{i}"
        )
        for i in range(4)
    ]
    won, lost = [], []
    barrier = threading.Barrier(len(people))

    def claim(person):
        try:
            barrier.wait()
            wishes.claim(Wish.objects.get(pk=wish.pk), person=person)
            won.append(person)
        except wishes.WishError:
            lost.append(person)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == 3
    wish.refresh_from_db()
    assert wish.claimed_by == won[0]


def test_the_wall_lists_the_waiting_wishes_first(client, wish, member):
    claimed = Wish.objects.create(
        community=wish.community, title="换水龙头", estimated_value=60, resident_name="赵德明",
        resident_phone="13700002222", consented=True, deadline=wish.deadline - datetime.timedelta(days=20),
    )  # fmt: skip
    wishes.claim(claimed, person=member)
    titles = [w.title for w in client.get(reverse("party:wishes")).context["wishes"]]
    assert titles == ["一台助行器", "换水龙头"]


def test_a_resident_makes_a_wish_on_the_public_page_and_it_waits_for_the_community(client, community):
    client.cookies["django_language"] = "zh-hans"
    url = reverse("party:new_wish")
    refused = client.post(
        url, {"name": "周大爷", "phone": "137 0000 9999", "community": community.pk, "title": "一副老花镜"}
    )
    assert "未经您同意，心愿不能公开" in refused.content.decode() and not Message.objects.exists()
    client.post(
        url,
        {
            "name": "周大爷",
            "phone": "137 0000 9999",
            "community": community.pk,
            "title": "一副老花镜",
            "consent": "on",
        },
    )
    response = client.post(url, {"code": sent_code("13700009999")}, follow=True)
    assert "社区审核后会公开您的心愿" in response.content.decode()
    wish = Wish.objects.get()
    assert (wish.status, wish.resident_phone, wish.consented) == ("submitted", "13700009999", True)
    assert "一副老花镜" not in client.get(reverse("party:wishes")).content.decode()  # not on the wall yet


def test_in_service_members_are_counted_per_community(subdistrict, community, other_community, far_community):
    for i, home in enumerate([community, community, other_community]):
        person = Person.objects.create(name=f"在职{i}", community=far_community, is_party_member=True)
        InServiceMember.objects.create(
            person=person,
            community=home,
            employer="某单位",
            home_branch="某支部",
            reported_on=datetime.date(2018, 1, 1),
        )
    counts = stats.in_service_by_subunit(subdistrict, datetime.date(2018, 12, 31))
    assert (counts["total"], counts[community.pk], counts[other_community.pk]) == (3, 2, 1)


@pytest.mark.parametrize(("days_left", "overdue"), [(1, False), (0, False), (-1, True)])
def test_a_wish_is_overdue_the_day_after_its_deadline(wish, days_left, overdue):
    today = datetime.date(2018, 3, 31)
    Wish.objects.filter(pk=wish.pk).update(deadline=today + datetime.timedelta(days=days_left))
    assert Wish.objects.overdue(today=today).filter(pk=wish.pk).exists() is overdue
    Wish.objects.filter(pk=wish.pk).update(status=Wish.Status.CONFIRMED)
    assert not Wish.objects.overdue(today=today).exists()  # a confirmed wish is never overdue
