"""Fast inserts of many rows for the demo generator.

`QuerySet.bulk_create` builds a model instance per row and compiles every value through
the SQL compiler; for the demo's 600,000 rows that costs more than the database itself
(profiled: about 80% of the time). `insert_rows` keeps what matters from the ORM — table
and column names, defaults, and each field's own conversion to a database value — and
hands plain tuples to the driver: executemany on SQLite, COPY on PostgreSQL (psycopg 3),
in chunks. Signals are not sent and model validation is not run: the generator only
writes values it made itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connections, models

CHUNK = 20_000
# Field types whose Python value needs the field's conversion before it reaches the driver;
# str, int, bool and None pass through unchanged on both databases.
CONVERTED_TYPES = frozenset(
    {"DateTimeField", "DateField", "TimeField", "JSONField", "DecimalField", "UUIDField"}
)


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence], *, now
) -> int:
    """Insert `rows` (tuples of values for the fields `names`, foreign keys as ids) into
    `model`'s table. Columns not named get their default, computed once for all rows
    (auto_now fields get `now`); an auto-increment primary key is left to the database.
    Returns the number of rows."""
    # The connection itself, not the thread-local proxy: it is asked for every value.
    connection = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    given = [opts.get_field(name) for name in names]
    rest = [
        f
        for f in opts.concrete_fields
        if f not in given and not (f.primary_key and isinstance(f, models.AutoField))
    ]
    constants = tuple(
        f.get_db_prep_save(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default(),
            connection,
        )
        for f in rest
    )
    convert = [
        (i, f.get_db_prep_save)
        for i, f in enumerate(given)
        if f.get_internal_type() in CONVERTED_TYPES
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *rest])
    placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608

    def prepared(chunk):
        # Rows written one after the other often share a value (the gifts of one person
        # share their moment): the very same object is converted once.
        last = [(None, None)] * len(convert)
        for row in chunk:
            if convert:
                row = list(row)
                for n, (i, prepare) in enumerate(convert):
                    value = row[i]
                    seen, result = last[n]
                    if value is None or value is not seen:
                        result = prepare(value, connection)
                        last[n] = (value, result)
                    row[i] = result
            yield (*row, *constants)

    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        # PostgreSQL with psycopg 3: COPY, several times faster than INSERTs.
        copy = getattr(cursor.cursor, "copy", None) if connection.vendor == "postgresql" else None
        while chunk := list(islice(iterator, CHUNK)):
            if copy is not None:
                copy_sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
                with copy(copy_sql) as stream:
                    for row in prepared(chunk):
                        stream.write_row(row)
            else:
                cursor.executemany(sql, list(prepared(chunk)))
            count += len(chunk)
    return count
