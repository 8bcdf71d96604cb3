"""The people register imports in batches (``use_bulk``): a sheet of thousands of rows costs a few queries
per batch, not several per row, and still: every row checked, every bad row reported with its line, all or
nothing, rows outside the unit refused, a re-import updating by name, and a change-history entry for every
created and updated person."""

import pytest
import tablib
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Grid, Person
from communities.resources import GridResource

from .helpers import confirm, csv_bytes, import_file, login, page_errors, upload

HEADER = ["name", "gender", "birth date", "phone", "community", "Party member", "education"]


def people(count, community="环西社区", education="本科", start=0):
    return [
        [f"居民{i}", "女" if i % 2 else "男", "1960-05-01", f"138{i:08d}", community, "否", education]
        for i in range(start, start + count)
    ]


def invalid_rows(response):
    rows = {}
    for row in response.context["result"].invalid_rows:
        messages = [f"{label}: {m}" for label, ms in row.field_specific_errors.items() for m in ms]
        rows[row.number] = messages + list(row.non_field_specific_errors)
    return rows


def history(action):
    return LogEntry.objects.filter(content_type__model="person", action=action)


def confirm_queries(client, rows):
    preview = upload(client, Person, csv_bytes([HEADER, *rows]))
    assert preview.context["confirm_form"] is not None, page_errors(preview)
    with CaptureQueriesContext(connection) as queries:
        assert confirm(client, Person, preview).status_code == 302
    return len(queries)


def test_the_queries_of_a_people_import_do_not_grow_with_its_rows(en, staff, community):
    login(en, staff)
    small = confirm_queries(en, people(10))
    large = confirm_queries(en, people(200, start=10))
    assert Person.objects.count() == 210
    # 190 more rows, a handful more statements (SQLite splits a long INSERT); before, 8 more queries a row.
    assert large - small <= 190 // 20
    assert large < 60


def test_a_re_import_with_changes_costs_the_same_queries_for_more_rows(en, staff, community):
    login(en, staff)
    import_file(en, Person, csv_bytes([HEADER, *people(210)]))
    small = confirm_queries(en, people(10, education="研究生"))
    large = confirm_queries(en, people(200, education="研究生", start=10))
    assert large - small <= 190 // 20
    assert Person.objects.count() == 210
    assert set(Person.objects.values_list("education", flat=True)) == {"postgraduate"}


def test_every_created_person_has_a_history_entry_by_the_importer(en, staff, community):
    login(en, staff)
    import_file(en, Person, csv_bytes([HEADER, *people(3)]))
    created = history(LogEntry.Action.CREATE)
    assert sorted(created.values_list("object_pk", flat=True)) == sorted(
        str(pk) for pk in Person.objects.values_list("pk", flat=True)
    )
    entry = created.get(object_pk=str(Person.objects.get(name="居民1").pk))
    assert entry.actor == staff
    assert entry.changes["name"] == ["None", "居民1"]
    assert entry.changes["phone"] == ["None", "138****0001"]  # masked in the history too


def test_a_re_import_updates_by_name_and_records_old_and_new_values(en, staff, community):
    login(en, staff)
    import_file(en, Person, csv_bytes([HEADER, *people(3)]))
    rows = people(3)
    rows[1][6] = "研究生"
    response = import_file(en, Person, csv_bytes([HEADER, *rows]))
    assert response.status_code == 302
    assert Person.objects.count() == 3  # updated, not duplicated
    changed = Person.objects.get(name="居民1")
    assert changed.education == "postgraduate"
    update = history(LogEntry.Action.UPDATE).get()  # one entry: the two unchanged rows were skipped
    assert update.object_pk == str(changed.pk) and update.actor == staff
    assert update.changes == {"education": ["bachelor", "postgraduate"]}


