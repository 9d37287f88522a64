"""Two bookings of one resource that hold time may not overlap — refused by the database
itself: an exclusion constraint on PostgreSQL (needs btree_gist), triggers on SQLite
(whose single writer makes a check-then-insert trigger safe)."""

from django.db import migrations

HOLDING = "('requested', 'confirmed')"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE lending_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    f"(resource_id WITH =, tstzrange(start_at, end_at) WITH &&) WHERE (status IN {HOLDING})",
]
POSTGRES_UNDO = ["ALTER TABLE lending_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"]

_OVERLAP = (
    "SELECT 1 FROM lending_booking b WHERE b.resource_id = NEW.resource_id "
    f"AND b.status IN {HOLDING} AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at"
)
SQLITE = [
    "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON lending_booking "
    f"WHEN NEW.status IN {HOLDING} AND EXISTS ({_OVERLAP}) "
    "BEGIN SELECT RAISE(ABORT, 'booking_no_overlap'); END",
    "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF start_at, end_at, status, "
    f"resource_id ON lending_booking WHEN NEW.status IN {HOLDING} AND EXISTS ({_OVERLAP} "
    "AND b.id != NEW.id) BEGIN SELECT RAISE(ABORT, 'booking_no_overlap'); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS booking_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("lending", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
