"""A resident's erasure reaches every record that names them inside the officer's unit, and nothing else.

One resident, 王芳, holds every kind of record that can point at a person (committee role, team leader and
member, care recipient and assigned volunteer, volunteer on visits, lecturer, docent), plus the records
that point at those (the activity she lectured at, the bookings she guided). A co-volunteer, 王芳华, has a
name that begins with hers and must keep it everywhere.
"""

import datetime
import json
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityType, Lecturer
from audit.models import AccessLog
from audit.personal_data import ERASED
from communities.models import CommitteeMember, Courtyard, Grid, PartyOrganization, Person
from party.models import Absence, BranchMeeting, InServiceMember, Wish
from tests.venues.conftest import make_venue
from tests.volunteers.conftest import add_visit, make_recipient
from venues.models import Booking, Docent, Slot, VisitRecord
from volunteers.models import (
    CareCategory,
    CareRecipient,
    Certificate,
    CertificateRequest,
    CheckIn,
    Commendation,
    Evaluation,
    HomeVisit,
    IssuingOffice,
    Membership,
    Recruitment,
    ServiceRecord,
    SignUp,
    Training,
    VolunteerTeam,
)

pytestmark = pytest.mark.django_db

NAME, PREFIXED = "王芳", "王芳华"
# The erased name anywhere, but not as the start of 王芳华.
TRACE = re.compile("王芳(?!华)")
TYPED, STORED = "138 1234 5678", "13812345678"  # as typed on the person; as the booking form stores it


@pytest.fixture(autouse=True)
def care_lists(db):
    CareCategory.ensure_all()


@pytest.fixture
def officer(sensitive_staff):
    return sensitive_staff


def booking(venue, *, name, phone, day=None, docent=None, reference):
    day = day or timezone.localdate() - datetime.timedelta(days=3)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    slot, _created = Slot.objects.get_or_create(
        venue=venue,
        starts_at=start,
        defaults={"ends_at": start + datetime.timedelta(hours=1), "capacity": 20},
    )
    return Booking.objects.create(
        reference=reference,
        venue=venue,
        community=venue.community,
        slot=slot,
        visitor_kind=Booking.VisitorKind.RESIDENT,
        size=2,
        contact_name=name,
        phone=phone,
        purpose="参观",
        reject_reason="王芳 本人要求改期",
        docent=docent,
        status=Booking.Status.COMPLETED,
    )


