"""Peruvian reference data shared by every app: regions and currencies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """Peru's regions (departments plus Lima Metropolitana and Callao) and "outside Peru"."""

    AMAZONAS = "amazonas", "Amazonas"
    ANCASH = "ancash", "Áncash"
    APURIMAC = "apurimac", "Apurímac"
    AREQUIPA = "arequipa", "Arequipa"
    AYACUCHO = "ayacucho", "Ayacucho"
    CAJAMARCA = "cajamarca", "Cajamarca"
    CALLAO = "callao", "Callao"
    CUSCO = "cusco", "Cusco"
    HUANCAVELICA = "huancavelica", "Huancavelica"
    HUANUCO = "huanuco", "Huánuco"
    ICA = "ica", "Ica"
    JUNIN = "junin", "Junín"
    LA_LIBERTAD = "la_libertad", "La Libertad"
    LAMBAYEQUE = "lambayeque", "Lambayeque"
    LIMA = "lima", "Lima"
    LORETO = "loreto", "Loreto"
    MADRE_DE_DIOS = "madre_de_dios", "Madre de Dios"
    MOQUEGUA = "moquegua", "Moquegua"
    PASCO = "pasco", "Pasco"
    PIURA = "piura", "Piura"
    PUNO = "puno", "Puno"
    SAN_MARTIN = "san_martin", "San Martín"
    TACNA = "tacna", "Tacna"
    TUMBES = "tumbes", "Tumbes"
    UCAYALI = "ucayali", "Ucayali"
    OUTSIDE_PERU = "outside", _("Outside Peru")


#: The regions of the southern macro-region the cluster works in, listed first in filters.
SOUTHERN_REGIONS = (
    Region.AREQUIPA,
    Region.MOQUEGUA,
    Region.TACNA,
    Region.PUNO,
    Region.CUSCO,
    Region.APURIMAC,
    Region.AYACUCHO,
    Region.MADRE_DE_DIOS,
)


class Currency(models.TextChoices):
    PEN = "PEN", _("Peruvian sol (PEN)")
    USD = "USD", _("US dollar (USD)")
