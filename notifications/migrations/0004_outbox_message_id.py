"""Every outbox row keeps one Message-ID, sent with every attempt (a re-send is a duplicate).

Existing rows get their own value each (a callable default would give them all the same one).
"""

from django.db import migrations, models

import notifications.models


def fill_message_ids(apps, schema_editor):
    OutboxEmail = apps.get_model("notifications", "OutboxEmail")
    rows = OutboxEmail.objects.using(schema_editor.connection.alias).filter(message_id="")
    for row in rows.only("pk").iterator(chunk_size=500):
        row.message_id = notifications.models.new_message_id()
        row.save(update_fields=["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notification_context"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxemail",
            name="message_id",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(fill_message_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboxemail",
            name="message_id",
            field=models.CharField(
                default=notifications.models.new_message_id,
                editable=False,
                help_text="The same on every attempt, so that mail systems drop a duplicate.",
                max_length=255,
                verbose_name="Message-ID",
            ),
        ),
    ]