@pytest.fixture
def world(community, other_community):
    person = Person.objects.create(
        name=NAME, community=community, phone=TYPED, gender="F", birth_date=datetime.date(1960, 5, 1)
    )
    prefixed = Person.objects.create(name=PREFIXED, community=community, phone="13900002222")
    CommitteeMember.objects.create(
        person=person,
        community=community,
        term=2021,
        elected_on=datetime.date(2021, 1, 5),
        role=CommitteeMember.Role.DIRECTOR,
    )
    team = VolunteerTeam.objects.create(name="环西社区巾帼志愿服务队", community=community, leader=person)
    Membership.objects.create(team=team, person=person)
    Membership.objects.create(team=team, person=prefixed)
    courtyard = Courtyard.objects.create(
        grid=Grid.objects.create(community=community, name="一网格"), name="金谷园"
    )
    as_recipient = CareRecipient.objects.create(
        person=person, community=community, assigned_team=team, since=datetime.date(2016, 1, 1),
        health_notes="高血压", courtyard=courtyard, building="3", entrance="2", room="401",
    )  # fmt: skip
    as_recipient.categories.set(CareCategory.objects.filter(code="disabled"))
    own_visit = add_visit(as_recipient, team, [prefixed], timezone.localdate() - datetime.timedelta(days=5))
    HomeVisit.objects.filter(pk=own_visit.pk).update(notes="腿脚不便", other_services="修剪指甲")
    neighbour = make_recipient(community, "陈秀兰", team=team)
    neighbour.assigned_volunteers.set([person, prefixed])
    add_visit(neighbour, team, [person, prefixed], timezone.localdate() - datetime.timedelta(days=4))
    served = ServiceRecord.objects.get(volunteer=person)
    Evaluation.objects.create(
        volunteer=person, community=community, service_record=served, by="recipient", rating=5, note="很耐心"
    )
    Training.objects.create(
        volunteer=person, community=community, course="急救培训", held_on=served.served_on, hours=2
    )
    Commendation.objects.create(
        volunteer=person,
        community=community,
        title="优秀志愿者",
        awarded_by="西关办事处",
        awarded_on=served.served_on,
    )
    office = IssuingOffice.objects.create(
        subdistrict=community.subdistrict, community=community, name="环西社区志愿服务站", code="HX",
        person_in_charge="张主任", contact="0379-63211234",
    )  # fmt: skip
    certificate = Certificate.objects.create(
        number="HX-2018-00001", office=office, volunteer=person, period_start=served.served_on,
        period_end=served.served_on, hours=1, backfilled_hours=0, services=1, content="上门服务 1次",
        person_in_charge="张主任", handler="李干事", contact="0379-63211234", notes="用于求职",
        issued_by=User.objects.create(username="issuer"),
    )  # fmt: skip
    lecturer = Lecturer.objects.create(person=person, community=community, category="volunteer")
    other_lecturer = Lecturer.objects.create(person=prefixed, community=community, category="volunteer")
    lecture = Activity.objects.create(
        title="家风讲座",
        type=ActivityType.objects.get(kind=ActivityType.Kind.LECTURE, subdistrict=None),
        community=community,
        volunteer_team=team,
        start=timezone.now() - datetime.timedelta(days=10),
        end=timezone.now() - datetime.timedelta(days=10),
        participants=30,
    )
    lecture.lecturers.add(lecturer, other_lecturer)
    earlier = Activity.objects.create(
        title="读书会",
        type=lecture.type,
        community=community,
        volunteer_team=team,
        start=timezone.now() - datetime.timedelta(days=20),
        end=timezone.now() - datetime.timedelta(days=20),
        participants=12,
    )
    earlier.lecturers.add(lecturer)
    earlier.lecturers.remove(lecturer)  # no longer linked, but the history still names her
    CertificateRequest.objects.create(
        volunteer=person, community=community, purpose="求职", certificate=certificate
    )
    recruitment = Recruitment.objects.create(
        activity=lecture, community=community, needed=3, tasks="引导", risks="无",
        signup_deadline=lecture.start - datetime.timedelta(days=1),
    )  # fmt: skip
    entry = SignUp.objects.create(
        recruitment=recruitment, volunteer=person, community=community, status="confirmed"
    )
    CheckIn.objects.create(sign_up=entry, volunteer=person, community=community, checked_in_at=lecture.start)
    branch = PartyOrganization.objects.create(
        name="环西社区第一党支部", kind="branch", subdistrict=community.subdistrict, community=community
    )
    meeting = BranchMeeting.objects.create(
        branch=branch, kind="themed_day", held_on=lecture.start.date(), topic="学习"
    )
    meeting.attendees.add(person)
    other_meeting = BranchMeeting.objects.create(
        branch=branch, kind="lecture", held_on=lecture.start.date(), topic="党课"
    )
    Absence.objects.create(meeting=other_meeting, person=person, reason="出差")
    Absence.objects.create(meeting=meeting, person=prefixed, reason="生病")
    InServiceMember.objects.create(
        person=person, community=community, employer="洛阳某公司", home_branch="某公司党支部",
        reported_on=datetime.date(2018, 3, 1),
    )  # fmt: skip
    Wish.objects.create(
        community=community, title="一台收音机", estimated_value=50, resident_name="李奶奶", resident_phone="13700001111",
        consented=True, deadline=datetime.date(2030, 1, 1), status="claimed", claimed_by=person,
    )  # fmt: skip
    venue = make_venue(community)
    docent = Docent.objects.create(person=person, community=community)
    guided = booking(venue, name="刘红梅", phone="13700001111", docent=docent, reference="GUIDED1")
    VisitRecord.objects.create(
        venue=venue, community=community, booking=guided, visited_on=guided.slot.starts_at.date(),
        visitors=2, docent=docent,
    )  # fmt: skip
    own = booking(venue, name=NAME, phone=STORED, reference="OWN1")
    other_venue = make_venue(other_community, slug="jinye")
    elsewhere = booking(other_venue, name=NAME, phone=STORED, reference="ELSEWHERE1")
    return {
        "person": person,
        "prefixed": prefixed,
        "lecture": lecture,
        "earlier": earlier,
        "own_visit": own_visit,
        "as_recipient": as_recipient,
        "own_booking": own,
        "elsewhere": elsewhere,
    }


def erase(client, officer, person):
    client.force_login(officer)
    return client.post(reverse("audit:person_erase", args=[person.pk]), {"confirm": person.name}, follow=True)


def history_text(entries):
    return [
        (
            entry,
            json.dumps(entry.changes, ensure_ascii=False) + entry.object_repr + (entry.changes_text or ""),
        )
        for entry in entries
    ]


