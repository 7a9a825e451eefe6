"""Create the staff role groups with their permissions (``cluster_portal.core.roles``).

The same idempotent sync also runs after every ``migrate`` (``CoreConfig.ready``), so a change
to the catalogue reaches existing databases without a new migration.
"""

from django.db import migrations


def create_role_groups(apps, schema_editor):
    from cluster_portal.core.roles import sync_staff_roles

    sync_staff_roles(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        content_type_model=apps.get_model("contenttypes", "ContentType"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_staff_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Reversing leaves the groups: people may hold them, and removing a role is a decision.
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
