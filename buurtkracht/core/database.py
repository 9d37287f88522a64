from django.db import DatabaseError, connection
from django.utils.translation import gettext as _


def database_problem() -> str | None:
    """None when the database answers; otherwise a plain message saying what to do."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (DatabaseError, OSError) as error:
        vendor = connection.vendor
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return _(
            "The database cannot be reached (%(vendor)s): %(error)s\n"
            "Check DATABASE_URL, and that the database server is running."
        ) % {"vendor": vendor, "error": first_line}
    return None


def analyze(using: str = "default") -> None:
    """Refresh the planner's statistics after bulk writes (the demo, imports, migrations):
    with autovacuum off, or before it runs, PostgreSQL would plan a 100,000-row table as
    if it were empty (sequential scans, JIT compilation of a cost it overestimates)."""
    from django.db import connections

    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("ANALYZE")
        elif conn.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
