"""The triggers that mark stale summaries, and the first build of the summaries from the records already
there. Both use the current code (reports.summaries), not historical models: the triggers' SQL names the
tables and columns the summaries read, and the build is the same function as `manage.py rebuild_summaries`."""

from django.db import migrations


def forward(apps, schema_editor):
    from reports.summaries import rebuild, triggers

    triggers.install(schema_editor)
    rebuild(first_tables_only=True)  # the later migrations make and fill the other tables


def backward(apps, schema_editor):
    from reports.summaries import triggers

    triggers.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_summaries"),
        ("volunteers", "0013_sort_keys"),
        ("activities", "0007_import_undo"),
        ("venues", "0014_sort_keys"),
    ]

    operations = [migrations.RunPython(forward, backward)]
