"""PostgreSQL objects of the portal-wide search (``knowledge.models.search``). Other databases
get nothing here: the SQLite fallback searches ``search_text`` with ``LIKE``.

* ``unaccent`` and ``pg_trgm`` extensions;
* ``cmsp_unaccent(text)``: ``unaccent`` with its dictionary named, declared IMMUTABLE so that
  indexes may use it (the extension's own function is only STABLE, because its dictionary
  could change; ours is fixed);
* text search configurations ``cmsp_es`` and ``cmsp_en``: copies of ``spanish`` and
  ``english`` whose word mappings first strip accents, then stem. "Minería" and "mineria" are
  the same lexeme. ``unaccent`` also maps ``ñ`` to ``n`` (its default rules): "año" and "ano"
  meet, which the portal accepts because people type without the tilde far more often than
  such pairs collide in mining texts (README, "Search");
* a GIN index on ``search_vector`` and a trigram GIN index on the unaccented lower-case title
  (typos and short words).
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION cmsp_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
DROP TEXT SEARCH CONFIGURATION IF EXISTS cmsp_es;
CREATE TEXT SEARCH CONFIGURATION cmsp_es (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION cmsp_es
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
DROP TEXT SEARCH CONFIGURATION IF EXISTS cmsp_en;
CREATE TEXT SEARCH CONFIGURATION cmsp_en (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION cmsp_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE INDEX IF NOT EXISTS search_vector_gin
    ON knowledge_searchdocument USING gin (search_vector);
CREATE INDEX IF NOT EXISTS search_title_trgm
    ON knowledge_searchdocument USING gin (lower(cmsp_unaccent(title)) gin_trgm_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS search_title_trgm;
DROP INDEX IF EXISTS search_vector_gin;
DROP TEXT SEARCH CONFIGURATION IF EXISTS cmsp_en;
DROP TEXT SEARCH CONFIGURATION IF EXISTS cmsp_es;
DROP FUNCTION IF EXISTS cmsp_unaccent(text);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
