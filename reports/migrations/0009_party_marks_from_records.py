"""The Party-membership triggers again (reports.summaries.triggers): a change of membership now marks the
person's home-visit years read from the service records and the person unconditionally, instead of asking the
summary tables a refresh may be writing at that moment (which could leave the change unmarked)."""

from django.db import migrations


def forward(apps, schema_editor):
    from reports.summaries import triggers

    triggers.uninstall_party(schema_editor)
    triggers.install_party(schema_editor)
    triggers.uninstall_members(schema_editor)
    triggers.install_members(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_committee_seats")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
