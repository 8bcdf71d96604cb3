"""Two offices saving the same grid at the same moment: the database's unique constraint keeps one, and the
import that loses the race reports its row in words and writes nothing."""

import threading

import pytest
import tablib
from django.db import connection, transaction
from django.utils import translation

from communities.models import Grid
from communities.resources import GridResource


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_racing_a_save_of_the_same_name_loses_cleanly(staff, community):
    created, release = threading.Event(), threading.Event()

    def other_office_saves_first():
        try:
            with transaction.atomic():
                Grid.objects.create(community=community, name="抢注网格")
                created.set()
                release.wait(10)  # holds its uncommitted row while the import runs into it
        finally:
            connection.close()

    other = threading.Thread(target=other_office_saves_first)
    other.start()
    assert created.wait(10)

    sheet = tablib.Dataset(
        ["环西社区", "自己的网格"], ["环西社区", "抢注网格"], headers=["community", "name"]
    )
    outcome = {}

    def import_sheet():
        try:
            with translation.override("en"):
                outcome["result"] = GridResource(user=staff).import_data(sheet, dry_run=False)
        finally:
            connection.close()

    importer = threading.Thread(target=import_sheet)
    importer.start()
    importer.join(1)  # the insert of row 3 now waits on the other office's uncommitted row
    release.set()
    other.join(10)
    importer.join(10)

    result = outcome["result"]
    assert not result.has_errors()
    messages = {
        row.number: row.non_field_specific_errors + sum(row.field_specific_errors.values(), [])
        for row in result.invalid_rows
    }
    assert messages == {
        3: ["This row could not be saved; check it against the other rows and the existing records."]
    }
    assert list(Grid.objects.values_list("name", flat=True)) == ["抢注网格"]  # the file wrote nothing
