"""History: every change to a register — admin, import, public booking, bulk writes — with who, when, what."""

import pytest
import tablib
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.history import record_bulk_create, tracked_models
from communities.models import Person
from communities.resources import PersonResource
from registers.sheets.batches import BulkImportHistoryMixin
from tests.communities.helpers import csv_bytes, import_file
from tests.venues.test_booking import form_data
from venues.models import Booking

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp")


@pytest.fixture
def person(community):
    return Person.objects.create(name="张秀英", gender="F", phone="13812345678", community=community)


def person_form(person, **changes):
    data = {
        "name": person.name,
        "gender": person.gender,
        "birth_date": "",
        "phone": person.phone,
        "community": person.community_id,
        "party_branch": "",
        "education": "",
    }
    data.update(changes)
    return data


def test_every_register_model_is_tracked():
    labels = {model._meta.label_lower for model in tracked_models()}
    assert {
        "communities.person",
        "venues.booking",
        "volunteers.carerecipient",
        "volunteers.homevisit",
    } <= labels
    assert {"activities.activity", "venues.visitrecord", "communities.committeemember"} <= labels
    assert "communities.staffprofile" in labels, "a staff account's unit is traced too"


def test_an_admin_edit_is_kept_with_who_and_what(client, sensitive_staff, person):
    client.force_login(sensitive_staff)
    url = reverse("admin:communities_person_change", args=[person.pk])
    response = client.post(url, person_form(person, name="张秀云"))
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    entry = entries_for(person).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == sensitive_staff
    assert entry.changes["name"] == ["张秀英", "张秀云"]


def test_the_history_page_of_the_record_shows_it(client, sensitive_staff, person):
    client.force_login(sensitive_staff)
    client.post(
        reverse("admin:communities_person_change", args=[person.pk]), person_form(person, name="张秀云")
    )
    page = client.get(reverse("admin:communities_person_history", args=[person.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="record-history"' in text
    assert "huanxi-care" in text and "张秀英" in text and "张秀云" in text


def test_a_phone_number_is_masked_in_the_history(client, sensitive_staff, person):
    client.force_login(sensitive_staff)
    client.post(
        reverse("admin:communities_person_change", args=[person.pk]), person_form(person, phone="13900001111")
    )
    entry = entries_for(person).last()
    assert entry.changes["phone"] == ["138****5678", "139****1111"]
    text = client.get(reverse("admin:communities_person_history", args=[person.pk])).content.decode()
    assert "13900001111" not in text and "13812345678" not in text


def test_an_outsider_cannot_open_the_history(client, outsider, person):
    client.force_login(outsider)
    assert client.get(reverse("admin:communities_person_history", args=[person.pk])).status_code == 404


def test_an_import_is_kept_with_the_importing_account(client, staff, community):
    client.force_login(staff)
    header = ["name", "gender", "birth date", "phone", "community", "Party member", "education"]
    content = csv_bytes([header, ["吴敏", "女", "1982-03-04", "13912345678", "环西社区", "是", "本科"]])
    assert import_file(client, Person, content).status_code == 302
    person = Person.objects.get(name="吴敏")
    entry = entries_for(person).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == staff
    assert entry.changes["name"][1] == "吴敏"
    assert entry.changes["phone"][1] == "139****5678"


def test_a_public_booking_is_kept_without_an_account(client, venue, slot_start):
    response = client.post(f"/venues/{venue.slug}/book/", form_data(slot_start))
    assert response.status_code == 302
    booking = Booking.objects.get()
    entry = entries_for(booking).get(action=LogEntry.Action.CREATE)
    assert entry.actor is None
    assert entry.changes["contact_name"][1] == "张三"
    assert entry.changes["phone"][1] == "138****5678"


def test_record_bulk_create_gives_rows_saved_in_bulk_their_history(staff, community):
    people = Person.objects.bulk_create([Person(name=f"批量{i}", community=community) for i in range(3)])
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person)).count() == 0
    assert record_bulk_create(Person, people, staff) == 3
    for person in people:
        entry = entries_for(person).get()
        assert entry.actor == staff and entry.changes["name"][1] == person.name


def test_record_bulk_create_is_one_query(staff, community, django_assert_num_queries):
    people = Person.objects.bulk_create([Person(name=f"批量{i}", community=community) for i in range(50)])
    ContentType.objects.get_for_model(Person)  # cached from here on
    with django_assert_num_queries(1):
        record_bulk_create(Person, people, staff)


class BulkPersonResource(PersonResource):
    """A register imported in bulk (like activities): ScopedModelResource's BulkImportHistoryMixin gives its
    rows their history."""

    class Meta(PersonResource.Meta):
        use_bulk = True
        batch_size = 100


def bulk_import(user, rows, dry_run=False):
    header = ["name", "gender", "birth date", "phone", "community", "Party member", "education"]
    dataset = tablib.Dataset(*rows, headers=header)
    return BulkPersonResource(user=user).import_data(
        dataset, dry_run=dry_run, use_transactions=True, raise_errors=True
    )


def test_every_register_resource_has_the_bulk_history(staff):
    assert issubclass(PersonResource, BulkImportHistoryMixin)


def test_a_bulk_import_writes_one_entry_per_row_with_the_importer(staff, community):
    result = bulk_import(
        staff,
        [
            ["吴敏", "女", "", "13912345678", "环西社区", "否", ""],
            ["钱明", "男", "", "", "环西社区", "否", ""],
        ],
    )
    assert not result.has_errors()
    for name in ["吴敏", "钱明"]:
        entry = entries_for(Person.objects.get(name=name)).get()
        assert entry.actor == staff and entry.action == LogEntry.Action.CREATE
    assert entries_for(Person.objects.get(name="吴敏")).get().changes["phone"][1] == "139****5678"


def test_a_bulk_re_import_writes_update_entries(staff, community):
    bulk_import(staff, [["吴敏", "女", "", "", "环西社区", "否", ""]])
    bulk_import(staff, [["吴敏", "女", "", "", "环西社区", "是", ""]])
    person = Person.objects.get(name="吴敏")
    assert person.is_party_member
    update = entries_for(person).get(action=LogEntry.Action.UPDATE)
    assert update.actor == staff and update.changes["is_party_member"][1] == "True"


def test_a_bulk_preview_leaves_no_history(staff, community):
    bulk_import(staff, [["吴敏", "女", "", "", "环西社区", "否", ""]], dry_run=True)
    assert not Person.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="person").exists()


