from django.db import migrations

from audit.protection import install_triggers, remove_triggers


def forward(apps, schema_editor):
    install_triggers(schema_editor)


def backward(apps, schema_editor):
    remove_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_security_events_and_password_changes"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(forward, backward)]
