"""The audit tables cannot be edited (等保 2.0 安全审计 c): the security events, the access log, the change history.

Nothing in the app offers to change or delete an entry. On PostgreSQL a trigger (migration 0004) refuses
UPDATE and DELETE on these tables outright, except the two paths the law needs, each announced to the
trigger for the current transaction only:

- ``purging()``: the retention job deletes entries older than AUDIT_LOG_RETENTION_DAYS — and the trigger
  lets no entry younger than MINIMUM_RETENTION_DAYS go, whatever a caller asks;
- ``scrubbing()``: a person's erasure (or the end of their data's retention) overwrites their values in the
  history entries in place, keeping each entry's id and time, and marks them scrubbed.

Each purge and scrub writes a security event. Whoever holds the database owner's password can still drop the
trigger: docs/deploy.md has the app connect as a role that does not own the tables.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

# 网络安全法 §21(3): network logs are kept at least six months.
MINIMUM_RETENTION_DAYS = 180

# The protected tables and the column holding each entry's time.
PROTECTED = {
    "audit_securityevent": "at",
    "audit_accesslog": "at",
    "auditlog_logentry": "timestamp",
}

PURPOSE = "audit.purpose"


@contextmanager
def _purpose(name: str):
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("announce a purpose to the audit trigger inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [PURPOSE, name])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [PURPOSE])


def purging():
    return _purpose("purge")


def scrubbing():
    return _purpose("scrub")


def retention_days() -> int:
    return max(settings.AUDIT_LOG_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)


@transaction.atomic
def purge_old_entries(now=None) -> dict[str, int]:
    """Delete security events and access-log rows older than the retention period. The change history of
    the registers is kept (an office's ledger of who changed what); only erasure scrubs it."""
    from . import events
    from .models import AccessLog, SecurityEvent

    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    with purging():
        done = {
            "security events": SecurityEvent.objects.filter(at__lt=cutoff).delete()[0],
            "access log": AccessLog.objects.filter(at__lt=cutoff).delete()[0],
        }
    events.record(
        events.Kind.AUDIT_PURGE,
        detail=f"older than {timezone.localtime(cutoff):%Y-%m-%d %H:%M}: "
        + ", ".join(f"{name} {count}" for name, count in done.items()),
    )
    return done


TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_edits() RETURNS trigger AS $$
DECLARE
    purpose text := coalesce(current_setting('{PURPOSE}', true), '');
    time_column text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'DELETE' AND purpose = 'purge'
       AND (to_jsonb(OLD) ->> time_column)::timestamptz < now() - interval '{MINIMUM_RETENTION_DAYS} days' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND purpose = 'scrub' AND NEW.id = OLD.id
       AND (to_jsonb(NEW) ->> time_column) = (to_jsonb(OLD) ->> time_column) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries cannot be changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def install_triggers(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_FUNCTION, params=None)  # the function holds % signs of its own
    for table, time_column in PROTECTED.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_refuse_edits ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER audit_refuse_edits BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_edits('{time_column}')"
        )


def remove_triggers(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in PROTECTED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_refuse_edits ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_edits()")
