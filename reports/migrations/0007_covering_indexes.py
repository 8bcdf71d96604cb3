"""Covering indexes of the summary tables the dashboard sums by community and month (PostgreSQL only).

A district's dashboard sums tens of thousands of KindMonth, ProgrammeMonth and VenueMonth rows found by
their (community, month) index; with the figures in the index PostgreSQL reads them from it alone (an
index-only scan) instead of one table page per row. SQLite has no INCLUDE: nothing is done there (the models
do not declare these indexes, so that the system check does not warn about SQLite)."""

from django.db import migrations

COVERING = {  # table -> (the key columns, the columns the dashboard sums)
    "reports_kindmonth": (("community_id", "month", "kind"), ("activities", "participants")),
    "reports_programmemonth": (("community_id", "month", "programme_id"), ("activities", "participants")),
    "reports_venuemonth": (
        ("community_id", "month", "venue_id"),
        ("activities", "participants", "receptions", "visitors"),
    ),
}


def _name(table: str) -> str:
    return f"{table.removeprefix('reports_')}_covering"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (keys, figures) in COVERING.items():
        schema_editor.execute(
            f"CREATE INDEX {_name(table)} ON {table} ({', '.join(keys)}) INCLUDE ({', '.join(figures)})"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in COVERING:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_members")]

    operations = [migrations.RunPython(forward, backward)]