def test_a_later_row_naming_the_same_new_person_updates_the_one_record(en, staff, community):
    login(en, staff)
    rows = [
        ["王芳", "女", "1960-05-01", "", "环西社区", "否", "本科"],
        ["赵强", "男", "1961-05-01", "", "环西社区", "否", ""],
        ["王芳", "女", "1960-05-01", "", "环西社区", "否", "研究生"],
    ]
    assert import_file(en, Person, csv_bytes([HEADER, *rows])).status_code == 302
    assert Person.objects.filter(name="王芳").get().education == "postgraduate"
    assert Person.objects.count() == 2
    assert history(LogEntry.Action.CREATE).count() == 2


def test_a_bad_row_after_a_written_batch_rolls_the_whole_sheet_back(en, staff, community):
    """Rows 2-501 fill a batch that is written before row 603 is read; its error undoes them."""
    rows = people(650)
    rows[601][2] = "1960-13-45"  # line 603 of the file
    login(en, staff)
    response = upload(en, Person, csv_bytes([HEADER, *rows]))
    assert invalid_rows(response) == {
        603: ["Birth date: “1960-13-45” is not a date; write dates like 2018-05-31."]
    }
    assert not Person.objects.exists()
    assert not history(LogEntry.Action.CREATE).exists()


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(
    en, staff, community, other_community
):
    login(en, staff)
    rows = people(5)
    rows[0][4] = "金业路社区"  # line 2: the neighbour's community
    rows[2][3] = "12345"  # line 4: not a phone number
    rows[4][1] = "alien"  # line 6: not a gender
    response = upload(en, Person, csv_bytes([HEADER, *rows]))
    errors = invalid_rows(response)
    assert sorted(errors) == [2, 4, 6]
    assert errors[2] == ["Community: community “金业路社区” was not found in your unit (环西社区)."]
    assert errors[4][0].startswith("Phone: Enter a valid phone number")
    assert errors[6][0].startswith("Gender: “alien” is not one of the choices")
    assert not Person.objects.exists()


def test_a_party_branch_of_the_neighbours_is_refused(en, staff, community, other_party_org):
    login(en, staff)
    content = csv_bytes(
        [
            ["name", "community", "Party member", "Party branch"],
            ["王芳", "环西社区", "是", other_party_org.name],
        ]
    )
    rows = invalid_rows(upload(en, Person, content))
    assert rows == {
        2: ["Party branch: Party organisation “金业路社区党委” was not found in your unit (环西社区)."]
    }
    assert not Person.objects.exists()


def test_a_person_updated_out_of_the_unit_by_id_is_refused(en, staff, community, other_person):
    """An id of the neighbour's person is not found (the lookup is scoped): nothing is changed."""
    login(en, staff)
    content = csv_bytes([["id", "name", "community"], [other_person.pk, "改名", "环西社区"]])
    rows = invalid_rows(upload(en, Person, content))
    assert list(rows) == [2]
    assert "There is no record with id" in rows[2][0]
    other_person.refresh_from_db()
    assert other_person.name == "李建国"


class BulkGridResource(GridResource):
    """A register with a unique name, imported in batches like the people register."""

    class Meta(GridResource.Meta):
        use_bulk = True
        batch_size = 500


@pytest.mark.parametrize("raced_line", [2, 4])
def test_a_batch_the_database_refuses_is_saved_row_by_row_to_name_the_row(staff, community, raced_line):
    """Another office saves a grid of the same name after the rows were checked and before the batch is
    written: the database refuses the batch; the import names the row, in words, and writes nothing."""
    sheet = tablib.Dataset(*[["环西社区", f"网格{i}"] for i in range(2, 5)], headers=["community", "name"])
    raced = sheet[raced_line - 2][1]

    class RacedResource(BulkGridResource):
        def bulk_create(self, *args, **kwargs):
            if self.create_instances:
                Grid.objects.create(community=community, name=raced)  # the other office, meanwhile
            super().bulk_create(*args, **kwargs)

    result = RacedResource(user=staff).import_data(sheet, dry_run=False)
    assert not result.has_errors()
    assert {row.number: row.error.messages for row in result.invalid_rows} == {
        raced_line: ["This row could not be saved; check it against the other rows and the existing records."]
    }
    assert not Grid.objects.exists()  # the whole file rolled back (the other office's row with it here)
    assert not LogEntry.objects.filter(content_type__model="grid").exists()
