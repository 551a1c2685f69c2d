"""The counters of a structure's role sheets, read with the structure (pages that list its
sheets are cached on them: the structure page, the portfolio)."""

from django.db.models import BigIntegerField

from core.sql import OuterColumnSQL
from structures.access import Extra

from .models import Role

_TABLE = Role._meta.db_table
_COUNTER = Role._meta.get_field("sheet_counter").column
_STRUCTURE = Role._meta.get_field("structure").column
# A fixed fragment: the structure page and the portfolio ask it at every request (core/sql.py).
_TOTAL_SQL = (
    f"COALESCE((SELECT SUM(rr.{_COUNTER}) FROM {_TABLE} rr"  # noqa: S608 - names from _meta
    f" WHERE rr.{_STRUCTURE} = {{column}}), 0)"
)


def with_sheets_total(structures):
    """`structures` annotated with `sheets_total`, the sum of their roles' `sheet_counter`.

    Read with `Structure.page_counter`, it names one state of all the sheets: the page
    counter moves whenever a role is created, removed or moved (roles/migrations), so two
    moments with the same page counter have the same roles; between them every write to a
    sheet raised one of their counters, which never go down, so the sum only grew. A count
    of the roles would add nothing, and a sum does not depend on any order.
    """
    return structures.annotate(
        sheets_total=OuterColumnSQL(_TOTAL_SQL, "pk", [], output_field=BigIntegerField())
    )


def sheets_total():
    """`with_sheets_total`'s figure, for `structures.access.fetch_one_for_user`."""
    return Extra("sheets_total", _TOTAL_SQL, "pk", (), int)


def sheets_total_sql(column):
    """`with_sheets_total`'s figure for the structure `column`, as SQL."""
    return _TOTAL_SQL.format(column=column)