def paths_to(person):
    """Every kind of record that points at a person, and every kind that points at one of those: (label of
    the kind, lookup from it to the person)."""
    paths = []
    for relation in type(person)._meta.related_objects:
        near = relation.related_model
        paths.append((near._meta.label_lower, relation.field.name))
        for second in near._meta.related_objects:
            paths.append(
                (second.related_model._meta.label_lower, f"{second.field.name}__{relation.field.name}")
            )
    return paths


def test_every_kind_of_record_that_can_name_a_person_is_in_this_test(world):
    """A new model pointing at a person (or at a record about one) fails here until the fixture above holds
    one, so that the erasure test below shows its history is cleaned too."""
    from django.apps import apps

    missing = [
        f"{label} (through {lookup})"
        for label, lookup in paths_to(world["person"])
        if not apps.get_model(label)._default_manager.filter(**{lookup: world["person"]}).exists()
    ]
    assert missing == []


def test_no_history_inside_the_unit_keeps_the_name_and_the_prefixed_name_stays(client, officer, world):
    before = {e.pk for e, text in history_text(LogEntry.objects.all()) if TRACE.search(text)}
    kinds = {
        ContentType.objects.get_for_id(e.content_type_id).model
        for e in LogEntry.objects.filter(pk__in=before)
    }
    assert {"person", "lecturer", "activity", "homevisit", "committeemember", "membership", "docent"} <= kinds

    response = erase(client, officer, world["person"])
    assert response.status_code == 200

    elsewhere = world["elsewhere"]
    left = [
        entry
        for entry, text in history_text(LogEntry.objects.all())
        if TRACE.search(text)
        and not (entry.content_type.model == "booking" and entry.object_pk == str(elsewhere.pk))
    ]
    assert left == []
    lecture_entries = [e.changes["lecturers"] for e in LogEntry.objects.get_for_object(world["lecture"])
                       if "lecturers" in e.changes]  # fmt: skip
    assert [sorted(m2m["objects"]) for m2m in lecture_entries] == [sorted([ERASED, PREFIXED])]
    earlier = [e.changes["lecturers"]["objects"] for e in LogEntry.objects.get_for_object(world["earlier"])
               if "lecturers" in e.changes]  # fmt: skip
    assert earlier == [[ERASED], [ERASED]]
    assert LogEntry.objects.get_for_object(world["prefixed"]).filter(object_repr=PREFIXED).exists()
    visit_names = set(
        LogEntry.objects.get_for_object(world["own_visit"]).values_list("object_repr", flat=True)
    )
    assert f"{ERASED} · {world['own_visit'].visited_on}" in visit_names
    assert Person.objects.get(pk=world["prefixed"].pk).name == PREFIXED


def test_a_namesake_elsewhere_keeps_the_removed_links_of_her_own(client, officer, world, far_community):
    """Another 王芳 exists: an activity she is no longer linked to cannot be told apart, and keeps its name."""
    Person.objects.create(name=NAME, community=far_community)
    erase(client, officer, world["person"])
    lecture = [e.changes["lecturers"]["objects"] for e in LogEntry.objects.get_for_object(world["lecture"])
               if "lecturers" in e.changes]  # fmt: skip
    assert sorted(lecture[0]) == sorted([ERASED, PREFIXED])
    earlier = [e.changes["lecturers"]["objects"] for e in LogEntry.objects.get_for_object(world["earlier"])
               if "lecturers" in e.changes]  # fmt: skip
    assert earlier == [[NAME], [NAME]]


def test_bookings_made_with_the_number_written_differently_are_exported_and_erased(client, officer, world):
    client.force_login(officer)
    exported = client.get(reverse("audit:person_export", args=[world["person"].pk, "json"])).content.decode()
    assert "OWN1" in exported
    erase(client, officer, world["person"])
    own = Booking.objects.get(pk=world["own_booking"].pk)
    assert (own.contact_name, own.phone, own.purpose, own.reject_reason) == (ERASED, "", "", "")
    assert own.size == 2 and own.status == Booking.Status.COMPLETED


