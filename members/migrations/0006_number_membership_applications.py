"""Give every existing membership application its reference (``CMSP-MEM-<year>-<n>``).

Numbers follow submission order within each year (the year of ``submitted_at`` in Lima, as
``cluster_portal.core.references`` counts), and each year's django-sequences counter is set to
the last number given, so the next application submitted continues the series without a gap.
Applications that already have a reference keep it. Reversing clears nothing: the references
stay with their applications (the previous migration's reverse drops the column).
"""

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

PREFIX = "CMSP-MEM"  # members.models.membership.MEMBERSHIP_REFERENCE_PREFIX at this point


def number_applications(apps, schema_editor):
    MembershipApplication = apps.get_model("members", "MembershipApplication")
    Sequence = apps.get_model("sequences", "Sequence")
    db = schema_editor.connection.alias
    lima = ZoneInfo(settings.TIME_ZONE)
    applications = MembershipApplication.objects.using(db).order_by("submitted_at", "pk")

    last: dict[int, int] = defaultdict(int)
    for name, value in Sequence.objects.using(db).filter(name__startswith=f"{PREFIX}-").values_list(
        "name", "last"
    ):
        year = name.removeprefix(f"{PREFIX}-")
        if year.isdigit():
            last[int(year)] = value

    for application in applications.filter(reference__isnull=True).only("pk", "submitted_at"):
        year = application.submitted_at.astimezone(lima).year
        last[year] += 1
        application.reference = f"{PREFIX}-{year}-{last[year]:04d}"
        application.save(update_fields=["reference"])

    for year, value in last.items():
        Sequence.objects.using(db).update_or_create(
            name=f"{PREFIX}-{year}", defaults={"last": value}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_organization_dues_application_reference"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [migrations.RunPython(number_applications, migrations.RunPython.noop)]
