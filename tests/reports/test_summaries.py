"""The summary tables stay equal to the live records whatever writes them: a randomised sequence of
creates, edits, deletes (with and without signals), imports, undos and erasures leaves check_summaries
with 0 differences, and every dashboard read from the summaries equals the one counted live."""

import datetime
import random
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from activities.models import Activity, ActivityType, ImportLog, Lecturer
from audit.personal_data import erase_person
from communities.models import CommitteeMember, Person
from reports.dashboard import build
from reports.models import CommunityMonth, MemberMark, SummaryMark
from reports.summaries import differences, refresh, store
from tests.activities.conftest import branch, lecturer, programme, sheet_world, venue  # noqa: F401
from tests.activities.test_import_export import confirm, csv_file, good_row, preview
from venues.models import VisitRecord
from volunteers.models import HomeVisit, Membership, ServiceRecord, VolunteerTeam
from volunteers.services import sync_visit_records

from .conftest import fill

PERIODS = [
    (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)),
    (datetime.date(2017, 4, 1), datetime.date(2017, 6, 30)),
    (datetime.date(2016, 1, 1), datetime.date(2018, 12, 31)),
    (datetime.date(2018, 6, 1), datetime.date(2018, 6, 30)),
]


def tables(dashboard):
    """Every table's rows as the page and the files show them (a listing's links made)."""
    return {table.name: [_made(row) for row in table.rows] for table in dashboard.tables}, dashboard.totals


def _made(row):
    links = row.get("_links")
    return {**row, "_links": links() if callable(links) else links}


def assert_summaries_equal_live(*units):
    out = call_command_output("check_summaries")
    assert "0 处不一致" in out
    for unit in units:
        for start, end in PERIODS:
            assert tables(build(unit, start, end)) == tables(build(unit, start, end, live=True)), (
                unit,
                start,
            )


def call_command_output(*args):
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def random_day(rng):
    return datetime.date(rng.choice([2017, 2018]), rng.randint(1, 12), rng.randint(1, 28))


