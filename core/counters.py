"""Counters kept by the database: `Role.sheet_counter` and `Structure.page_counter` grow by
one at every write to a row their pages show. Cached pages are keyed on them
(core/fragments.py), read with the page's first query.

Why triggers rather than Python: a page must never be served stale, whoever writes. Services,
the admin, `QuerySet.update()`, `bulk_create`, Django's cascades (deletes and SET_NULL are
queries of their own), a script or a raw SQL statement all go through the database; only it
sees every one of them, in the writer's transaction. Signals miss `.update()` and bulk writes.

Each app's migrations create the triggers on its own tables (a lower floor never names an
upper floor's tables), with the statements made here for PostgreSQL and SQLite:
- `bump_triggers`: a write to `table` adds one to `column` of the `target` rows whose ids
  `ids` selects, from the written row (`{row}`: the new row, the old one, or both);
- `self_counter`: any update of a row of `table` adds one to its own `column`, whatever value
  the update wrote (a save from a stale instance cannot move a counter back).

Counters only grow, so a value is never seen twice for the same row. Caveat: on SQLite, a
migration that remakes a table (some AlterField) drops its triggers; tests/test_sheet_counter.py
checks that all of them exist, so such a migration must call `install` again.
"""

# ruff: noqa: S608 - the SQL names only our own tables and columns, written in migrations

from dataclasses import dataclass, field

OPERATIONS = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Trigger:
    """A trigger `name` that bumps `target.column` for the ids `ids` (SQL text with `{row}`
    standing for NEW or OLD). `watch`: on UPDATE, only when one of these columns changed."""

    name: str
    table: str
    target: str
    column: str
    ids: str = ""
    on: tuple = OPERATIONS
    watch: tuple = field(default=())
    own: bool = False  # the row's own counter (`self_counter`)

    def _changed(self, vendor):
        if not self.watch:
            return ""
        same = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        return " OR ".join(f"OLD.{c} {same} NEW.{c}" for c in self.watch)

    def _bump(self, op):
        ids = {
            "INSERT": self.ids.format(row="NEW"),
            "DELETE": self.ids.format(row="OLD"),
            "UPDATE": f"{self.ids.format(row='OLD')} UNION {self.ids.format(row='NEW')}",
        }[op]
        return f"UPDATE {self.target} SET {self.column} = {self.column} + 1 WHERE id IN ({ids});"

    def create(self, vendor):
        """The statements that create the trigger on `vendor` ("postgresql" or "sqlite")."""
        if vendor == "postgresql":
            return self._create_postgresql()
        if vendor == "sqlite":
            return self._create_sqlite()
        raise NotImplementedError(f"No counter triggers for {vendor}")

    def drop(self, vendor):
        if vendor == "postgresql":
            return [
                f"DROP TRIGGER IF EXISTS {self.name} ON {self.table};",
                f"DROP FUNCTION IF EXISTS {self.name}();",
            ]
        return [f"DROP TRIGGER IF EXISTS {self.name}_{op.lower()};" for op in self.on]

    def _create_postgresql(self):
        if self.own:
            body = f"NEW.{self.column} := OLD.{self.column} + 1; RETURN NEW;"
            when = "BEFORE UPDATE"
        else:
            branches = " ".join(
                f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{op}' THEN {self._bump(op)}"
                for i, op in enumerate(self.on)
            )
            body = f"{branches} END IF; RETURN NULL;"
            when = "AFTER " + " OR ".join(self.on)
        condition = f" WHEN ({self._changed('postgresql')})" if self.watch else ""
        return [
            f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {body} END $$;",
            f"CREATE TRIGGER {self.name} {when} ON {self.table} FOR EACH ROW{condition} "
            f"EXECUTE FUNCTION {self.name}();",
        ]

    def _create_sqlite(self):
        # SQLite cannot assign NEW in a BEFORE trigger: the row's own counter is set after the
        # update, unless the update itself raised it (then this trigger, even if recursive
        # triggers were on, does not fire again).
        statements = []
        for op in self.on:
            if self.own:
                condition = f"NEW.{self.column} <= OLD.{self.column}"
                action = (
                    f"UPDATE {self.table} SET {self.column} = OLD.{self.column} + 1 "
                    "WHERE id = NEW.id;"
                )
            else:
                condition = self._changed("sqlite") if op == "UPDATE" else ""
                action = self._bump(op)
            when = f" WHEN {condition}" if condition else ""
            statements.append(
                f"CREATE TRIGGER {self.name}_{op.lower()} AFTER {op} ON {self.table} "
                f"FOR EACH ROW{when} BEGIN {action} END;"
            )
        return statements


def bump_triggers(name, *, table, target, column, ids, on=OPERATIONS, watch=()):
    return Trigger(name, table, target, column, ids, tuple(on), tuple(watch))


def self_counter(name, *, table, column):
    return Trigger(name, table, table, column, on=("UPDATE",), own=True)


def install(triggers):
    """A RunPython pair (forward, reverse) creating then dropping `triggers`."""

    def forward(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for trigger in triggers:
            for statement in trigger.create(vendor):
                schema_editor.execute(statement)

    def reverse(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for trigger in reversed(triggers):
            for statement in trigger.drop(vendor):
                schema_editor.execute(statement)

    return forward, reverse


def around_remake(triggers):
    """(before, after) RunPython pairs for a migration that remakes a table on SQLite (an
    AddConstraint, say): `triggers` on that table or naming it are dropped before, and made
    again after (SQLite refuses to rename a table that a trigger names while it is missing).
    On PostgreSQL, where nothing is remade, they are simply made again."""
    create, drop = install(triggers)
    return (drop, create), (create, drop)


def trigger_names(triggers, vendor):
    """The names the database gives `triggers` (to check they all exist)."""
    if vendor == "postgresql":
        return {t.name for t in triggers}
    return {f"{t.name}_{op.lower()}" for t in triggers for op in t.on}
