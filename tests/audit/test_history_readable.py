"""The history page reads as the office speaks: times in local time (Asia/Shanghai), field names and choices
in Chinese, none of the machinery's own fields; adding or removing a team's member shows on the team."""

import datetime
import uuid

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise

from audit.history import tracked_models
from communities.models import Person
from tests.audit.test_history import admin_form_data
from tests.venues.test_admin import act, make_booking
from tests.venues.test_booking import form_data
from venues.models import Booking
from volunteers.models import Membership, VolunteerTeam

pytestmark = pytest.mark.django_db


def history(client, obj) -> str:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    start = text.index('<div id="change-history"')
    return text[start : text.index("</table>", start)] if "<table" in text[start:] else text[start:]


def local(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def test_a_bookings_slot_and_times_read_in_local_time(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)  # 10:00 in Luoyang, 02:00 UTC
    client.force_login(staff)
    act(client, "approve", [booking])
    booking.refresh_from_db()
    text = history(client, booking)
    assert f"时段:  → 家风家训馆 {slot_start:%Y-%m-%d} 10:00" in text
    assert "02:00" not in text
    assert f"审核时间:  → {local(booking.decided_at)}" in text
    entry = LogEntry.objects.get_for_object(booking).latest("timestamp")
    assert f'<th scope="row">{local(entry.timestamp)}</th>' in text


def test_a_slots_name_is_in_local_time_wherever_it_shows(venue, slot_start):
    booking = make_booking(venue, slot_start)
    assert str(booking.slot).endswith(f"{slot_start:%Y-%m-%d} 10:00")


def test_field_names_and_choices_read_in_chinese(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    act(client, "reject", [booking], reason="场馆维修", apply="1")
    text = history(client, booking)
    assert "状态: 待审核 → 未通过" in text
    assert "未通过原因:  → 场馆维修" in text
    assert "参观者:  → 学校" in text
    assert "到访前一天短信提醒:  → 是" in text
    for internal in ("status", "reject_reason", "visitor_kind", "pending", "rejected", "school", "True"):
        assert f">{internal}" not in text and f" {internal}" not in text, internal


def test_a_public_booking_keeps_no_idempotency_key_in_its_history(client, staff, venue, slot_start):
    key = str(uuid.uuid4())
    assert client.post(f"/venues/{venue.slug}/book/", form_data(slot_start, token=key)).status_code == 302
    booking = Booking.objects.get()
    assert booking.idempotency_key is not None
    created = LogEntry.objects.get_for_object(booking).get(action=LogEntry.Action.CREATE)
    assert "idempotency_key" not in created.changes and key not in str(created.changes)
    client.force_login(staff)
    text = history(client, booking)
    assert "idempotency" not in text and key not in text


def test_entries_written_before_do_not_show_the_machinerys_fields(client, staff, venue, slot_start):
    """Histories written before these fields were left out still hold them: the page does not show them."""
    booking = make_booking(venue, slot_start)
    key = str(uuid.uuid4())
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Booking),
        object_pk=str(booking.pk),
        object_id=booking.pk,
        object_repr=str(booking),
        action=LogEntry.Action.UPDATE,
        changes={"idempotency_key": ["None", key], "size": ["2", "3"]},
    )
    client.force_login(staff)
    text = history(client, booking)
    assert "参观人数: 2 → 3" in text
    assert "idempotency" not in text and key not in text


def test_every_tracked_field_has_a_name_in_chinese():
    """A field without a translated name would show its internal name: it is named, or it is not tracked."""
    unnamed = []
    for model in tracked_models():
        options = auditlog.get_model_fields(model)
        excluded = set(options["exclude_fields"])
        fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
        for field in fields:
            if field.primary_key or field.name in excluded:
                continue
            if (
                options["include_fields"]
                and field.name not in options["include_fields"]
                and not field.many_to_many
            ):
                continue
            if not isinstance(field.verbose_name, Promise):
                unnamed.append(f"{model._meta.label_lower}.{field.name}")
    assert unnamed == []


