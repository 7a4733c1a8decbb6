"""Plain SQL rows as model instances, for the few hot reads where the ORM's Python cost
(compiling the query, building objects field by field) dwarfs the SQL's own (see
cards.py). The columns selected come from the models' field lists, values pass
through the ORM's converters (dates on SQLite, for one), and each row becomes the
instances a queryset would give (`from_db`): callers read them as usual.

Like a queryset, a read runs on the connection the database routers choose for its
model (`reader`: a read replica, with a router that sends reads there), and the
statement names its tables by the models' `db_table`, quoted by that connection.

With `prepared=True` (`prepared_cursor`), PostgreSQL parses and plans a statement once
per connection and keeps it: for the reads a page repeats all day on pooled
connections (the board feed, a unit's queue), where planning cost more than running.
"""

from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.expressions import Col


def reader(model: type[models.Model]) -> BaseDatabaseWrapper:
    """The connection a queryset of `model` would read from (DATABASE_ROUTERS'
    `db_for_read`; the default database without routers)."""
    return connections[router.db_for_read(model)]


class Columns:
    """Fields of one model under a table alias in a SELECT, and the instance a row's
    slice of them makes (None for the empty side of an outer join). With `shared`, rows
    naming the same object get the same instance (a page's authors and buildings
    repeat; prefetch_related shares its objects the same way)."""

    def __init__(
        self,
        model: type[models.Model],
        alias: str,
        names: Sequence[str] = (),
        *,
        shared: bool = False,
    ):
        self.model = model
        # from_db wants the values in the model's field order.
        self.fields = [f for f in model._meta.concrete_fields if not names or f.name in names]
        self.attnames = [f.attname for f in self.fields]
        self.alias = alias
        self.shared = shared
        self._converters: dict[str, list[tuple[int, Col, list]]] = {}

    def select(self, db: BaseDatabaseWrapper) -> str:
        """The select list: `alias."column", …`."""
        quote = db.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def converters(self, db: BaseDatabaseWrapper) -> list[tuple[int, Col, list]]:
        """(position, column, functions) of the fields whose values the backend converts."""
        if db.vendor not in self._converters:
            found = []
            for position, field in enumerate(self.fields):
                col = field.get_col(field.model._meta.db_table)
                functions = db.ops.get_db_converters(col) + col.get_db_converters(db)
                if functions:
                    found.append((position, col, functions))
            self._converters[db.vendor] = found
        return self._converters[db.vendor]


class Sql:
    """A statement's text for the connection that runs it, made once per kind of database
    (quoting is the backend's). In the template, each keyword names a model's table
    (`{post}` for `post=Post`), a `Columns` select list (`{POST}` for `POST=Columns(…)`)
    or a constant written as given (`{visible}` for `visible=literal(…)`);
    doubled braces are left for the caller's own `format` (`{{ids}}`)."""

    def __init__(self, template: str, **names: type[models.Model] | Columns | str):
        self.template = template
        self.names = names
        self._text: dict[str, str] = {}

    def text(self, db: BaseDatabaseWrapper) -> str:
        text = self._text.get(db.vendor)
        if text is None:
            quote = db.ops.quote_name
            text = self.template.format(
                **{
                    name: value.select(db)
                    if isinstance(value, Columns)
                    else value
                    if isinstance(value, str)
                    else quote(value._meta.db_table)
                    for name, value in self.names.items()
                }
            )
            self._text[db.vendor] = text
        return text


def literal(*values: str) -> str:
    """The code's own constants (a choice's value, never input) written into a statement,
    comma-separated: where a prepared statement's plan must see them, as in a partial
    index's condition (`state = 'visible'`), which a parameter would hide."""
    if not all(value.isidentifier() for value in values):
        raise ValueError(f"not a plain constant: {values}")
    return ", ".join(f"'{value}'" for value in values)


def fast_timestamps(db: BaseDatabaseWrapper, cursor) -> None:
    """On PostgreSQL with the connection in UTC (Django's way with USE_TZ), read timestamps
    with psycopg's own compiled loader instead of Django's Python subclass of it: the
    same aware datetimes in UTC, at a quarter of the CPU (a feed page reads about 60, a
    queue page 140)."""
    if db.vendor != "postgresql" or not settings.USE_TZ or db.timezone_name != "UTC":
        return
    from psycopg import adapters
    from psycopg.pq import Format

    oid = adapters.types["timestamptz"].oid
    cursor.cursor.adapters.register_loader(oid, adapters.get_loader(oid, Format.TEXT))


def prepared_cursor(db: BaseDatabaseWrapper):
    """A cursor of `db` whose statements PostgreSQL prepares on first use and reuses on
    the same connection (psycopg's server-side binding with `prepare=True`; Django's own
    cursors bind on the client, which nothing can prepare). Queries still pass through
    Django's cursor wrapper, so they are counted and logged as any other. Without
    DATABASE_PREPARED (settings: the connection's `prepare_threshold` is None), or on
    another database, `db.cursor()`."""
    if db.vendor != "postgresql" or not hasattr(db.Database, "ClientCursor"):  # psycopg 2
        return db.cursor()
    db.ensure_connection()
    if db.connection.prepare_threshold is None:
        return db.cursor()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        cursor = _preparing_cursor_class()(db.connection)
    return _LoggedCursor(cursor, db) if db.queries_logged else db.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug wrapper (DEBUG, tests' query counts), logging the statement with its
    values as a client-bound one is logged: a prepared statement's run leaves no text
    where Django looks for it."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


@cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def fetch(
    db: BaseDatabaseWrapper,
    sql: str,
    params: Sequence,
    columns: Sequence[Columns],
    *,
    prepared: bool = False,
) -> list[list]:
    """Each row as one model instance per `columns`, then any further values as they
    come (an EXISTS, a count), read on `db` (see `reader`); `prepared`: see
    `prepared_cursor`."""
    with prepared_cursor(db) if prepared else db.cursor() as cursor:
        fast_timestamps(db, cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    plan = []
    start = 0
    for c in columns:
        plan.append((c, start, start + len(c.fields), c.converters(db), {}))
        start += len(c.fields)
    result = []
    for row in rows:
        objects: list = []
        for c, begin, end, converters, seen in plan:
            values = list(row[begin:end])
            if values[0] is None:
                objects.append(None)
                continue
            if c.shared and values[0] in seen:
                objects.append(seen[values[0]])
                continue
            for position, col, functions in converters:
                for convert in functions:
                    values[position] = convert(values[position], col, db)
            instance = c.model.from_db(db.alias, c.attnames, values)
            if c.shared:
                seen[values[0]] = instance
            objects.append(instance)
        objects.extend(row[start:])
        result.append(objects)
    return result
