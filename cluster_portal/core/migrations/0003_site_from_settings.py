"""Name the Sites row after the portal (``SITE_NAME``, domain of ``SITE_URL``), not example.com.

The same idempotent sync runs after every ``migrate`` (``CoreConfig.ready``).
"""

from django.db import migrations


def site_from_settings(apps, schema_editor):
    from cluster_portal.core.sites import sync_site

    sync_site(site_model=apps.get_model("sites", "Site"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_staff_role_groups"),
        ("sites", "0002_alter_domain_unique"),
    ]

    # Reversing keeps the row: the name and domain are harmless, and example.com was never right.
    operations = [migrations.RunPython(site_from_settings, migrations.RunPython.noop)]