def test_bookings_and_records_outside_the_unit_are_left_and_counted(client, officer, world, other_community):
    # 王芳华 lectured in the neighbouring community: nothing of 王芳's, not to be counted as hers.
    elsewhere_lecture = Activity.objects.create(
        title="邻里讲座", type=world["lecture"].type, community=other_community,
        volunteer_team=VolunteerTeam.objects.create(name="金业路志愿服务队", community=other_community),
        start=world["lecture"].start, end=world["lecture"].end, participants=10,
    )  # fmt: skip
    elsewhere_lecture.lecturers.add(Lecturer.objects.get(person=world["prefixed"]))
    client.force_login(officer)
    exported = json.loads(
        client.get(reverse("audit:person_export", args=[world["person"].pk, "json"])).content
    )
    text = json.dumps(exported, ensure_ascii=False)
    assert "ELSEWHERE1" not in text and "OWN1" in text
    page = client.get(reverse("audit:person_erase", args=[world["person"].pk]))
    assert [str(m) for m in page.context["messages"]] == [
        "本单位以外的记录（此处不显示，也不会在此删除）：预约 1 条。"
    ]

    response = erase(client, officer, world["person"])
    assert [str(m) for m in response.context["messages"]] == [
        "此人的个人信息已删除，各项统计数字不变。",
        "未删除：本单位以外的记录，须由其所属单位的工作人员删除（预约 1 条）。",
        "此人的个人信息已应本人申请删除：姓名、电话、出生日期、性别和学历不能再次填写。",
    ]
    elsewhere = Booking.objects.get(pk=world["elsewhere"].pk)
    assert (elsewhere.contact_name, elsewhere.phone) == (NAME, STORED)
    assert PREFIXED in json.dumps(
        [e.changes for e in LogEntry.objects.get_for_object(elsewhere_lecture)], ensure_ascii=False
    )


def test_the_export_says_what_is_held_outside_the_unit(client, officer, world):
    client.force_login(officer)
    exported = json.loads(
        client.get(reverse("audit:person_export", args=[world["person"].pk, "json"])).content
    )
    outside = [rows for section, rows in exported.items() if "本单位以外" in section]
    assert outside == [[{"类型": "预约", "记录数": 1}]]


def test_a_subdistrict_officer_erases_across_its_communities(world, subdistrict, client):
    from registers.roles import PERSONAL_DATA_OFFICERS, SUBDISTRICT_STAFF
    from tests.conftest import make_staff

    officer = make_staff("xiguan-care", subdistrict, SUBDISTRICT_STAFF, PERSONAL_DATA_OFFICERS)
    erase(client, officer, world["person"])
    assert Booking.objects.get(pk=world["elsewhere"].pk).contact_name == ERASED


def test_the_admin_log_and_recent_actions_lose_the_name(client, officer, world, community):
    person = world["person"]
    client.force_login(officer)
    form = {
        "name": NAME, "gender": "F", "birth_date": "1960-05-01", "phone": TYPED, "community": community.pk,
        "party_branch": "", "education": "",
    }  # fmt: skip
    changed = client.post(
        reverse("admin:communities_person_change", args=[person.pk]), {**form, "education": ""}
    )
    assert changed.status_code == 302
    # An inline change on the team, as the admin records it: the membership's name in the message.
    team = VolunteerTeam.objects.get(leader=person)
    membership = Membership.objects.get(person=person)
    AdminLogEntry.objects.log_actions(
        officer.pk,
        [team],
        CHANGE,
        change_message=[{"added": {"name": "membership", "object": str(membership)}}],
    )
    AdminLogEntry.objects.log_actions(
        officer.pk, [membership], CHANGE, change_message=[{"changed": {"fields": ["role"]}}]
    )
    prefixed = Membership.objects.get(person=world["prefixed"])
    AdminLogEntry.objects.log_actions(officer.pk, [prefixed], CHANGE, change_message="")
    assert TRACE.search(client.get(reverse("admin:index")).content.decode())

    erase(client, officer, person)
    index = client.get(reverse("admin:index")).content.decode()
    assert not TRACE.search(index)
    assert PREFIXED in index
    for entry in AdminLogEntry.objects.all():
        assert not TRACE.search(entry.object_repr + entry.get_change_message()), entry
    messages = "".join(e.get_change_message() for e in AdminLogEntry.objects.all())
    assert f"{ERASED} · 环西社区巾帼志愿服务队" in messages
    assert (
        AdminLogEntry.objects.get(object_id=str(person.pk), content_type__model="person").object_repr
        == ERASED
    )


def test_the_access_log_keeps_other_names(client, officer, world):
    from audit.access import log_sensitive_access

    log_sensitive_access(officer, world["person"], ["phone"])
    log_sensitive_access(officer, Membership.objects.get(person=world["prefixed"]), ["phone"])
    erase(client, officer, world["person"])
    reprs = set(AccessLog.objects.exclude(fields="export").values_list("object_repr", flat=True))
    assert reprs == {ERASED, f"{PREFIXED} · 环西社区巾帼志愿服务队"}


