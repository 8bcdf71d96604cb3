"""The admin home shows what waits for the signed-in account in its unit — bookings to decide, care
recipients due a visit this month, its own imports still running — each with a count and a link, and the
staff pages outside the admin it may open; in a fixed number of queries whatever the data."""

import datetime
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Person
from registers.models import Job
from tests.venues.test_admin import make_booking
from venues.models import Booking
from volunteers.models import CareRecipient, HomeVisit, VolunteerTeam

pytestmark = pytest.mark.django_db

PAGES = {
    "reports": "/reports/",
    "due": "/volunteers/due/",
    "records": "/volunteers/service-records/",
    "party": "/party/overdue/",
}


def panel(client) -> str:
    page = client.get("/admin/")
    assert page.status_code == 200
    text = page.content.decode()
    start = text.index('id="waiting-for-you"')
    return text[start : text.index("</div>", start)]


def count_of(text, row_id) -> int | None:
    if f'id="{row_id}"' not in text:
        return None
    row = text[text.index(f'id="{row_id}"') :]
    row = row[: row.index("</tr>")]
    cell = row[row.index('<td class="count') :]
    return int(cell[cell.index('">', cell.index("<a ")) + 2 : cell.index("</a>")])


def pages_in(text) -> set[str]:
    return {name for name, url in PAGES.items() if f'href="{url}"' in text}


def recipient(community, name, since=datetime.date(2016, 1, 1), team=None):
    person = Person.objects.create(name=name, community=community)
    return CareRecipient.objects.create(person=person, community=community, since=since, assigned_team=team)


def job(user, status, kind=Job.Kind.IMPORT):
    return Job.objects.create(
        user=user, kind=kind, status=status, register="communities.person", file_name="人员.xlsx"
    )


def test_staff_see_what_waits_in_their_community(client, staff, venue, slot_start, community):
    make_booking(venue, slot_start)
    make_booking(venue, slot_start + timedelta(hours=1), phone="13812340000")
    due = recipient(community, "陈秀兰")
    visited = recipient(community, "李桂英")
    team = VolunteerTeam.objects.create(name="一队", community=community)
    HomeVisit.objects.create(
        recipient=visited, community=community, team=team, visited_on=timezone.localdate(), minutes=60
    )
    job(staff, Job.Status.CHECKED)
    job(staff, Job.Status.IMPORTING)
    job(staff, Job.Status.DONE)  # ended
    job(staff, Job.Status.EXPORTING, kind=Job.Kind.EXPORT)  # not an import
    client.force_login(staff)
    text = panel(client)
    assert "Waiting for you · 环西社区" in text
    assert count_of(text, "waiting-bookings") == 2
    assert count_of(text, "waiting-visits") == 1, f"{due} is due, the visited one is not"
    assert count_of(text, "waiting-imports") == 2
    assert 'href="/admin/venues/booking/?status__exact=pending"' in text
    assert pages_in(text) == set(PAGES)


def test_the_links_open_what_the_counts_count(client, staff, venue, slot_start, community):
    make_booking(venue, slot_start)
    recipient(community, "陈秀兰")
    checked = job(staff, Job.Status.CHECKED)
    job(staff, Job.Status.DONE)
    client.force_login(staff)
    text = panel(client)
    bookings = client.get("/admin/venues/booking/?status__exact=pending")
    assert bookings.context["cl"].result_count == count_of(text, "waiting-bookings") == 1
    due = client.get("/volunteers/due/")
    assert len(due.context["rows"]) == count_of(text, "waiting-visits") == 1
    imports_url = text[text.index('href="/admin/registers/job/') + 6 :].split('"')[0].replace("&amp;", "&")
    jobs = client.get(imports_url)
    assert jobs.status_code == 200 and list(jobs.context["cl"].result_list) == [checked]


