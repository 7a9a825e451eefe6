"""RUCs are eleven ASCII digits, enforced by the database (issue 8, item 9).

Rows written before the check (Arabic-Indic, full-width or other Unicode digits) are
rewritten with ASCII digits first when that RUC is free; a row that cannot be (it would duplicate
another organization's RUC, or is not eleven digits of any script) stops the migration with the
ids to fix by hand, rather than guessing which organization is the real one.
"""

import re
import unicodedata

from django.db import migrations, models

ASCII_RUC = re.compile(r"[0-9]{11}")


def _ascii_digits(value):
    try:
        return "".join(str(unicodedata.decimal(ch)) for ch in value)
    except (TypeError, ValueError):
        return None


def normalize_rucs(apps, schema_editor):
    Organization = apps.get_model("members", "Organization")
    blocked = []
    for organization in Organization.objects.only("pk", "ruc").iterator():
        if ASCII_RUC.fullmatch(organization.ruc):
            continue
        ascii_ruc = _ascii_digits(organization.ruc)
        if (
            ascii_ruc is None
            or not ASCII_RUC.fullmatch(ascii_ruc)
            or Organization.objects.filter(ruc=ascii_ruc).exclude(pk=organization.pk).exists()
        ):
            blocked.append(organization.pk)
            continue
        Organization.objects.filter(pk=organization.pk).update(ruc=ascii_ruc)
    if blocked:
        raise RuntimeError(
            "Organizations with a RUC that is not 11 ASCII digits and cannot be rewritten "
            f"(duplicate or not a RUC): ids {blocked}. Fix or merge them, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_bilingual_governance_and_titles"),
    ]

    operations = [
        migrations.RunPython(normalize_rucs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("ruc__regex", r"\A[0-9]{11}\Z")),
                name="organization_ruc_ascii_digits",
                violation_error_message="A RUC has exactly 11 digits.",
            ),
        ),
    ]
