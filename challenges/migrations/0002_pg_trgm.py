"""The pg_trgm extension for similar-challenge suggestions (trigram similarity of titles,
``challenges.selectors.surveys.similar_challenges``). PostgreSQL only: other databases use
the word-overlap fallback and get nothing here."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial")]

    operations = [
        # Kept on reverse: other code (or a later index) may rely on the extension.
        migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False),
    ]