def test_nothing_of_another_unit_is_counted(
    client, staff, outsider, venue, other_venue, slot_start, community, other_community
):
    make_booking(venue, slot_start)
    recipient(community, "陈秀兰")
    job(staff, Job.Status.QUEUED)
    client.force_login(outsider)
    text = panel(client)
    assert "Waiting for you · 金业路社区" in text
    assert (count_of(text, "waiting-bookings"), count_of(text, "waiting-visits")) == (0, 0)
    assert count_of(text, "waiting-imports") == 0, "another account's import is not theirs"


def test_a_subdistrict_counts_its_communities(
    client, subdistrict_staff, venue, other_venue, slot_start, community, other_community, far_community
):
    make_booking(venue, slot_start)
    make_booking(other_venue, slot_start)
    recipient(community, "陈秀兰")
    recipient(other_community, "孙桂芝")
    recipient(far_community, "周玉兰")
    client.force_login(subdistrict_staff)
    text = panel(client)
    assert (count_of(text, "waiting-bookings"), count_of(text, "waiting-visits")) == (2, 2)


def test_a_supervisor_has_no_bookings_to_decide(client, supervisor, venue, slot_start, community):
    make_booking(venue, slot_start)
    recipient(community, "陈秀兰")
    client.force_login(supervisor)
    text = panel(client)
    assert count_of(text, "waiting-bookings") is None, "supervisors view bookings, they do not decide"
    assert count_of(text, "waiting-visits") == 1
    assert pages_in(text) == set(PAGES)


def test_an_account_without_a_unit_or_permissions_sees_only_its_imports(client, db):
    user = User.objects.create_user("new-clerk", password="pw-for-tests-only", is_staff=True)
    job(user, Job.Status.QUEUED)
    client.force_login(user)
    text = panel(client)
    assert count_of(text, "waiting-imports") == 1
    assert count_of(text, "waiting-bookings") is None and count_of(text, "waiting-visits") is None
    assert pages_in(text) == set(), "no reports without a unit, no lists without the permission"
    assert "Waiting for you</caption>" in text


def test_an_old_pending_booking_is_flagged(client, staff, venue, slot_start):
    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    assert "the oldest has waited" not in panel(client)
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - timedelta(hours=30))
    assert "the oldest has waited 30 hours" in panel(client)


def test_the_panel_reads_in_chinese(client, staff, venue, slot_start, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    make_booking(venue, slot_start)
    client.force_login(staff)
    text = panel(client)
    for words in (
        "待您处理 · 环西社区",
        "待审核的预约",
        "本月应上门服务的对象",
        "您尚未完成的导入",
        "工作报表",
        "待上门服务名单",
        "志愿服务记录",
        "未按期召开的支部会议",
    ):
        assert words in text, words


def test_the_home_page_costs_the_same_queries_with_more_data(
    client, staff, venue, slot_start, community, django_assert_max_num_queries
):
    made = []

    def add(n):
        for _i in range(n):
            recipient(community, f"对象{len(made)}")
            job(staff, Job.Status.CHECKED)
            at = slot_start + timedelta(days=len(made) % 20, hours=-1 + len(made) // 20)  # 09:00-12:00
            made.append(make_booking(venue, at, phone=f"1380000{len(made):04d}"))

    client.force_login(staff)
    add(2)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        text = panel(client)
    assert count_of(text, "waiting-bookings") == 2
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = panel(client)
    assert (
        count_of(text, "waiting-bookings"),
        count_of(text, "waiting-visits"),
        count_of(text, "waiting-imports"),
    ) == (27, 27, 27)


def test_the_panel_costs_few_queries(client, staff, venue, slot_start, django_assert_max_num_queries):
    client.force_login(staff)
    client.get("/admin/")
    # The session, the account and its permissions (4), the audit-administrator checks (2), the account's
    # unit (2), one count per line of the panel (3), the index's recent actions, the session's save.
    with django_assert_max_num_queries(15):
        panel(client)


def test_the_reports_and_the_due_list_link_back_to_the_admin(client, staff):
    client.force_login(staff)
    admin_home = f'href="{reverse("admin:index")}"'
    assert admin_home in client.get(reverse("reports:dashboard")).content.decode()
    assert admin_home in client.get(reverse("volunteers:due")).content.decode()
