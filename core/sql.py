"""An SQL fragment around one column of the outer query, as an ORM expression.

Django builds and compiles a subquery (`Exists`, `Subquery`) anew on every request, and for the
access checks that every page makes this cost more than the rest of a cached page (about 2 ms
of CPU per page on a 2-core machine, measured by `make bench`). A fixed fragment costs almost
nothing to compile. Use it only for small, stable rules, next to a test that checks the fragment
answers exactly like the ORM definition it mirrors.
"""

from functools import cache

from django.db import connection
from django.db.models import Expression, F


class OuterColumnSQL(Expression):
    """`template` with `{column}` replaced by the compiled `column` (a field path of the outer
    query, joins included) and `params` bound to its `%s` placeholders, in order."""

    def __init__(self, template, column, params, *, output_field):
        super().__init__(output_field=output_field)
        self.template = template
        self.column = F(column) if isinstance(column, str) else column
        self.params = tuple(params)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.template!r}, {self.column!r}, {self.params!r})"

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        if params:  # a column compiles to a name; anything else would misplace the params
            raise ValueError("OuterColumnSQL takes a column, not an expression with parameters")
        return self.template.format(column=sql), self.params


# --- Rows read by fixed SQL, made into model instances as the ORM makes them -----------------


def model_columns(model, alias):
    """The SQL naming `model`'s concrete columns in table alias `alias`, in field order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _converters(model, vendor):
    """Per concrete field of `model`: the column and the functions the ORM passes its values
    through as read from the database (a UUID kept as text on SQLite, say)."""
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        found.append(
            (
                column,
                connection.ops.get_db_converters(column) + column.get_db_converters(connection),
            )
        )
    return tuple(found)


def read_instance(model, values):
    """`values`, read from the columns of `model_columns(model, …)`, as a `model` instance
    loaded like the ORM loads one (`Model.from_db`, values converted alike)."""
    converted = []
    for (column, converters), value in zip(
        _converters(model, connection.vendor), values, strict=True
    ):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    fields = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(connection.alias, fields, converted)
