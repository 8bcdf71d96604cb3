from django.db import migrations

# The admin searches titles with UPPER(title) LIKE UPPER('%…%'): on PostgreSQL a trigram index on that
# expression answers it without scanning the log (bench/activities_stats.py). Other databases: nothing.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS activity_title_trgm ON activities_activity USING gin ((UPPER("title"::text)) gin_trgm_ops)',
]
DROP = ["DROP INDEX IF EXISTS activity_title_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_volunteer_team_organiser")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
