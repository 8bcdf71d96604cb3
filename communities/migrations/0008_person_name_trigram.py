"""People found by part of their name through an index (#17, item 6): trigram GIN indexes on PostgreSQL.

The admin's search (``name__icontains``, and the home-visit list's search by a recipient's or volunteer's
name) runs ``UPPER("communities_person"."name"::text) LIKE UPPER('%…%')``: the index is on that same
expression, so PostgreSQL can use it. The people list searches the phone in the same query (the whole number,
``UPPER(phone) = UPPER(…)``, or part of it for personal-data officers): an OR with a condition no index
serves would scan the table again, so the phone has the same kind of index (which answers = too, PostgreSQL
14+). pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. SQLite has no such
index: nothing is done there.
"""

from django.db import migrations

INDEXES = {"person_name_trgm": "name", "person_phone_trgm": "phone"}


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON communities_person "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("communities", "0007_staff_city")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