def test_the_history_page_costs_the_same_queries_for_many_entries(client, sensitive_staff, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(sensitive_staff)
    url = reverse("admin:communities_person_history", args=[person.pk])

    def queries_after(edits):
        for i in range(edits):
            person.name = f"张秀英{i}"
            person.save()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_after(2) == queries_after(30)


def test_the_history_page_names_related_records_in_fixed_queries(client, sensitive_staff, person, community):
    """Foreign keys read as the records' names, choices and yes/no as words, whatever the number of
    entries: the names are fetched once per field for the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communities.models import PartyOrganization

    branches = [
        PartyOrganization.objects.create(
            name=f"环西第{i}支部",
            kind=PartyOrganization.Kind.BRANCH,
            subdistrict=community.subdistrict,
            community=community,
        )  # fmt: skip
        for i in range(2)
    ]
    client.force_login(sensitive_staff)
    client.cookies["django_language"] = "en"
    url = reverse("admin:communities_person_history", args=[person.pk])

    def queries_after(edits):
        for i in range(edits):
            person.party_branch = branches[i % 2]
            person.is_party_member = bool(i % 2)
            person.gender = "M" if i % 2 else "F"
            person.save()
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        return len(queries), page.content.decode()

    few, page = queries_after(2)
    many, _page = queries_after(30)
    assert few == many
    assert "环西第0支部 → 环西第1支部" in page
    assert "No → Yes" in page and "female → male" in page
    assert "HomeVisit.None" not in page and "person.None" not in page, "no reverse relations"


def test_care_categories_in_the_history_are_for_staff_with_the_permission(
    client, staff, sensitive_staff, community
):
    from audit.models import AccessLog
    from volunteers.models import CareCategory, CareRecipient

    person = Person.objects.create(name="陈秀兰", community=community)
    recipient = CareRecipient.objects.create(person=person, community=community)
    recipient.categories.set(CareCategory.objects.filter(code="seriously_ill"))
    category = str(CareCategory.objects.get(code="seriously_ill"))
    url = reverse("admin:volunteers_carerecipient_history", args=[recipient.pk])

    client.force_login(staff)
    page = client.get(url).content.decode()
    assert category not in page and "***" in page
    assert not AccessLog.objects.exists()

    client.force_login(sensitive_staff)
    assert category in client.get(url).content.decode()
    assert AccessLog.objects.get().fields == "categories"


def test_a_change_to_a_staff_account_is_kept_without_the_password(client, superuser, staff, community):
    from django.contrib.auth.models import Group

    from communities.models import StaffProfile
    from registers.roles import SUPERVISORS

    client.force_login(superuser)
    staff.groups.add(Group.objects.get(name=SUPERVISORS))
    staff.set_password("a-new-password-2026")
    staff.save()
    profile = StaffProfile.objects.get(user=staff)
    profile.community, profile.subdistrict = None, community.subdistrict
    profile.save()
    entries = LogEntry.objects.get_for_object(staff)
    assert entries.filter(changes__has_key="groups").exists()
    assert not any("password" in entry.changes for entry in entries)
    page = client.get(reverse("admin:auth_user_history", args=[staff.pk])).content.decode()
    assert SUPERVISORS in page and "a-new-password" not in page
    moved = LogEntry.objects.get_for_object(profile).get(action=LogEntry.Action.UPDATE)
    assert moved.changes["community"] == [str(community.pk), "None"]


def test_staff_decisions_on_a_booking_and_the_visitors_cancellation_are_kept(
    client, staff, venue, slot_start
):
    """Approve, reject, complete, no-show and cancel change the status with one UPDATE (no signal):
    each still leaves its entry, with the staff account or none for the visitor."""
    from tests.venues.test_admin import act, make_booking

    approved, rejected = (make_booking(venue, slot_start + timezone.timedelta(hours=h)) for h in (0, 1))
    client.force_login(staff)
    act(client, "approve", [approved])
    act(client, "reject", [rejected], reason="场馆维修", apply="1")
    entry = entries_for(approved).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff and entry.changes["status"] == ["pending", "confirmed"]
    entry = entries_for(rejected).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff and entry.changes["reject_reason"] == ["", "场馆维修"]
    page = client.get(reverse("admin:venues_booking_history", args=[rejected.pk])).content.decode()
    assert "场馆维修" in page and staff.get_username() in page

    client.logout()
    response = client.post(f"/bookings/{approved.reference}/", {"phone": approved.phone})
    assert response.status_code == 302
    cancelled = entries_for(approved).filter(action=LogEntry.Action.UPDATE).last()
    assert cancelled.actor is None and cancelled.changes["status"] == ["confirmed", "cancelled"]


def test_a_booking_that_was_not_changed_leaves_no_entry(client, staff, venue, slot_start):
    from tests.venues.test_admin import act, make_booking

    booking = make_booking(venue, slot_start)
    client.force_login(staff)
    act(client, "mark_no_show", [booking])  # only a confirmed visit can be missed
    assert not entries_for(booking).filter(action=LogEntry.Action.UPDATE).exists()


def admin_form_data(page):
    """The POST data of an admin change page as it stands (the main form and every inline formset)."""

    def values(form):
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
        return data

    data = values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(values(formset.management_form))
        for form in formset.forms:
            data.update(values(form))
    return data


def test_slots_that_follow_a_new_capacity_keep_it_in_their_history(client, staff, venue, slot_start):
    from tests.venues.test_admin import make_booking
    from venues.models import Slot

    make_booking(venue, slot_start, size=6)
    other = make_booking(venue, slot_start + timezone.timedelta(hours=1), size=1)
    client.force_login(staff)
    url = reverse("admin:venues_venue_change", args=[venue.pk])
    data = admin_form_data(client.get(url))
    data["capacity"] = 4
    assert client.post(url, data).status_code == 302
    full, emptier = Slot.objects.get(starts_at=slot_start), other.slot
    emptier.refresh_from_db()
    assert (full.capacity, emptier.capacity) == (6, 4)
    entry = entries_for(emptier).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == staff and entry.changes["capacity"] == [str(venue.capacity), "4"]
    entry = entries_for(full).get(action=LogEntry.Action.UPDATE)
    assert entry.changes["capacity"] == [str(venue.capacity), "6"], "6 booked: not below"


def test_history_written_by_the_database_hides_masked_values_and_keeps_empty_ones_empty(staff, community):
    from django.db.models import F

    from audit.history import record_created_in_database

    with_phone = Person.objects.create(name="甲", phone="13812345678", community=community)
    without = Person.objects.create(name="乙", phone="", community=community)
    before = set(LogEntry.objects.values_list("pk", flat=True))  # the history cannot be deleted: set it aside
    people = Person.objects.filter(pk__in=[with_phone.pk, without.pk])
    assert record_created_in_database(Person, people, staff, name=F("name"), note={"import": "x.csv"}) == 2
    written = (
        entries_for(with_phone).exclude(pk__in=before).get(),
        entries_for(without).exclude(pk__in=before).get(),
    )
    assert written[0].changes["phone"] == ["None", "***"]
    assert written[1].changes["phone"] == ["None", ""]
    assert written[0].object_repr == "甲" and written[1].actor == staff
