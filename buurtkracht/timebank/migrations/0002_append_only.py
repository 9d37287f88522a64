"""Entries and transfers are append-only: the database refuses UPDATE and DELETE on them.
A mistake is corrected by a reversing transfer (services.reverse), never by an edit.

PostgreSQL: a row trigger raising an exception (TRUNCATE, a database owner's act, is not
covered; `buurtkracht ledger-verify` notices the missing entries). SQLite: BEFORE
triggers that abort."""

from django.db import migrations

TABLES = ("timebank_entry", "timebank_transfer")

POSTGRES = [
    "CREATE OR REPLACE FUNCTION timebank_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'timebank ledger is append-only: % on %', TG_OP, TG_TABLE_NAME; "
    "END; $$ LANGUAGE plpgsql",
    *(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION timebank_append_only()"
        for table in TABLES
    ),
]
POSTGRES_UNDO = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS timebank_append_only()",
]
SQLITE = [
    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
    "BEGIN SELECT RAISE(ABORT, 'timebank ledger is append-only'); END"
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]
SQLITE_UNDO = [
    f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}"
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("timebank", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
