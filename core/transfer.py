"""What the apps' transfer pieces share (a structure as one JSON document: see www.transfer).

Each app exports its own rows as plain dicts, naming people by user id (the top floor swaps
ids for the document's keys once everyone is known) and rows by local references ("r1", "m1",
"t1"); on import it creates its rows and records the new ones in the id map.
"""

from django.utils.dateparse import parse_date, parse_datetime


class ImportRefused(ValueError):
    """The document cannot be imported (explained in the message)."""


def dt(value):
    return value.isoformat() if value is not None else None


def parse_dt(value):
    return parse_datetime(value) if value else None


def parse_day(value):
    return parse_date(value) if value else None


def grouped(rows, key):
    """{value of `key`: [rows with it]}, in the rows' order."""
    result = {}
    for row in rows:
        result.setdefault(getattr(row, key), []).append(row)
    return result


class Refs:
    """Local references for the rows of one kind ("m1", "m2"…), and for ids that only remain
    inside versions ("m-gone-1"…)."""

    def __init__(self, prefix):
        self.prefix, self.refs, self.gone = prefix, {}, {}

    def new(self, pk):
        self.refs[pk] = f"{self.prefix}{len(self.refs) + 1}"
        return self.refs[pk]

    def __getitem__(self, pk):
        return None if pk is None else self.refs[pk]

    def in_version(self, pk):
        if pk in self.refs:
            return self.refs[pk]
        if pk not in self.gone:
            self.gone[pk] = f"{self.prefix}-gone-{len(self.gone) + 1}"
        return self.gone[pk]


class ExportRefs:
    """During an export: the people met (`people.add(user_id)` returns the id) and the local
    references of roles, missions and tasks."""

    def __init__(self, people):
        self.people = people
        self.roles, self.missions, self.tasks = Refs("r"), Refs("m"), Refs("t")


class ImportIds:
    """During an import: the rows created so far, by the document's keys and references."""

    def __init__(self, people):
        self.people = people  # document key → user
        self.roles, self.missions, self.tasks = {}, {}, {}
        self.stamped = []  # (model, pk, {created_at, updated_at}) to restore after the inserts

    def person(self, key):
        if key is None:
            return None
        if key not in self.people:
            raise ImportRefused(f"{key!r} is not in the document's people.")
        return self.people[key]

    def stamp(self, row, values):
        self.stamped.append((type(row), row.pk, values))

    def restore_stamps(self):
        # created_at / updated_at are set on insert (auto_now): put back the document's values.
        for model, pk, values in self.stamped:
            model.objects.filter(pk=pk).update(
                created_at=parse_dt(values["created_at"]),
                updated_at=parse_dt(values["updated_at"]),
            )