def random_moment(rng):
    day = random_day(rng)
    # 00:30 and 23:30 local: the edges of a day, where a UTC month and the local month differ.
    hour, minute = rng.choice([(0, 30), (9, 0), (23, 30)])
    from django.utils import timezone

    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def writes(rng, communities):
    """The writes a day of office work and its tools make, each picked at random."""

    def new_visit():
        visit = rng.choice(list(HomeVisit.objects.all()))
        copy = HomeVisit.objects.create(
            community=visit.community,
            recipient=visit.recipient,
            team=visit.team,
            visited_on=random_day(rng),
            minutes=rng.choice([30, 45, 90]),
        )
        copy.volunteers.set(visit.volunteers.all())
        sync_visit_records([copy.pk])

    def move_visit():
        visit = rng.choice(list(HomeVisit.objects.all()))
        visit.visited_on = random_day(rng)
        visit.save()
        sync_visit_records([visit.pk])

    def move_visits_without_signals():
        pks = list(HomeVisit.objects.values_list("pk", flat=True)[:3])
        HomeVisit.objects.filter(pk__in=pks).update(visited_on=random_day(rng))
        sync_visit_records(pks)

    def delete_visit():
        visit = rng.choice(list(HomeVisit.objects.all()))
        visit.delete()

    def unconfirm_and_confirm_records():
        records = ServiceRecord.objects.filter(
            pk__in=list(ServiceRecord.objects.values_list("pk", flat=True)[:4])
        )
        if rng.random() < 0.5:
            records.update(confirmed_at=None)
        else:
            from django.utils import timezone

            records.filter(confirmed_at__isnull=True).update(confirmed_at=timezone.now())

    def new_activity():
        activity = rng.choice(list(Activity.objects.all()))
        start = random_moment(rng)
        copy = Activity.objects.create(
            title=f"随机活动{rng.random()}",
            type=activity.type,
            community=rng.choice(communities),
            party_organization=activity.party_organization,
            venue=rng.choice([activity.venue, None]),
            programme=rng.choice([activity.programme, None]),
            start=start,
            end=start + datetime.timedelta(minutes=20),
            participants=rng.randint(0, 50),
        )
        copy.lecturers.set(Lecturer.objects.all()[:1])

    def edit_activity():
        activity = rng.choice(list(Activity.objects.all()))
        activity.start = random_moment(rng)
        activity.end = activity.start + datetime.timedelta(minutes=20)
        activity.participants = rng.randint(0, 80)
        activity.save()

    def bulk_edit_activities():
        Activity.objects.filter(pk__in=list(Activity.objects.values_list("pk", flat=True)[:5])).update(
            participants=rng.randint(1, 99)
        )

    def drop_lecturers():
        rng.choice(list(Activity.objects.all())).lecturers.clear()

    def delete_activity():
        activity = rng.choice(list(Activity.objects.filter(service_records__isnull=True)))
        activity.delete()

    def change_a_types_kind():
        kind = rng.choice([ActivityType.Kind.LECTURE, ActivityType.Kind.VOLUNTEER_SERVICE])
        ActivityType.objects.filter(name="随机类型").update(kind=kind)
        ActivityType.objects.filter(name="随机类型").first().save()

    def receptions():
        record = rng.choice(list(VisitRecord.objects.all()))
        if rng.random() < 0.3:
            record.delete()
        else:
            VisitRecord.objects.bulk_create(
                [
                    VisitRecord(
                        venue=record.venue,
                        community=record.community,
                        visited_on=random_day(rng),
                        visitors=rng.randint(1, 30),
                    )
                ]
            )

    def party_membership():
        person = rng.choice(list(Person.objects.filter(home_visits__isnull=False).distinct()))
        person.is_party_member = not person.is_party_member
        person.save()

    def join_a_team():  # any team, in the person's community or another: a person counts once per unit
        person, team = rng.choice(list(Person.objects.all())), rng.choice(list(VolunteerTeam.objects.all()))
        joined_on = rng.choice([None, random_day(rng)])
        Membership.objects.get_or_create(team=team, person=person, defaults={"joined_on": joined_on})

    def leave_a_team():
        rng.choice(list(Membership.objects.all())).delete()

    def change_joining_dates_without_signals():
        pks = rng.sample(list(Membership.objects.values_list("pk", flat=True)), 2)
        Membership.objects.filter(pk__in=pks).update(joined_on=rng.choice([None, random_day(rng)]))

    def refound_or_move_a_team():
        team = rng.choice(list(VolunteerTeam.objects.all()))
        if rng.random() < 0.5:
            team.founded_on = rng.choice([None, random_day(rng)])
            team.save()
        else:
            VolunteerTeam.objects.filter(pk=team.pk).update(community=rng.choice(communities))

    def a_member_joins_or_leaves_the_party():
        person = rng.choice(list(Person.objects.filter(volunteer_memberships__isnull=False).distinct()))
        Person.objects.filter(pk=person.pk).update(is_party_member=not person.is_party_member)

    def elect_committee_members():  # a new member of a term, a role moved to another month, a seat left
        seat = rng.choice(list(CommitteeMember.objects.all()))
        day = random_day(rng)
        if rng.random() < 0.4:
            person = rng.choice(list(Person.objects.filter(community=seat.community)))
            CommitteeMember.objects.get_or_create(
                person=person,
                community=seat.community,
                term=day.year,
                role=seat.role,
                defaults={"elected_on": day},
            )
        elif rng.random() < 0.7:
            CommitteeMember.objects.filter(pk=seat.pk).update(elected_on=day, term=day.year)
        else:
            seat.delete()

    def change_a_members_birth_date_or_education():
        person = rng.choice(list(Person.objects.filter(committee_roles__isnull=False).distinct()))
        if rng.random() < 0.5:
            person.birth_date = rng.choice([None, datetime.date(rng.randint(1950, 1995), 6, 30)])
        else:
            person.education = rng.choice([Person.Education.BACHELOR, Person.Education.SENIOR_HIGH])
        person.save()

    return [
        new_visit,
        move_visit,
        move_visits_without_signals,
        delete_visit,
        unconfirm_and_confirm_records,
        new_activity,
        edit_activity,
        bulk_edit_activities,
        drop_lecturers,
        delete_activity,
        change_a_types_kind,
        receptions,
        party_membership,
        join_a_team,
        leave_a_team,
        change_joining_dates_without_signals,
        refound_or_move_a_team,
        a_member_joins_or_leaves_the_party,
        elect_committee_members,
        change_a_members_birth_date_or_education,
    ]


@pytest.fixture
def world(community, other_community, far_community, subdistrict):
    for place, n in ((community, 4), (other_community, 3), (far_community, 2)):
        fill(place, n)
    ActivityType.objects.create(name="随机类型", kind=ActivityType.Kind.LECTURE)
    return [community, other_community, far_community]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_leave_the_summaries_equal_to_the_live_records(seed, world, subdistrict):
    rng = random.Random(seed)
    moves = writes(rng, world)
    assert_summaries_equal_live(subdistrict)
    for step in range(40):
        move = rng.choice(moves)
        move()
        if step % 13 == 0:  # a dashboard opened in between refreshes its unit only
            build(world[0], *PERIODS[0])
        if step % 2:  # checked after every other write, so one write's missing mark is not hidden by the next
            assert differences()[0] == 0, move.__name__
    for move in moves:
        move()
    assert SummaryMark.objects.exists(), "the writes marked what they changed"
    assert MemberMark.objects.exists(), "the membership writes marked their people"
    assert_summaries_equal_live(
        subdistrict, subdistrict.district, subdistrict.district.city, world[0], world[2]
    )
    assert not SummaryMark.objects.exists() and not MemberMark.objects.exists()


