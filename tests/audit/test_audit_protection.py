"""The audit tables cannot be edited (等保 2.0 安全审计 c): on PostgreSQL a trigger refuses UPDATE and DELETE
from any connection, raw SQL included, except the retention purge of old entries and the in-place scrub
of an erased person's name; each of those leaves a security event."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import protection
from audit.models import AccessLog, SecurityEvent
from audit.tasks import purge_old_audit_entries
from communities.models import Person

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (SQLite: the app offers no edit)"
)


@pytest.fixture
def entries(staff, community):
    """One entry in each protected table."""
    person = Person.objects.create(name="王芳", phone="13812345678", community=community)
    event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, username="huanxi")
    access = AccessLog.objects.create(
        user=staff,
        community=community,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr="王芳",
        fields="phone",
    )
    history = LogEntry.objects.get_for_object(person).get()
    return {"audit_securityevent": event, "audit_accesslog": access, "auditlog_logentry": history}


def refused(sql, params, purpose="") -> bool:
    """Whether the database refuses ``sql``, run in a transaction announcing ``purpose`` to the trigger."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.purpose', %s, true)", [purpose])
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "audit entries cannot be changed or deleted" in str(error)
        return True
    return False


@postgres_only
@pytest.mark.parametrize("table", list(protection.PROTECTED))
def test_update_and_delete_fail_with_a_raw_cursor(entries, table):
    entry = entries[table]
    column = "username" if table == "audit_securityevent" else "object_repr"
    assert refused(f"UPDATE {table} SET {column} = 'x' WHERE id = %s", [entry.pk])
    assert refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert refused(f"DELETE FROM {table}", [])
    assert type(entry).objects.filter(pk=entry.pk).exists()


@postgres_only
def test_the_orm_cannot_delete_either(entries):
    for entry in entries.values():
        with pytest.raises(DatabaseError), transaction.atomic():
            type(entry).objects.filter(pk=entry.pk).delete()


@postgres_only
@pytest.mark.parametrize("table", list(protection.PROTECTED))
def test_the_two_paths_let_through_only_what_the_law_needs(entries, table):
    entry, time_column = entries[table], protection.PROTECTED[table]
    age(entry, 179)  # under the six months the law asks for: no purge may take it
    assert refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk], purpose="purge")
    # A scrub overwrites values, never the entry's time or id, and never deletes.
    assert refused(f"UPDATE {table} SET {time_column} = now() WHERE id = %s", [entry.pk], purpose="scrub")
    assert refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk], purpose="scrub")
    column = "username" if table == "audit_securityevent" else "object_repr"
    assert not refused(f"UPDATE {table} SET {column} = '已删除' WHERE id = %s", [entry.pk], purpose="scrub")
    age(entry, 181)
    assert refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk], purpose="")  # no purpose: refused
    assert not refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk], purpose="purge")


def age(entry, days):
    """Make ``entry`` ``days`` old. Nothing in the app may: the test goes around the trigger as only a database
    superuser can (replica mode skips triggers)."""
    table = type(entry)._meta.db_table
    column = protection.PROTECTED[table]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",
            [timezone.now() - timedelta(days=days), entry.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_the_retention_purge_deletes_only_entries_past_the_period(entries, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 200
    old_event, old_access = entries["audit_securityevent"], entries["audit_accesslog"]
    young_event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_OUT, username="huanxi")
    age(old_event, 201)
    age(old_access, 201)
    age(young_event, 199)
    done = purge_old_audit_entries()
    assert done == {"security events": 1, "access log": 1}
    assert not SecurityEvent.objects.filter(pk=old_event.pk).exists()
    assert not AccessLog.objects.filter(pk=old_access.pk).exists()
    assert SecurityEvent.objects.filter(pk=young_event.pk).exists()
    assert LogEntry.objects.filter(pk=entries["auditlog_logentry"].pk).exists()  # the history is kept
    purge = SecurityEvent.objects.get(kind=SecurityEvent.Kind.AUDIT_PURGE)
    assert "security events 1" in purge.detail and "access log 1" in purge.detail


def test_the_retention_can_never_be_set_under_six_months(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    assert protection.retention_days() == 180


def test_the_settings_refuse_a_retention_under_six_months():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "AUDIT_LOG_RETENTION_DAYS": "90", "DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "AUDIT_LOG_RETENTION_DAYS must be at least 180" in result.stderr


def test_an_erasure_scrubs_the_history_in_place_and_says_so(community, sensitive_staff):
    from audit.personal_data import erase_person

    person = Person.objects.create(name="王芳", phone="13812345678", community=community)
    person.phone = "13900000000"
    person.save()
    before = list(LogEntry.objects.get_for_object(person).order_by("pk").values_list("pk", "timestamp"))
    assert len(before) == 2
    erase_person(person, by=sensitive_staff)
    after = LogEntry.objects.get_for_object(person).order_by("pk")
    assert [(e.pk, e.timestamp) for e in after][: len(before)] == before  # the same rows, ids and times
    for entry in after.filter(pk__in=[pk for pk, _at in before]):
        assert entry.additional_data and entry.additional_data.get("scrubbed")
        assert "王芳" not in str(entry.changes) and "13812345678" not in str(entry.changes)
    scrub = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.AUDIT_SCRUB).latest("pk")
    assert "history entries of person" in scrub.detail