def test_her_home_address_is_erased_and_the_courtyard_stays(client, officer, world):
    erase(client, officer, world["person"])
    recipient = CareRecipient.objects.select_related("courtyard").get(pk=world["as_recipient"].pk)
    assert (recipient.courtyard, recipient.building, recipient.entrance, recipient.room) == (None, "", "", "")
    assert recipient.address == ""
    assert Courtyard.objects.filter(name="金谷园").exists()


def test_the_free_text_of_her_visits_and_bookings_is_erased(client, officer, world):
    erase(client, officer, world["person"])
    visit = HomeVisit.objects.get(pk=world["own_visit"].pk)
    assert (visit.notes, visit.other_services, visit.minutes) == ("", "", 60)
    history = json.dumps([e.changes for e in LogEntry.objects.get_for_object(visit)], ensure_ascii=False)
    assert "修剪指甲" not in history and "腿脚不便" not in history


# ---- a form opened before the erasure ---------------------------------------------------------------


def test_an_admin_form_opened_before_the_erasure_cannot_write_the_person_back(
    client, officer, world, community
):
    person = world["person"]
    client.force_login(officer)
    url = reverse("admin:communities_person_change", args=[person.pk])
    stale = client.get(url).context["adminform"].form.initial
    erase(client, officer, person)
    data = {
        "name": stale["name"], "gender": stale["gender"], "birth_date": "1960-05-01", "phone": stale["phone"],
        "community": community.pk, "party_branch": "", "education": "",
    }  # fmt: skip
    client.post(url, data)
    again = Person.objects.get(pk=person.pk)
    assert (again.name, again.phone, again.gender, again.birth_date) == (ERASED, "", "", None)
    history = json.dumps([e.changes for e in LogEntry.objects.get_for_object(again)], ensure_ascii=False)
    assert not TRACE.search(history) and STORED not in history and "5678" not in history


def test_an_erased_person_can_still_be_moved_to_another_community(client, officer, world, community):
    person = world["person"]
    erase(client, officer, person)
    moved = Person.objects.get(pk=person.pk)
    moved.is_party_member = True
    moved.save()
    assert Person.objects.get(pk=person.pk).is_party_member is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_erasure_holds_the_person_row_until_it_is_done(world, officer, monkeypatch):
    """While an erasure runs, a concurrent save (an admin form) cannot take the row: it waits, then finds the
    person erased."""
    import threading

    from django.db import DatabaseError, connection, transaction

    from audit import personal_data

    started, finish = threading.Event(), threading.Event()
    real = personal_data._history_reach

    def paused(*args, **kwargs):
        started.set()
        finish.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(personal_data, "_history_reach", paused)
    person = world["person"]

    def run():
        try:
            personal_data.erase_person(Person.objects.get(pk=person.pk), by=officer)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(10)
        with pytest.raises(DatabaseError), transaction.atomic():
            Person.objects.select_for_update(nowait=True).get(pk=person.pk)
    finally:
        finish.set()
        worker.join(20)
    assert Person.objects.get(pk=person.pk).name == ERASED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_transaction", [True, False], ids=["in a transaction", "autocommit"])
def test_a_save_racing_the_erasure_waits_for_it_and_keeps_the_person_erased(
    world, officer, monkeypatch, in_transaction
):
    """The admin form was loaded before the erasure and is saved while it runs (the admin saves in a
    transaction; a command or the shell may not): the save waits for the erasure to commit, then finds the
    person erased and keeps them so."""
    import threading

    from django.db import connection, transaction

    from audit import personal_data

    started, finish = threading.Event(), threading.Event()
    real = personal_data._history_reach

    def paused(*args, **kwargs):
        started.set()
        finish.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(personal_data, "_history_reach", paused)
    person = world["person"]
    stale = Person.objects.get(pk=person.pk)

    def in_thread(work):
        def run():
            try:
                work()
            finally:
                connection.close()

        return threading.Thread(target=run)

    def save_stale():
        if in_transaction:
            with transaction.atomic():
                stale.save()
        else:
            stale.save()

    eraser = in_thread(lambda: personal_data.erase_person(Person.objects.get(pk=person.pk), by=officer))
    saver = in_thread(save_stale)
    eraser.start()
    try:
        assert started.wait(10)
        saver.start()
        saver.join(0.5)
        assert saver.is_alive()  # waiting for the erasure's lock on the row
    finally:
        finish.set()
        eraser.join(20)
        saver.join(20)
    again = Person.objects.get(pk=person.pk)
    assert (again.name, again.phone, again.birth_date) == (ERASED, "", None)
