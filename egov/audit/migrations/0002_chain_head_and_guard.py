from django.conf import settings
from django.db import migrations


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def install_guard(apps, schema_editor):
    if getattr(settings, "EGOV_AUDIT_DB_GUARD", True):
        from egov.audit import guard

        guard.install(schema_editor.connection)


def remove_guard(apps, schema_editor):
    from egov.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(install_guard, remove_guard),
    ]