def test_a_waitlist_links_secret_token_is_not_kept_in_the_history():
    from venues.models import Venue, WaitlistEntry

    assert "token" in auditlog.get_model_fields(WaitlistEntry)["exclude_fields"]
    assert "availability_version" in auditlog.get_model_fields(Venue)["exclude_fields"]


# ---- a team's members -----------------------------------------------------------------------------------


@pytest.fixture
def team(community):
    return VolunteerTeam.objects.create(name="环西社区党员志愿服务队", community=community)


@pytest.fixture
def member(community):
    return Person.objects.create(name="王建军", community=community)


def team_url(team):
    return reverse("admin:volunteers_volunteerteam_change", args=[team.pk])


def add_member_on_the_teams_page(client, team, person):
    page = client.get(team_url(team))
    data = admin_form_data(page)
    n = int(data["memberships-TOTAL_FORMS"])
    data.update(
        {
            "memberships-TOTAL_FORMS": str(n + 1),
            f"memberships-{n}-person": str(person.pk),
            f"memberships-{n}-role": Membership.Role.MEMBER,
            f"memberships-{n}-joined_on": "2018-03-01",
            f"memberships-{n}-team": str(team.pk),
        }
    )
    response = client.post(team_url(team), data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""


def remove_member_on_the_teams_page(client, team, person):
    data = admin_form_data(client.get(team_url(team)))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("memberships-") and key.endswith("-person") and str(value) == str(person.pk)
    )
    data[f"memberships-{index}-DELETE"] = "on"
    response = client.post(team_url(team), data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""


def test_adding_and_removing_a_member_shows_on_the_teams_history(client, staff, team, member):
    client.force_login(staff)
    add_member_on_the_teams_page(client, team, member)
    assert Membership.objects.filter(team=team, person=member).exists()
    text = history(client, team)
    assert "成员 添加: 王建军" in text and staff.get_username() in text
    entry = LogEntry.objects.get_for_object(team).get(changes__has_key="members")
    assert entry.actor == staff
    assert entry.changes == {"members": {"type": "m2m", "operation": "add", "objects": ["王建军"]}}

    remove_member_on_the_teams_page(client, team, member)
    assert not Membership.objects.filter(team=team).exists()
    text = history(client, team)
    assert "成员 移除: 王建军" in text and "成员 添加: 王建军" in text


def test_a_deleted_team_writes_no_removals_of_its_own(staff, team, member):
    Membership.objects.create(team=team, person=member)
    pk = team.pk
    team.delete()
    removals = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(VolunteerTeam),
        object_pk=str(pk),
        changes__has_key="members",
    )
    assert [entry.changes["members"]["operation"] for entry in removals] == ["add"]


def test_an_erased_member_leaves_the_teams_history_without_their_name(client, staff, team, member):
    from audit.personal_data import erase_person

    client.force_login(staff)
    add_member_on_the_teams_page(client, team, member)
    remove_member_on_the_teams_page(client, team, member)
    erase_person(member, by=staff)
    assert "王建军" not in history(client, team)


def test_the_teams_history_costs_the_same_queries_for_many_members(client, staff, team, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("admin:volunteers_volunteerteam_history", args=[team.pk])

    def queries_after(members):
        for i in range(members):
            Membership.objects.create(
                team=team, person=Person.objects.create(name=f"队员{i}", community=community)
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_after(2) == queries_after(20)


def test_an_outsider_cannot_open_the_teams_history(client, outsider, team):
    client.force_login(outsider)
    assert client.get(reverse("admin:volunteers_volunteerteam_history", args=[team.pk])).status_code == 404


def test_a_membership_made_by_a_command_has_no_actor(team, member):
    Membership.objects.create(team=team, person=member, joined_on=datetime.date(2018, 1, 1))
    assert LogEntry.objects.get_for_object(team).get(changes__has_key="members").actor is None