def test_imports_undos_and_erasures_leave_the_summaries_equal(client, staff, sheet_world, world, subdistrict):  # noqa: F811
    client.force_login(staff)
    rows = [good_row(i, start=f"2018-0{i}-01 09:00:00", end=f"2018-0{i}-01 10:00:00") for i in range(1, 6)]
    response = preview(client, csv_file(rows))
    assert confirm(client, response).status_code == 302
    log = ImportLog.objects.order_by("-pk").first()
    assert_summaries_equal_live(subdistrict)
    january = build(subdistrict, datetime.date(2018, 1, 1), datetime.date(2018, 1, 31)).totals
    assert january["activities"] == 1 and january["participants"] == 40

    changed = [good_row(1, start="2018-01-01 09:00:00", end="2018-01-01 10:00:00", participants="77")]
    response = preview(client, csv_file(changed, name="again.csv"))
    assert confirm(client, response).status_code == 302
    assert (
        build(subdistrict, datetime.date(2018, 1, 1), datetime.date(2018, 1, 31)).totals["participants"] == 77
    )
    later = ImportLog.objects.order_by("-pk").first()
    client.post(reverse("admin:activities_importlog_undo", args=[later.pk]))
    client.post(reverse("admin:activities_importlog_undo", args=[log.pk]))
    assert ImportLog.objects.filter(undone_at__isnull=False).count() == 2
    assert build(subdistrict, datetime.date(2018, 1, 1), datetime.date(2018, 1, 31)).totals["activities"] == 0

    volunteer = Person.objects.filter(home_visits__community=world[0]).first()
    erase_person(volunteer, by=staff)
    assert_summaries_equal_live(subdistrict, world[0])


def test_a_community_or_subdistrict_moved_to_another_unit_takes_its_people_along(world, subdistrict):
    far = world[2]
    old_subdistrict, old_district = far.subdistrict, far.subdistrict.district
    refresh()
    far.subdistrict = subdistrict  # as the admin's change form saves it
    far.save()
    assert SummaryMark.objects.filter(community_id=far.pk).exists()
    assert_summaries_equal_live(subdistrict, subdistrict.district, old_subdistrict, old_district)
    volunteers = build(subdistrict, *PERIODS[0]).totals["volunteers"]

    subdistrict.district = old_district
    subdistrict.save()
    assert_summaries_equal_live(old_district, subdistrict.district, far.subdistrict)
    assert build(old_district, *PERIODS[0]).totals["volunteers"] >= volunteers > 0


def test_the_check_names_a_row_that_differs_and_a_rebuild_mends_it(world, subdistrict):
    refresh()
    CommunityMonth.objects.filter(pk=CommunityMonth.objects.order_by("pk").first().pk).update(visits=999)
    with pytest.raises(CommandError, match="1 处不一致"):
        call_command_output("check_summaries")
    assert "重建" in call_command_output("rebuild_summaries")
    assert "0 处不一致" in call_command_output("check_summaries")


def test_a_write_that_sends_no_signal_reaches_the_dashboard(world, subdistrict):
    year = PERIODS[0]
    before = build(subdistrict, *year).totals["visits"]
    HomeVisit.objects.filter(community=world[0]).update(visited_on=datetime.date(2019, 3, 3))
    assert SummaryMark.objects.filter(community_id=world[0].pk, month=datetime.date(2019, 3, 1)).exists()
    assert build(subdistrict, *year).totals["visits"] == before - 4
    march = build(subdistrict, datetime.date(2019, 3, 1), datetime.date(2019, 3, 31)).totals["visits"]
    assert march == 4


