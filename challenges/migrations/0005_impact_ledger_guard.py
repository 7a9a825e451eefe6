"""The impact ledger's database guard: a confirmed or verified entry is never changed.

The service (``challenges.services.portfolio``) refuses first, with a clear message; this
trigger makes the rule hold for every other path too (the admin, a shell, a bulk ``update()``).
On a frozen row (status ``confirmed`` or ``verified``) it refuses a DELETE, and an UPDATE that
changes what the entry says (project, kind, description, date, value, counterpart, what it
corrects, when it was claimed or confirmed) or moves it anywhere but forward
(``confirmed`` → ``verified``). The ``*_by`` columns may still become NULL: erasing a person
(Peru's personal data law) must not be blocked by the ledger.
"""

from __future__ import annotations

from django.db import migrations

MESSAGE = "impact ledger: a confirmed or verified entry cannot be changed; add a correction"
TABLE = "challenges_impactentry"
#: Columns that say what the entry is; never changed once it is frozen.
CONTENT = (
    "project_id",
    "kind",
    "description",
    "occurred_on",
    "amount",
    "amount_currency",
    "count",
    "counterpart_id",
    "corrects_id",
    "claimed_at",
    "confirmed_at",
)


def _changed(old: str, new: str) -> str:
    return " OR ".join(f"{new}.{c} IS DISTINCT FROM {old}.{c}" for c in CONTENT)


def _sqlite_changed() -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT)


FROZEN = "('confirmed', 'verified')"

POSTGRESQL_CREATE = f"""
CREATE OR REPLACE FUNCTION challenges_impact_ledger_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN {FROZEN} THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF {_changed("OLD", "NEW")}
           OR NOT (NEW.status = 'verified'
                   OR (OLD.status = 'confirmed' AND NEW.status = 'confirmed'))
           OR (OLD.status = 'verified' AND NEW.verified_at IS DISTINCT FROM OLD.verified_at) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER challenges_impact_ledger_guard
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION challenges_impact_ledger_guard();
"""
POSTGRESQL_DROP = f"""
DROP TRIGGER IF EXISTS challenges_impact_ledger_guard ON {TABLE};
DROP FUNCTION IF EXISTS challenges_impact_ledger_guard();
"""

SQLITE_CREATE = [
    f"""
CREATE TRIGGER challenges_impact_ledger_guard_update BEFORE UPDATE ON {TABLE}
FOR EACH ROW WHEN OLD.status IN {FROZEN} AND (
    {_sqlite_changed()}
    OR NOT (NEW.status = 'verified' OR (OLD.status = 'confirmed' AND NEW.status = 'confirmed'))
    OR (OLD.status = 'verified' AND NEW.verified_at IS NOT OLD.verified_at)
)
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
""",
    f"""
CREATE TRIGGER challenges_impact_ledger_guard_delete BEFORE DELETE ON {TABLE}
FOR EACH ROW WHEN OLD.status IN {FROZEN}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS challenges_impact_ledger_guard_update;",
    "DROP TRIGGER IF EXISTS challenges_impact_ledger_guard_delete;",
]


def create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("challenges", "0004_portfolio")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
