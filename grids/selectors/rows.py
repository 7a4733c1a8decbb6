"""Plain SQL rows as model instances, for the few hot reads where the ORM's Python cost
(compiling the query, building objects field by field) dwarfs the SQL's own (see
cards.py). The columns selected come from the models' field lists, values pass
through the ORM's converters (dates on SQLite, for one), and each row becomes the
instances a queryset would give (`from_db`): callers read them as usual.
"""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models.expressions import Col


class Columns:
    """Fields of one model under a table alias in a SELECT, and the instance a row's
    slice of them makes (None for the empty side of an outer join)."""

    def __init__(self, model: type[models.Model], alias: str, names: Sequence[str] = ()):
        self.model = model
        # from_db wants the values in the model's field order.
        self.fields = [f for f in model._meta.concrete_fields if not names or f.name in names]
        self.attnames = [f.attname for f in self.fields]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)
        self._converters: dict[str, list] = {}

    def converters(self) -> list[tuple[int, Col, list]]:
        """(position, column, converters) of the fields whose values the backend converts."""
        if connection.vendor not in self._converters:
            found = []
            for position, field in enumerate(self.fields):
                col = field.get_col(field.model._meta.db_table)
                functions = connection.ops.get_db_converters(col) + col.get_db_converters(
                    connection
                )
                if functions:
                    found.append((position, col, functions))
            self._converters[connection.vendor] = found
        return self._converters[connection.vendor]

    def instance(self, values: list) -> models.Model | None:
        if values[0] is None:
            return None
        for position, col, functions in self.converters():
            for convert in functions:
                values[position] = convert(values[position], col, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


def fetch(sql: str, params: Sequence, columns: Sequence[Columns]) -> list[list]:
    """Each row as one model instance per `columns`, then any further values as they
    come (an EXISTS, a count)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        values, start = [], 0
        for c in columns:
            end = start + len(c.fields)
            values.append(c.instance(list(row[start:end])))
            start = end
        values.extend(row[start:])
        result.append(values)
    return result
