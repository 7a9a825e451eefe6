"""Demo data for members and governance: a realistic southern-Peru cluster.

People, some fifty organizations of every kind in every southern region (plus Lima and
abroad), their capability profiles and reference clients, teams, and the governance bodies with
their seats.
Company names are fictional, except the cluster's two backers named by the product (CAF and the
Arequipa chamber of commerce); every RUC is made up but carries a valid SUNAT check digit.

Idempotent: records are found by a natural key (email, RUC, slug) and brought back to the
values below, so running ``seed_demo`` twice leaves the same data. Passwords are for the local
demo only and printed by ``make run``.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from typing import TextIO

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cluster_portal.core.references import next_reference

from ..models import (
    Capability,
    GoverningBody,
    MembershipApplication,
    Organization,
    OrganizationMember,
    Seat,
    User,
)
from ..models.membership import MEMBERSHIP_REFERENCE_PREFIX
from ..selectors.organizations import organization_logo
from ..services.organizations import organization_update
from ..validators import ruc_check_digit

DEMO_PASSWORD = "demo-cluster-2026"  # noqa: S105 - documented demo credential, local data only

DEMO_USERS = [
    # email, full name, staff, language
    ("secretaria@cmsp.pe", "Lucía Quispe Mamani", True, "es"),
    ("ana.torres@minera-chachani.pe", "Ana Torres Valdivia", False, "es"),
    ("jorge.huaman@andestech.pe", "Jorge Huamán Ccori", False, "es"),
    ("m.rivera@unsa.edu.pe", "Mariela Rivera Paredes", False, "en"),
]

K = Organization.Kind
S = Organization.MiningScale
L = Organization.GovernmentLevel
E = Organization.EmployeeBand
M = Organization.MembershipStatus

# key, legal name, trade name, kind, scale or level, region, city, web domain, employees,
# certifications, capabilities (value chain and service areas), commodities, status, public,
# member since (year), description (Markdown, Spanish).
ORGANIZATIONS: list[tuple] = [
    # --- Mining companies -------------------------------------------------------------------
    ("chachani", "Compañía Minera Chachani S.A.A.", "Minera Chachani", K.MINING_COMPANY, S.LARGE,
     "arequipa", "Arequipa", "minera-chachani.pe", E.XLARGE, "ISO 14001, ISO 45001",
     "exploration extraction processing", "copper molybdenum silver", M.ACTIVE, True, 2023,
     "Operación de cobre a tajo abierto en la provincia de Arequipa. Promueve pilotos de "
     "**gestión hídrica** y **mantenimiento predictivo** con proveedores locales."),
    ("pichupichu", "Compañía Minera Pichu Pichu S.A.", "Pichu Pichu", K.MINING_COMPANY, S.LARGE,
     "moquegua", "Moquegua", "pichupichu.com.pe", E.XLARGE, "ISO 14001, ISO 45001, ISO 50001",
     "extraction processing closure", "copper molybdenum", M.ACTIVE, True, 2023,
     "Concentradora de cobre y molibdeno en Moquegua. Interesada en relaves espesados y "
     "energía renovable para sus operaciones."),
    ("candarave", "Sociedad Minera Candarave S.A.C.", "Minera Candarave", K.MINING_COMPANY,
     S.MEDIUM, "tacna", "Candarave", "mineracandarave.pe", E.LARGE, "ISO 45001",
     "exploration extraction", "copper", M.ACTIVE, True, 2024,
     "Mina subterránea de cobre en la sierra de Tacna, con un programa activo de "
     "relacionamiento con comunidades altoandinas."),
    ("collao", "Minera Estañífera del Collao S.A.", "Estaño Collao", K.MINING_COMPANY, S.LARGE,
     "puno", "Antauta", "estanocollao.pe", E.XLARGE, "ISO 9001, ISO 14001",
     "extraction processing smelting-refining", "tin", M.ACTIVE, True, 2023,
     "Productor de estaño en la cordillera de Carabaya, Puno."),
    ("ocona", "Compañía Minera Ocoña S.A.C.", "Minera Ocoña", K.MINING_COMPANY, S.SMALL,
     "arequipa", "Ocoña", "mineraocona.pe", E.MEDIUM, "",
     "extraction processing", "gold", M.ACTIVE, True, 2024,
     "Pequeña minería aurífera formal en el valle de Ocoña."),
    ("chaparra", "Cooperativa Minera Artesanal Chaparra Ltda.", "Coopemin Chaparra",
     K.MINING_COMPANY, S.ARTISANAL, "arequipa", "Chaparra", "coopeminchaparra.org.pe", E.SMALL,
     "", "extraction", "gold", M.ACTIVE, True, 2024,
     "Cooperativa de mineros artesanales en proceso de formalización; busca capacitación en "
     "seguridad y procesos libres de mercurio."),
    ("vilcabamba", "Minera Vilcabamba S.A.C.", "Minera Vilcabamba", K.MINING_COMPANY, S.MEDIUM,
     "cusco", "Chumbivilcas", "mineravilcabamba.pe", E.LARGE, "ISO 45001",
     "exploration development extraction", "copper gold", M.ACTIVE, True, 2023,
     "Proyecto de cobre y oro en el corredor minero del sur de Cusco."),
    ("chalhuanca", "Minera Chalhuanca S.A.", "Minera Chalhuanca", K.MINING_COMPANY, S.MEDIUM,
     "apurimac", "Chalhuanca", "minerachalhuanca.pe", E.LARGE, "ISO 14001",
     "exploration extraction", "copper iron", M.ACTIVE, True, 2024,
     "Operación de cobre y hierro en Aymaraes, Apurímac."),
    ("pampahierro", "Compañía Minera Pampa de Hierro S.A.", "Pampa de Hierro", K.MINING_COMPANY,
     S.LARGE, "ica", "Marcona", "pampadehierro.pe", E.XLARGE, "ISO 9001, ISO 14001",
     "extraction processing logistics", "iron", M.ACTIVE, True, 2023,
     "Productor de concentrado y pellets de hierro con puerto propio."),
    ("sora", "Minera Sora S.A.C.", "Minera Sora", K.MINING_COMPANY, S.SMALL, "ayacucho",
     "Lucanas", "minerasora.pe", E.SMALL, "", "exploration extraction", "gold silver",
     M.APPLICANT, True, None,
     "Pequeña minería de oro y plata en el sur de Ayacucho. Ha solicitado su incorporación."),
    ("huepetuhe", "Minera Aurora de Huepetuhe E.I.R.L.", "Aurora Huepetuhe", K.MINING_COMPANY,
     S.ARTISANAL, "madre_de_dios", "Huepetuhe", "aurorahuepetuhe.pe", E.MICRO, "",
     "extraction closure", "gold", M.ACTIVE, False, 2025,
     "Minería aurífera aluvial formalizada; trabaja en la recuperación de áreas degradadas."),
    ("torata", "Minera Torata Norte S.A.", "Torata Norte", K.MINING_COMPANY, S.MEDIUM,
     "moquegua", "Torata", "toratanorte.pe", E.LARGE, "ISO 45001",
     "development extraction", "copper zinc", M.ACTIVE, True, 2024,
     "Desarrollo de un yacimiento polimetálico en Mariscal Nieto."),
    ("cailloma", "Minera Cailloma Andina S.A.", "Cailloma Andina", K.MINING_COMPANY, S.MEDIUM,
     "arequipa", "Caylloma", "caillomaandina.pe", E.LARGE, "ISO 14001",
     "extraction processing", "silver zinc lead", M.ACTIVE, True, 2023,
     "Mina subterránea de plata, zinc y plomo en la provincia de Caylloma."),
    # --- METS suppliers ---------------------------------------------------------------------
    ("andestech", "AndesTech Soluciones Mineras S.A.C.", "AndesTech", K.METS_SUPPLIER, "",
     "arequipa", "Arequipa", "andestech.pe", E.MEDIUM, "ISO 9001, ISO 27001",
     "extraction processing automation-digital maintenance", "copper gold", M.ACTIVE, True,
     2023,
     "Automatización, sensórica y **mantenimiento predictivo** para plantas concentradoras. "
     "Pilotos con gemelos digitales de molinos."),
    ("hidroandina", "Hidroandina Ingeniería S.A.C.", "Hidroandina", K.METS_SUPPLIER, "",
     "arequipa", "Cerro Colorado", "hidroandina.pe", E.MEDIUM, "ISO 9001, ISO 14001",
     "processing closure water environment-community", "copper", M.ACTIVE, True, 2023,
     "Tratamiento y recirculación de agua de proceso; plantas modulares de ósmosis inversa."),
    ("relavesur", "Relaves Seguros del Sur S.A.C.", "RelaveSur", K.METS_SUPPLIER, "",
     "arequipa", "Arequipa", "relavesur.pe", E.SMALL, "ISO 9001",
     "processing closure tailings", "copper gold", M.ACTIVE, True, 2024,
     "Ingeniería y monitoreo geotécnico de depósitos de relaves, relaves filtrados."),
    ("solarmisti", "Energía Solar Misti S.A.C.", "Solar Misti", K.METS_SUPPLIER, "",
     "arequipa", "Arequipa", "solarmisti.pe", E.SMALL, "",
     "extraction processing energy", "", M.ACTIVE, True, 2024,
     "Plantas solares y almacenamiento para campamentos y operaciones mineras."),
    ("logichili", "Transportes y Logística Chili S.A.C.", "LogiChili", K.METS_SUPPLIER, "",
     "arequipa", "Arequipa", "logichili.pe", E.LARGE, "ISO 9001, BASC",
     "extraction logistics", "copper", M.SUSPENDED, True, 2023,
     "Transporte de concentrados e insumos críticos en la macro región sur."),
    ("segurimin", "Segurimin Perú S.A.C.", "Segurimin", K.METS_SUPPLIER, "", "arequipa",
     "Arequipa", "segurimin.pe", E.MEDIUM, "ISO 45001",
     "extraction safety training", "", M.ACTIVE, True, 2023,
     "Sistemas de gestión de seguridad, análisis de fatiga y capacitación de operadores."),
    ("yura", "Mantenimiento Industrial Yura S.A.C.", "MI Yura", K.METS_SUPPLIER, "",
     "arequipa", "Yura", "miyura.pe", E.MEDIUM, "ISO 9001",
     "processing maintenance", "copper", M.ACTIVE, True, 2024,
     "Reparación de componentes mayores: chancadoras, molinos y bombas."),
    ("geodatos", "Geodatos Exploraciones S.A.C.", "Geodatos", K.METS_SUPPLIER, "", "arequipa",
     "Arequipa", "geodatos.pe", E.SMALL, "",
     "exploration automation-digital", "copper gold silver", M.ACTIVE, True, 2024,
     "Geofísica, perforación diamantina y modelamiento geológico 3D."),
    ("ecoandes", "Ecoandes Consultores Ambientales S.A.C.", "Ecoandes", K.METS_SUPPLIER, "",
     "moquegua", "Moquegua", "ecoandes.pe", E.SMALL, "ISO 14001",
     "closure environment-community water", "", M.ACTIVE, True, 2023,
     "Estudios ambientales, monitoreo participativo y planes de cierre."),
    ("metalilo", "Metalmecánica Ilo S.A.C.", "Metalmecánica Ilo", K.METS_SUPPLIER, "",
     "moquegua", "Ilo", "metalilo.pe", E.MEDIUM, "ISO 9001",
     "processing smelting-refining maintenance", "copper", M.ACTIVE, True, 2024,
     "Fabricación de estructuras, revestimientos de molinos y piezas de desgaste."),
    ("tacnadrones", "Tacna Drones y Topografía S.A.C.", "TacnaDrones", K.METS_SUPPLIER, "",
     "tacna", "Tacna", "tacnadrones.pe", E.MICRO, "",
     "exploration extraction automation-digital", "", M.ACTIVE, True, 2025,
     "Levantamientos con drones, fotogrametría y control de inventarios de pilas."),
    ("capacita", "Capacita Minería del Sur S.A.C.", "Capacita Sur", K.METS_SUPPLIER, "",
     "puno", "Juliaca", "capacitasur.pe", E.SMALL, "",
     "extraction training safety", "gold tin", M.ACTIVE, True, 2024,
     "Formación técnica de operadores y supervisores, en español, quechua y aimara."),
    ("mollendo", "Fundición y Refinación Mollendo S.A.", "FR Mollendo", K.METS_SUPPLIER, "",
     "arequipa", "Mollendo", "frmollendo.pe", E.LARGE, "ISO 9001, ISO 14001",
     "smelting-refining processing", "copper", M.ACTIVE, True, 2025,
     "Proyecto de fundición y refinería de cobre orientado a la producción de alambrón."),
    ("cierreverde", "Cierre Verde Remediación S.A.C.", "Cierre Verde", K.METS_SUPPLIER, "",
     "cusco", "Cusco", "cierreverde.pe", E.SMALL, "",
     "closure environment-community", "", M.ACTIVE, True, 2024,
     "Revegetación con especies nativas y remediación de pasivos ambientales."),
    ("perfoapu", "Perforaciones Apurímac S.A.C.", "PerfoApu", K.METS_SUPPLIER, "", "apurimac",
     "Abancay", "perfoapu.pe", E.MEDIUM, "ISO 45001",
     "exploration development", "copper", M.ACTIVE, True, 2024,
     "Perforación diamantina y de aire reverso para exploración y desarrollo."),
    ("aguasaltiplano", "Aguas del Altiplano Tecnologías S.A.C.", "Aguas del Altiplano",
     K.METS_SUPPLIER, "", "puno", "Puno", "aguasaltiplano.pe", E.MICRO, "",
     "water environment-community", "", M.ACTIVE, True, 2025,
     "Tratamiento pasivo de drenaje ácido con humedales artificiales."),
    ("minesoft", "Software Minero Lima S.A.C.", "MineSoft", K.METS_SUPPLIER, "", "lima",
     "Lima", "minesoft.pe", E.MEDIUM, "ISO 27001",
     "extraction processing automation-digital", "", M.ACTIVE, True, 2024,
     "Software de despacho, control de flota y tableros de producción."),
    ("atacama", "Atacama Mining Services SpA, Sucursal del Perú", "Atacama Mining Services",
     K.METS_SUPPLIER, "", "outside", "Antofagasta (Chile)", "atacamams.cl", E.LARGE,
     "ISO 9001, ISO 45001", "maintenance tailings", "copper", M.ACTIVE, True, 2025,
     "Proveedor chileno de mantenimiento y manejo de relaves con operaciones en el sur del Perú."),
    ("perth", "Perth Mineral Technologies Pty Ltd", "Perth MinTech", K.METS_SUPPLIER, "",
     "outside", "Perth (Australia)", "perthmintech.com.au", E.MEDIUM, "ISO 9001",
     "processing automation-digital", "copper gold", M.NONE, True, None,
     "Tecnología australiana de flotación; contacto de la misión a Australia."),
    ("geocusco", "Inteligencia Geológica Cusco S.A.C.", "GeoIntel Cusco", K.METS_SUPPLIER, "",
     "cusco", "Cusco", "geointelcusco.pe", E.MICRO, "",
     "exploration automation-digital", "copper gold", M.ACTIVE, False, 2025,
     "Prospección con imágenes satelitales e inteligencia artificial."),
    ("electromoq", "Electromecánica Moquegua S.A.C.", "Electromoq", K.METS_SUPPLIER, "",
     "moquegua", "Moquegua", "electromoq.pe", E.SMALL, "",
     "processing energy maintenance", "copper", M.LAPSED, True, 2023,
     "Montaje electromecánico y subestaciones."),
    # --- Academia ---------------------------------------------------------------------------
    ("unsa", "Universidad Nacional del Sur Andino", "UNSA", K.ACADEMIA, "", "arequipa",
     "Arequipa", "unsa.edu.pe", E.XLARGE, "Licenciamiento SUNEDU",
     "exploration processing training water", "copper", M.ACTIVE, True, 2023,
     "Universidad pública con laboratorios de metalurgia, geología y recursos hídricos."),
    ("santacatalina", "Universidad Privada Santa Catalina", "UPSC", K.ACADEMIA, "",
     "arequipa", "Arequipa", "upsc.edu.pe", E.LARGE, "Licenciamiento SUNEDU",
     "training automation-digital", "", M.ACTIVE, True, 2024,
     "Ingeniería de minas, mecatrónica y ciencia de datos aplicada a la minería."),
    ("itsmoquegua", "Instituto Tecnológico Superior de Moquegua", "ITS Moquegua", K.ACADEMIA,
     "", "moquegua", "Moquegua", "itsmoquegua.edu.pe", E.MEDIUM, "",
     "training maintenance", "", M.ACTIVE, True, 2024,
     "Formación técnica en mantenimiento de equipo pesado y electricidad industrial."),
    ("uncollao", "Universidad Nacional de Ingeniería del Collao", "UNI Collao", K.ACADEMIA, "",
     "puno", "Puno", "unicollao.edu.pe", E.LARGE, "Licenciamiento SUNEDU",
     "processing training", "tin gold", M.ACTIVE, True, 2024,
     "Investigación en metalurgia del estaño y recuperación de oro sin mercurio."),
    ("cims", "Centro de Investigación en Minería Sostenible", "CIMS", K.ACADEMIA, "", "cusco",
     "Cusco", "cims.org.pe", E.SMALL, "",
     "closure environment-community water", "", M.ACTIVE, True, 2025,
     "Centro de investigación aplicada en cierre de minas y agua."),
    # --- Associations, chambers, government, finance, other -------------------------------
    ("apromis", "Asociación de Proveedores Mineros del Sur", "APROMIS", K.ASSOCIATION, "",
     "arequipa", "Arequipa", "apromis.org.pe", E.MICRO, "", "training", "", M.ACTIVE, True,
     2023, "Gremio de proveedores METS de la macro región sur."),
    ("gremiopeq", "Gremio de Pequeños Productores Mineros de Arequipa", "GPPM Arequipa",
     K.ASSOCIATION, "", "arequipa", "Chala", "gppm.org.pe", E.MICRO, "",
     "safety training", "gold", M.ACTIVE, True, 2024,
     "Representa a pequeños productores y mineros artesanales formalizados."),
    ("ccia", "Cámara de Comercio e Industria de Arequipa", "CCIA", K.CHAMBER, "", "arequipa",
     "Arequipa", "cciarequipa.org.pe", E.MEDIUM, "", "training", "", M.ACTIVE, True, 2023,
     "Cámara regional que impulsa el clúster minero del sur junto con CAF."),
    ("camaratacna", "Cámara de Comercio del Altiplano y Tacna", "CCAT", K.CHAMBER, "", "tacna",
     "Tacna", "ccat.org.pe", E.SMALL, "", "logistics", "", M.ACTIVE, True, 2024,
     "Promueve el comercio y los servicios logísticos del sur."),
    ("goreaqp", "Gerencia Regional de Energía y Minas de Arequipa", "GREM Arequipa",
     K.GOVERNMENT, L.REGIONAL, "arequipa", "Arequipa", "gremarequipa.gob.pe", E.MEDIUM, "",
     "environment-community", "", M.ACTIVE, True, 2023,
     "Autoridad regional para la pequeña minería y la minería artesanal."),
    ("cerrocolorado", "Municipalidad Distrital de Cerro Colorado", "MD Cerro Colorado",
     K.GOVERNMENT, L.LOCAL, "arequipa", "Cerro Colorado", "mdcc.gob.pe", E.LARGE, "",
     "environment-community", "", M.ACTIVE, True, 2025,
     "Gobierno local con parques industriales que albergan proveedores mineros."),
    ("pnim", "Programa Nacional de Innovación Minera", "PNIM", K.GOVERNMENT, L.NATIONAL,
     "lima", "Lima", "pnim.gob.pe", E.SMALL, "", "training", "", M.ACTIVE, True, 2024,
     "Programa del gobierno nacional que cofinancia pilotos de innovación minera."),
    ("caf", "CAF, Banco de Desarrollo de América Latina y el Caribe", "CAF", K.FINANCIAL, "",
     "lima", "Lima", "caf.com", E.LARGE, "", "", "", M.ACTIVE, True, 2023,
     "Banco de desarrollo que respalda el clúster y su programa de innovación abierta."),
    ("fogasur", "Fondo de Garantía Empresarial del Sur", "FOGASUR", K.FINANCIAL, "",
     "arequipa", "Arequipa", "fogasur.pe", E.SMALL, "", "", "", M.ACTIVE, False, 2025,
     "Garantías para proveedores que ejecutan contratos con la gran minería."),
    ("fundacion", "Fundación Minería y Comunidad Sur", "Fundación MCS", K.OTHER, "", "cusco",
     "Espinar", "fundacionmcs.org.pe", E.MICRO, "", "environment-community training", "",
     M.NONE, True, None,
     "Organización sin fines de lucro que acompaña el diálogo entre empresas y comunidades."),
]  # fmt: skip

# Who works with whom: supplier → its mining clients (and other cluster clients).
REFERENCE_CLIENTS = {
    "andestech": ["chachani", "pichupichu", "cailloma"],
    "hidroandina": ["chachani", "pichupichu", "torata"],
    "relavesur": ["pichupichu", "vilcabamba"],
    "solarmisti": ["ocona", "candarave"],
    "segurimin": ["chachani", "chaparra", "collao"],
    "yura": ["chachani", "cailloma"],
    "geodatos": ["vilcabamba", "chalhuanca"],
    "ecoandes": ["pichupichu", "torata"],
    "metalilo": ["pichupichu", "mollendo"],
    "tacnadrones": ["candarave"],
    "capacita": ["collao", "chaparra"],
    "cierreverde": ["huepetuhe", "vilcabamba"],
    "perfoapu": ["chalhuanca", "vilcabamba"],
    "minesoft": ["pampahierro", "chachani"],
    "atacama": ["chachani"],
    "geocusco": ["vilcabamba"],
    "unsa": ["chachani", "andestech"],
}
OTHER_REFERENCE_CLIENTS = {
    "andestech": "Operaciones mineras en Chile (Antofagasta)",
    "atacama": "Minería del cobre en Antofagasta y Atacama",
    "minesoft": "Minas de la sierra central",
}

# email, full name, organization key, role, position, language
PEOPLE = [
    ("ana.torres@minera-chachani.pe", "Ana Torres Valdivia", "chachani", "admin",
     "Gerente de Innovación", "es"),
    ("jorge.huaman@andestech.pe", "Jorge Huamán Ccori", "andestech", "admin",
     "Gerente General", "es"),
    ("m.rivera@unsa.edu.pe", "Mariela Rivera Paredes", "unsa", "admin",
     "Directora de Vinculación", "en"),
    ("carlos.zegarra@minera-chachani.pe", "Carlos Zegarra Núñez", "chachani", "member",
     "Superintendente de Mantenimiento", "es"),
    ("r.delgado@pichupichu.com.pe", "Rosa Delgado Cornejo", "pichupichu", "admin",
     "Gerente de Asuntos Corporativos", "es"),
    ("l.apaza@pichupichu.com.pe", "Luis Apaza Condori", "pichupichu", "member",
     "Jefe de Medio Ambiente", "es"),
    ("v.flores@mineracandarave.pe", "Víctor Flores Ticona", "candarave", "admin",
     "Gerente de Operaciones", "es"),
    ("e.mamani@estanocollao.pe", "Elena Mamani Choque", "collao", "admin",
     "Gerente de Planta", "es"),
    ("p.llerena@mineraocona.pe", "Pedro Llerena Salas", "ocona", "admin", "Gerente General",
     "es"),
    ("t.ccahua@coopeminchaparra.org.pe", "Teodoro Ccahua Huarca", "chaparra", "admin",
     "Presidente", "es"),
    ("g.cusi@mineravilcabamba.pe", "Gabriela Cusi Paucar", "vilcabamba", "admin",
     "Gerente de Proyectos", "es"),
    ("h.quispe@minerachalhuanca.pe", "Hugo Quispe Huamaní", "chalhuanca", "admin",
     "Gerente de Operaciones", "es"),
    ("m.salazar@pampadehierro.pe", "Milagros Salazar Oré", "pampahierro", "admin",
     "Jefa de Abastecimiento", "es"),
    ("f.ayala@minerasora.pe", "Fernando Ayala Pariona", "sora", "admin", "Gerente General",
     "es"),
    ("d.huaman@aurorahuepetuhe.pe", "Dina Huamán Baca", "huepetuhe", "admin", "Titular", "es"),
    ("j.portugal@toratanorte.pe", "Julio Portugal Vera", "torata", "admin",
     "Gerente de Proyecto", "es"),
    ("s.bedoya@caillomaandina.pe", "Sonia Bedoya Linares", "cailloma", "admin",
     "Gerente de Unidad", "es"),
    ("k.vargas@andestech.pe", "Karina Vargas Medina", "andestech", "member",
     "Jefa de Proyectos", "es"),
    ("o.chavez@hidroandina.pe", "Óscar Chávez Rendón", "hidroandina", "admin",
     "Gerente Técnico", "es"),
    ("n.pinto@relavesur.pe", "Natalia Pinto Zúñiga", "relavesur", "admin",
     "Ingeniera Geotécnica Principal", "es"),
    ("a.cano@solarmisti.pe", "Andrés Cano Rivas", "solarmisti", "admin", "Gerente General",
     "es"),
    ("b.soto@logichili.pe", "Beatriz Soto Aguilar", "logichili", "admin", "Gerente Comercial",
     "es"),
    ("w.ramos@segurimin.pe", "Walter Ramos Gallegos", "segurimin", "admin", "Gerente General",
     "es"),
    ("i.paredes@miyura.pe", "Iván Paredes Tejada", "yura", "admin", "Gerente de Taller", "es"),
    ("c.medina@geodatos.pe", "Claudia Medina Pastor", "geodatos", "admin",
     "Geóloga Principal", "es"),
    ("r.coaguila@ecoandes.pe", "Raúl Coaguila Manrique", "ecoandes", "admin",
     "Director Ambiental", "es"),
    ("y.laura@metalilo.pe", "Yolanda Laura Mendoza", "metalilo", "admin", "Gerente General",
     "es"),
    ("e.copa@tacnadrones.pe", "Edwin Copa Flores", "tacnadrones", "admin", "Fundador", "es"),
    ("s.calla@capacitasur.pe", "Silvia Calla Yupanqui", "capacita", "admin",
     "Directora Académica", "es"),
    ("m.benavides@frmollendo.pe", "Martín Benavides Ugarte", "mollendo", "admin",
     "Gerente de Proyecto", "es"),
    ("p.huillca@cierreverde.pe", "Paola Huillca Quispe", "cierreverde", "admin",
     "Gerente General", "es"),
    ("l.gutierrez@perfoapu.pe", "Lorenzo Gutiérrez Palomino", "perfoapu", "admin",
     "Gerente de Operaciones", "es"),
    ("j.mamani@aguasaltiplano.pe", "Julia Mamani Quispe", "aguasaltiplano", "admin",
     "Fundadora", "es"),
    ("d.rojas@minesoft.pe", "Diego Rojas Alvarado", "minesoft", "admin", "CTO", "es"),
    ("f.munoz@atacamams.cl", "Francisca Muñoz Contreras", "atacama", "admin",
     "Country Manager", "es"),
    ("j.clarke@perthmintech.com.au", "James Clarke", "perth", "admin", "Business Development",
     "en"),
    ("a.condori@geointelcusco.pe", "Alberto Condori Mayta", "geocusco", "admin", "Fundador",
     "es"),
    ("g.zapata@electromoq.pe", "Gonzalo Zapata Herrera", "electromoq", "admin",
     "Gerente General", "es"),
    ("h.valdivia@unsa.edu.pe", "Héctor Valdivia Rodríguez", "unsa", "member",
     "Profesor de Metalurgia", "es"),
    ("c.fernandez@upsc.edu.pe", "Cecilia Fernández Lazo", "santacatalina", "admin",
     "Decana de Ingeniería", "es"),
    ("r.ticona@itsmoquegua.edu.pe", "Roberto Ticona Maquera", "itsmoquegua", "admin",
     "Director", "es"),
    ("m.choque@unicollao.edu.pe", "Marco Choque Apaza", "uncollao", "admin",
     "Vicerrector de Investigación", "es"),
    ("v.tupa@cims.org.pe", "Verónica Tupa Huamán", "cims", "admin", "Directora", "es"),
    ("e.villanueva@apromis.org.pe", "Eduardo Villanueva Cáceres", "apromis", "admin",
     "Presidente", "es"),
    ("r.huarca@gppm.org.pe", "Rubén Huarca Ccama", "gremiopeq", "admin", "Presidente", "es"),
    ("p.rivera@cciarequipa.org.pe", "Patricia Rivera Chirinos", "ccia", "admin",
     "Gerente de Competitividad", "es"),
    ("a.machaca@ccat.org.pe", "Alfredo Machaca Loza", "camaratacna", "admin",
     "Gerente General", "es"),
    ("m.ortiz@gremarequipa.gob.pe", "Miriam Ortiz Begazo", "goreaqp", "admin",
     "Gerente Regional", "es"),
    ("c.pacheco@mdcc.gob.pe", "César Pacheco Linares", "cerrocolorado", "admin",
     "Gerente de Desarrollo Económico", "es"),
    ("l.castro@pnim.gob.pe", "Liliana Castro Ramírez", "pnim", "admin",
     "Coordinadora Nacional", "es"),
    ("d.montoya@caf.com", "Daniel Montoya Ríos", "caf", "admin", "Especialista Sectorial",
     "es"),
    ("g.pacheco@fogasur.pe", "Giovanna Pacheco Arias", "fogasur", "admin", "Gerente General",
     "es"),
    ("t.huamani@fundacionmcs.org.pe", "Tomás Huamaní Quispe", "fundacion", "admin",
     "Director Ejecutivo", "es"),
]  # fmt: skip

# Staff positions and a few phone numbers, for the profile pages and the team tables (the
# members' positions come from PEOPLE).
STAFF_POSITIONS = {
    "secretaria@cmsp.pe": "Secretaria técnica del Clúster",
    "membresias@cmsp.pe": "Coordinadora de membresías",
    "auditoria@cmsp.pe": "Auditor interno",
    "convocatorias@cmsp.pe": "Gestora de convocatorias de innovación",
    "portafolio@cmsp.pe": "Gestora del portafolio de proyectos",
    "reportes@cmsp.pe": "Responsable de seguimiento y reportes",
}
DEMO_PHONES = {
    "secretaria@cmsp.pe": "+5154201234",
    "ana.torres@minera-chachani.pe": "+51959123456",
    "jorge.huaman@andestech.pe": "+51984765432",
    "m.rivera@unsa.edu.pe": "+5154215500",
}

# slug, kind, name, coordinator email, position, public, description
GOVERNANCE_BODIES = [
    ("consejo-directivo", GoverningBody.Kind.BOARD, "Consejo Directivo", "secretaria@cmsp.pe",
     10, True,
     "Máximo órgano de gobierno del clúster. Aprueba el plan anual, el presupuesto y las "
     "convocatorias de innovación abierta.\n\nSesiona una vez al mes."),
    ("comite-innovacion", GoverningBody.Kind.COMMITTEE, "Comité de Innovación",
     "m.rivera@unsa.edu.pe", 20, True,
     "Prioriza los **desafíos operacionales** reportados por las empresas mineras, diseña las "
     "convocatorias y propone al Consejo los proyectos piloto ganadores."),
    ("mesa-agua-relaves", GoverningBody.Kind.WORKING_GROUP, "Mesa técnica de agua y relaves",
     "o.chavez@hidroandina.pe", 30, True,
     "Gestión hídrica, recirculación, relaves espesados y filtrados, monitoreo geotécnico."),
    ("mesa-proveedores", GoverningBody.Kind.WORKING_GROUP,
     "Mesa de proveedores y desarrollo de proveedores", "jorge.huaman@andestech.pe", 40, True,
     "Programa de desarrollo de proveedores locales: homologación, certificaciones y acceso a "
     "contratos con la gran minería."),
    ("mesa-capital-humano", GoverningBody.Kind.WORKING_GROUP, "Mesa de capital humano",
     "s.calla@capacitasur.pe", 50, True,
     "Brechas de talento, formación técnica dual y certificación de competencias."),
    ("mesa-regulacion", GoverningBody.Kind.WORKING_GROUP, "Mesa de regulación",
     "e.villanueva@apromis.org.pe", 60, True,
     "Identifica **barreras regulatorias** y prepara propuestas de mejora para las "
     "autoridades."),
]  # fmt: skip

# English text written by the secretariat (bilingual fields). The working groups other than water
# and tailings have only a Spanish description: English pages show it marked lang="es".
GOVERNANCE_ENGLISH = {
    "consejo-directivo": (
        "Board of Directors",
        "The cluster's highest governing body. It approves the annual plan, the budget and the "
        "open innovation calls.\n\nIt meets once a month.",
    ),
    "comite-innovacion": (
        "Innovation Committee",
        "Prioritizes the **operational challenges** reported by mining companies, designs the "
        "calls and proposes the winning pilot projects to the Board.",
    ),
    "mesa-agua-relaves": (
        "Water and tailings working group",
        "Water management, recirculation, thickened and filtered tailings, geotechnical "
        "monitoring.",
    ),
    "mesa-proveedores": ("Suppliers and supplier development working group", ""),
    "mesa-capital-humano": ("Human capital working group", ""),
}

# body slug → (person email, organization key, role)
SEATS = {
    "consejo-directivo": [
        ("ana.torres@minera-chachani.pe", "chachani", Seat.Role.CHAIR),
        ("p.rivera@cciarequipa.org.pe", "ccia", Seat.Role.VICE_CHAIR),
        ("e.villanueva@apromis.org.pe", "apromis", Seat.Role.SECRETARY),
        ("r.delgado@pichupichu.com.pe", "pichupichu", Seat.Role.MEMBER),
        ("jorge.huaman@andestech.pe", "andestech", Seat.Role.MEMBER),
        ("m.rivera@unsa.edu.pe", "unsa", Seat.Role.MEMBER),
        ("d.montoya@caf.com", "caf", Seat.Role.MEMBER),
        ("m.ortiz@gremarequipa.gob.pe", "goreaqp", Seat.Role.MEMBER),
    ],
    "comite-innovacion": [
        ("m.rivera@unsa.edu.pe", "unsa", Seat.Role.CHAIR),
        ("carlos.zegarra@minera-chachani.pe", "chachani", Seat.Role.MEMBER),
        ("k.vargas@andestech.pe", "andestech", Seat.Role.MEMBER),
        ("l.castro@pnim.gob.pe", "pnim", Seat.Role.MEMBER),
        ("c.fernandez@upsc.edu.pe", "santacatalina", Seat.Role.MEMBER),
        ("g.cusi@mineravilcabamba.pe", "vilcabamba", Seat.Role.MEMBER),
    ],
    "mesa-agua-relaves": [
        ("o.chavez@hidroandina.pe", "hidroandina", Seat.Role.CHAIR),
        ("l.apaza@pichupichu.com.pe", "pichupichu", Seat.Role.MEMBER),
        ("n.pinto@relavesur.pe", "relavesur", Seat.Role.MEMBER),
        ("h.valdivia@unsa.edu.pe", "unsa", Seat.Role.MEMBER),
        ("v.tupa@cims.org.pe", "cims", Seat.Role.MEMBER),
        ("j.mamani@aguasaltiplano.pe", "aguasaltiplano", Seat.Role.MEMBER),
        ("a.condori@geointelcusco.pe", "geocusco", Seat.Role.MEMBER),
    ],
    "mesa-proveedores": [
        ("jorge.huaman@andestech.pe", "andestech", Seat.Role.CHAIR),
        ("e.villanueva@apromis.org.pe", "apromis", Seat.Role.SECRETARY),
        ("m.salazar@pampadehierro.pe", "pampahierro", Seat.Role.MEMBER),
        ("i.paredes@miyura.pe", "yura", Seat.Role.MEMBER),
        ("y.laura@metalilo.pe", "metalilo", Seat.Role.MEMBER),
        ("g.pacheco@fogasur.pe", "fogasur", Seat.Role.MEMBER),
    ],
    "mesa-capital-humano": [
        ("s.calla@capacitasur.pe", "capacita", Seat.Role.CHAIR),
        ("r.ticona@itsmoquegua.edu.pe", "itsmoquegua", Seat.Role.MEMBER),
        ("w.ramos@segurimin.pe", "segurimin", Seat.Role.MEMBER),
        ("m.choque@unicollao.edu.pe", "uncollao", Seat.Role.MEMBER),
        ("t.ccahua@coopeminchaparra.org.pe", "chaparra", Seat.Role.MEMBER),
    ],
    "mesa-regulacion": [
        ("e.villanueva@apromis.org.pe", "apromis", Seat.Role.CHAIR),
        ("r.huarca@gppm.org.pe", "gremiopeq", Seat.Role.MEMBER),
        ("m.ortiz@gremarequipa.gob.pe", "goreaqp", Seat.Role.MEMBER),
        ("r.delgado@pichupichu.com.pe", "pichupichu", Seat.Role.MEMBER),
        ("c.pacheco@mdcc.gob.pe", "cerrocolorado", Seat.Role.MEMBER),
    ],
}


# Organizations that get a generated logo (background, mountain) to show the logo feature.
LOGO_COLOURS = {
    "chachani": ((31, 42, 54), (180, 83, 42)),
    "pichupichu": ((240, 235, 225), (120, 72, 40)),
    "andestech": ((18, 78, 120), (120, 200, 230)),
    "hidroandina": ((225, 242, 250), (20, 110, 170)),
    "relavesur": ((60, 60, 60), (210, 180, 90)),
    "unsa": ((120, 20, 30), (250, 240, 230)),
    "ccia": ((10, 60, 40), (230, 200, 80)),
    "caf": ((0, 70, 140), (250, 250, 250)),
}


def logo_png(background: tuple[int, int, int], mountain: tuple[int, int, int]) -> bytes:
    """A 96 x 96 PNG: a mountain on a plain background (no imaging library needed)."""
    size = 96
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type "none"
        for x in range(size):
            inside = y > 24 + abs(x - size // 2) and y < size - 12
            row += bytes(mountain if inside else background)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


#: The year the member list above was written in: "member since 2025" means one year before it.
DEMO_WRITTEN_IN = 2026


def _days_ago(days: int) -> datetime.date:
    """Demo dates are relative to today, so the demo never looks stale (or in the future)."""
    return timezone.localdate() - datetime.timedelta(days=days)


def _member_since(since: int, index: int) -> datetime.date:
    """A join date ``DEMO_WRITTEN_IN - since`` years (plus some months) before today."""
    return _days_ago((DEMO_WRITTEN_IN - since) * 365 + 120 + 7 * index)


def demo_ruc(key: str) -> str:
    """A made-up RUC with a valid SUNAT check digit, stable for each organization key (so that
    reordering the list above never turns one demo organization into another)."""
    first_ten = f"20{60_000_000 + zlib.crc32(key.encode()) % 40_000_000:08d}"
    return first_ten + str(ruc_check_digit(first_ten))


# First names of the demo women: their titles are written in the feminine ("Presidenta");
# everyone else's in the masculine. Real people choose this on their profile (User.title_form).
DEMO_WOMEN = frozenset(
    (
        "Ana", "Beatriz", "Cecilia", "Claudia", "Dina", "Elena", "Francisca", "Gabriela",
        "Giovanna", "Julia", "Karina", "Liliana", "Lucía", "Mariela", "Milagros", "Miriam",
        "Natalia", "Paola", "Patricia", "Rosa", "Silvia", "Sonia", "Verónica", "Yolanda",
    )
)  # fmt: skip


def _title_form(full_name: str) -> str:
    first = full_name.split(" ")[0]
    return User.TitleForm.FEMININE if first in DEMO_WOMEN else User.TitleForm.MASCULINE


def _seed_users(stdout: TextIO) -> dict[str, User]:
    users: dict[str, User] = {}
    everyone = [(e, n, staff, lang) for e, n, staff, lang in DEMO_USERS]
    known = {email for email, *_ in DEMO_USERS}
    everyone += [(e, n, False, lang) for e, n, _k, _r, _p, lang in PEOPLE if e not in known]
    for email, full_name, is_staff, language in everyone:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": full_name, "is_staff": is_staff, "language": language},
        )
        if user.title_form != _title_form(full_name):
            user.title_form = _title_form(full_name)
            user.save(update_fields=["title_form"])
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
    return users


_CAPABILITY_DIMENSIONS = (Capability.Dimension.VALUE_CHAIN, Capability.Dimension.SERVICE_AREA)


def _term(terms: dict[tuple[str, str], Capability], slug: str, *dimensions: str) -> Capability:
    """A taxonomy term seeded by migration 0004 (a typo here fails loudly)."""
    for dimension in dimensions:
        if (dimension, slug) in terms:
            return terms[(dimension, slug)]
    raise LookupError(f"Capability {slug!r} is not in the taxonomy")


def _seed_organizations(staff: User) -> dict[str, Organization]:
    terms = {(c.dimension, c.slug): c for c in Capability.objects.all()}
    organizations: dict[str, Organization] = {}
    for index, row in enumerate(ORGANIZATIONS, start=1):
        (
            key, legal_name, trade_name, kind, scale_or_level, region, city, domain, employees,
            certifications, capabilities, commodities, status, is_public, since, description,
        ) = row  # fmt: skip
        values = {
            "legal_name": legal_name,
            "trade_name": trade_name,
            "kind": kind,
            "mining_scale": scale_or_level if kind == K.MINING_COMPANY else "",
            "government_level": scale_or_level if kind == K.GOVERNMENT else "",
            "region": region,
            "city": city,
            "website": f"https://www.{domain}",
            "employee_band": employees,
            "certifications": certifications,
            "description": description,
            "is_public": is_public,
            "membership_status": status,
            "member_since": _member_since(since, index) if since else None,
            "other_reference_clients": OTHER_REFERENCE_CLIENTS.get(key, ""),
        }
        ruc = demo_ruc(key)
        organization = Organization.objects.filter(ruc=ruc).first() or Organization(
            ruc=ruc, created_by=staff
        )
        for name, value in values.items():
            setattr(organization, name, value)
        organization.full_clean()
        organization.save()
        wanted = [_term(terms, slug, *_CAPABILITY_DIMENSIONS) for slug in capabilities.split()]
        wanted += [
            _term(terms, slug, Capability.Dimension.COMMODITY) for slug in commodities.split()
        ]
        organization.capabilities.set(wanted)
        organizations[key] = organization
    for key, clients in REFERENCE_CLIENTS.items():
        organizations[key].reference_clients.set([organizations[c] for c in clients])
    return organizations


def _seed_teams(users: dict[str, User], organizations: dict[str, Organization]) -> None:
    for email, _name, key, role, position, _language in PEOPLE:
        OrganizationMember.objects.update_or_create(
            organization=organizations[key],
            user=users[email],
            defaults={"role": role, "position": position},
        )
    # An applicant has its open application (decided by the secretariat in the demo).
    for key, organization in organizations.items():
        if organization.membership_status != M.APPLICANT:
            continue
        admin = next(users[e] for e, _n, k, r, *_ in PEOPLE if k == key and r == "admin")
        if MembershipApplication.objects.filter(
            organization=organization, status=MembershipApplication.Status.SUBMITTED
        ).exists():
            continue
        MembershipApplication.objects.create(
            organization=organization,
            status=MembershipApplication.Status.SUBMITTED,
            # Taken only when the application is created: numbers stay gapless.
            reference=next_reference(MEMBERSHIP_REFERENCE_PREFIX),
            applicant=admin,
            motivation="Queremos participar en las mesas técnicas y en las "
            "convocatorias de innovación del clúster.",
        )


def _seed_profiles() -> None:
    """Each person's position (the one they hold in their organization, or on the staff) and a
    few phone numbers; values someone already changed on their profile page are kept."""
    positions = {email: position for email, _n, _k, _r, position, _l in PEOPLE}
    positions.update(STAFF_POSITIONS)
    for user in User.objects.filter(email__in=set(positions) | set(DEMO_PHONES)):
        changed = []
        if not user.position and positions.get(user.email):
            user.position = positions[user.email]
            changed.append("position")
        if not user.phone and DEMO_PHONES.get(user.email):
            user.phone = DEMO_PHONES[user.email]
            changed.append("phone")
        if changed:
            user.save(update_fields=changed)


def _seed_governance(users: dict[str, User], organizations: dict[str, Organization]) -> None:
    for slug, kind, name, coordinator, position, is_public, description in GOVERNANCE_BODIES:
        body = GoverningBody.objects.filter(slug=slug).first() or GoverningBody(slug=slug)
        body.kind = kind
        body.name = name
        body.coordinator = users[coordinator]
        body.position = position
        body.is_public = is_public
        body.description = description
        body.name_en, body.description_en = GOVERNANCE_ENGLISH.get(slug, ("", ""))
        body.full_clean()
        body.save()
        for email, key, role in SEATS[slug]:
            seat = Seat.objects.filter(
                body=body, person=users[email], ended_on__isnull=True
            ).first() or Seat(body=body, person=users[email], started_on=_days_ago(540))
            seat.organization = organizations[key]
            seat.role = role
            seat.full_clean()
            seat.save()


def _seed_logos(staff: User, organizations: dict[str, Organization]) -> None:
    """Upload generated logos through the files platform (once: kept when already there)."""
    for key, (background, mountain) in LOGO_COLOURS.items():
        organization = organizations[key]
        if organization_logo(organization) is not None:
            continue
        organization_update(
            actor=staff,
            organization=organization,
            logo=SimpleUploadedFile(f"logo-{key}.png", logo_png(background, mountain)),
        )


def seed(*, stdout: TextIO) -> None:
    users = _seed_users(stdout)
    staff = users["secretaria@cmsp.pe"]
    organizations = _seed_organizations(staff)
    _seed_teams(users, organizations)
    _seed_profiles()
    _seed_governance(users, organizations)
    _seed_logos(staff, organizations)
    stdout.write(
        f"  {len(organizations)} organizations, {len(PEOPLE)} people, "
        f"{len(GOVERNANCE_BODIES)} governance bodies"
    )
    stdout.write(
        f"  demo logins (password '{DEMO_PASSWORD}'): "
        + ", ".join(email for email, *_ in DEMO_USERS)
        + " — staff must set up two-factor authentication on first login."
    )