def test_a_period_of_whole_months_reads_the_summaries_and_others_are_counted_live(
    world, subdistrict, django_assert_max_num_queries
):
    refresh()
    HomeVisit.objects.update(minutes=61)  # marks every month with visits
    # The dashboard refreshes its unit's marks first; far_community's stay for the job.
    build(subdistrict, *PERIODS[0])
    assert set(SummaryMark.objects.values_list("community_id", flat=True)) == {world[2].pk}
    odd = (datetime.date(2017, 1, 5), datetime.date(2017, 11, 20))
    assert tables(build(subdistrict, *odd)) == tables(build(subdistrict, *odd, live=True))
    with django_assert_max_num_queries(45):
        build(subdistrict, *PERIODS[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_committed_during_a_refresh_is_counted_by_the_next(world, subdistrict):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL")
    refresh()
    visit = HomeVisit.objects.filter(community=world[0]).first()
    written, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                HomeVisit.objects.filter(pk=visit.pk).update(visited_on=datetime.date(2019, 5, 5))
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    refresh()  # does not see the uncommitted write nor its mark
    release.set()
    thread.join()
    assert SummaryMark.objects.filter(month=datetime.date(2019, 5, 1)).exists(), "its mark was kept"
    may = build(subdistrict, datetime.date(2019, 5, 1), datetime.date(2019, 5, 31)).totals["visits"]
    assert may == 1
    assert "0 处不一致" in call_command_output("check_summaries")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dashboards_refreshing_at_once_both_answer(world, subdistrict):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL")
    HomeVisit.objects.update(minutes=75)
    results, errors = [], []

    def open_dashboard():
        try:
            results.append(build(subdistrict, *PERIODS[0]).totals["visits"])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_dashboard) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1
    assert "0 处不一致" in call_command_output("check_summaries")


def _refresh_paused_after_its_insert(monkeypatch, meanwhile):
    """A refresh in another connection, paused after it has written its new roll-up rows (not committed)
    while ``meanwhile`` runs and commits; then the refresh commits."""
    inserted, release = threading.Event(), threading.Event()
    original = store._count_differences

    def paused(*args, **kwargs):
        inserted.set()
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "_count_differences", paused)

    def refresher():
        try:
            refresh()
        finally:
            connections.close_all()

    thread = threading.Thread(target=refresher)
    thread.start()
    assert inserted.wait(10)
    meanwhile()
    release.set()
    thread.join()
    monkeypatch.setattr(store, "_count_differences", original)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["joins_the_party", "unit_moves"])
def test_a_change_committed_while_a_refresh_writes_a_new_members_rows_is_counted(
    change, world, subdistrict, far_community, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL")
    refresh()
    person = Person.objects.create(name="新志愿者", community=world[0], is_party_member=False)
    Membership.objects.create(team=VolunteerTeam.objects.filter(community=world[0]).first(), person=person)

    def meanwhile():
        if change == "joins_the_party":
            Person.objects.filter(pk=person.pk).update(is_party_member=True)
        else:
            subdistrict.district = far_community.subdistrict.district  # as the admin saves it
            subdistrict.save()

    _refresh_paused_after_its_insert(monkeypatch, meanwhile)
    assert "0 处不一致" in call_command_output("check_summaries")
    assert_summaries_equal_live(subdistrict, far_community.subdistrict.district)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_joining_the_party_while_a_refresh_writes_a_volunteers_first_year_is_counted(
    world, subdistrict, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL")
    refresh()
    visit = HomeVisit.objects.filter(community=world[0]).first()
    newcomer = Person.objects.create(name="新党员志愿者", community=world[0], is_party_member=False)
    copy = HomeVisit.objects.create(
        community=visit.community, recipient=visit.recipient, team=visit.team,
        visited_on=datetime.date(2019, 3, 3), minutes=30,
    )  # fmt: skip
    copy.volunteers.set([newcomer])
    sync_visit_records([copy.pk])
    ServiceRecord.objects.filter(volunteer=newcomer).update(
        confirmed_at=datetime.datetime(2019, 3, 4, tzinfo=datetime.UTC)
    )

    _refresh_paused_after_its_insert(
        monkeypatch, lambda: Person.objects.filter(pk=newcomer.pk).update(is_party_member=True)
    )
    assert "0 处不一致" in call_command_output("check_summaries")
    year = (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
    assert tables(build(subdistrict, *year)) == tables(build(subdistrict, *year, live=True))


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_migration_that_rebuilds_a_watched_table_keeps_the_triggers(world, subdistrict):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite rebuilds a table to alter it")
    from django.apps import apps
    from django.db.models.signals import post_migrate, pre_migrate

    from reports.apps import ReportsConfig  # noqa: F401

    installed = _triggers()
    assert {"member_mark_team", "member_mark_party", "summary_mark_seats", "summary_mark_party"} <= installed
    reports = apps.get_app_config("reports")
    # What `migrate` does around a migration that alters the memberships and the people: SQLite builds each
    # table anew and renames it (``_remake_table``, the schema editor's way to alter a field there).
    pre_migrate.send(sender=reports, app_config=reports, verbosity=0, interactive=False, using="default")
    with connection.schema_editor() as editor:
        editor._remake_table(Membership)
        editor._remake_table(Person)
    post_migrate.send(sender=reports, app_config=reports, verbosity=0, interactive=False, using="default")
    assert _triggers() == installed
    person = Person.objects.filter(volunteer_memberships__isnull=False).first()
    Person.objects.filter(pk=person.pk).update(is_party_member=not person.is_party_member)
    assert MemberMark.objects.filter(who=person.pk).exists()
    assert_summaries_equal_live(subdistrict)


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_migrate_puts_back_a_trigger_that_a_table_rebuild_dropped(world):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite")
    installed = _triggers()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER member_mark_party")
    call_command("migrate", verbosity=0)
    assert _triggers() == installed
