"""Seed the capability taxonomy (value-chain stages, service areas, commodities).

A data migration rather than demo data: production needs the taxonomy from day one. Existing terms
are left as staff edited them; the reverse migration keeps the data (organizations refer to it).
"""

from django.db import migrations

TAXONOMY = {
    "value_chain": [
        ("exploration", "Exploración", "Exploration"),
        ("development", "Desarrollo y construcción", "Development"),
        ("extraction", "Explotación y extracción", "Extraction"),
        ("processing", "Procesamiento y concentración", "Processing"),
        ("smelting-refining", "Fundición y refinación", "Smelting and refining"),
        ("closure", "Cierre de minas", "Mine closure"),
    ],
    "service_area": [
        ("water", "Gestión del agua", "Water"),
        ("energy", "Energía", "Energy"),
        ("tailings", "Relaves", "Tailings"),
        ("safety", "Seguridad y salud ocupacional", "Health and safety"),
        ("maintenance", "Mantenimiento", "Maintenance"),
        ("automation-digital", "Automatización y digitalización", "Automation and digital"),
        ("logistics", "Logística y transporte", "Logistics"),
        (
            "environment-community",
            "Medio ambiente y relaciones comunitarias",
            "Environment and community relations",
        ),
        ("training", "Capacitación", "Training"),
    ],
    "commodity": [
        ("copper", "Cobre", "Copper"),
        ("gold", "Oro", "Gold"),
        ("silver", "Plata", "Silver"),
        ("zinc", "Zinc", "Zinc"),
        ("molybdenum", "Molibdeno", "Molybdenum"),
        ("iron", "Hierro", "Iron"),
        ("tin", "Estaño", "Tin"),
        ("lead", "Plomo", "Lead"),
    ],
}


def seed_taxonomy(apps, schema_editor):
    Capability = apps.get_model("members", "Capability")
    for dimension, terms in TAXONOMY.items():
        for position, (slug, name_es, name_en) in enumerate(terms, start=1):
            Capability.objects.get_or_create(
                dimension=dimension,
                slug=slug,
                defaults={"name_es": name_es, "name_en": name_en, "position": position * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("members", "0003_organizations_membership_governance")]

    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
