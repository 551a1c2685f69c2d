"""Each app's piece of the structure document exports its own rows and imports them back
the same (www.transfer only assembles them)."""

from core.transfer import ExportRefs, ImportIds
from facilitation import transfer as facilitation_transfer
from missions import transfer as missions_transfer
from roles import transfer as roles_transfer
from sheets import transfer as sheets_transfer
from structures import transfer as structures_transfer
from tests.test_export_import import _live_a_little


class _Ids:
    """People by user id, as the pieces name them before the document swaps in keys."""

    def add(self, user_id):
        return user_id


def _export(structure):
    refs = ExportRefs(_Ids())
    own = structures_transfer.export_rows(structure, refs)
    roles = roles_transfer.export_roles(structure, refs)
    parts = {
        "missions": missions_transfer.export_rows(list(roles), refs),
        "sheets": sheets_transfer.export_sheets(list(roles), refs),
    }
    return {
        "structure": own,
        "roles": list(roles.values()),
        "missions": list(parts["missions"].values()),
        "sheets": list(parts["sheets"].values()),
        "reviews": facilitation_transfer.export_rows(structure, refs),
    }


def test_each_piece_round_trips_its_rows(world):
    _live_a_little(world)
    before = _export(world.structure)
    assert before["roles"] and before["missions"][0]["proposals"]
    assert before["sheets"][0]["versions"] and before["reviews"][0]["recommendations"]

    own = before["structure"]
    copy = {**own, "structure": {**own["structure"], "slug": "escale-copy"}}
    people = {m.user_id: m.user for m in world.structure.memberships.all()}
    people |= {u.pk: u for u in type(world.manager).objects.all()}
    ids = ImportIds(people)
    structure = structures_transfer.import_rows(copy, ids)
    role_documents = [
        {**role, **missions, **sheets}
        for role, missions, sheets in zip(
            before["roles"], before["missions"], before["sheets"], strict=True
        )
    ]
    roles_transfer.import_roles(structure, role_documents, ids)
    missions_transfer.import_rows(role_documents, ids)
    sheets_transfer.import_sheets(role_documents, ids)
    facilitation_transfer.import_rows(structure, before["reviews"], ids)
    ids.restore_stamps()
    structure.refresh_from_db()  # its created_at was put back by an update

    after = _export(structure)
    assert after["structure"]["structure"]["slug"] == "escale-copy"
    after["structure"]["structure"]["slug"] = "escale"
    for piece in before:
        assert after[piece] == before[piece], piece
