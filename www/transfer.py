"""A structure as one JSON document, and back (`export_structure` / `import_structure`).

The document holds the structure, its memberships and facilitator supports, its roles with their
assignments, missions, daily tasks, proposals (with comments), versions (with signatures) and
history, and its reviews with their recommendations. It holds no database id: people are named
by e-mail address, roles, missions and tasks by references local to the file ("r1", "m1",
"t1"), so importing into another database and exporting again gives the same document.

- People are created on import when no account has their address, with an unusable password
  (they choose one with "Forgotten password?"). An existing account is used as it is.
- Erased people (www.privacy) have no address: the file numbers them ("erased-1@…") and
  the import creates a new anonymous account for each.
- Versions keep their content; the mission and task ids inside it are rewritten, so that
  comparing versions and the current sheet works after the import. Missions and tasks removed
  since a version was made ("m-gone-1") get negative ids, which no real row ever has.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from core.transfer import ExportRefs, ImportIds, ImportRefused
from facilitation import transfer as facilitation_transfer
from missions import transfer as missions_transfer
from roles import transfer as roles_transfer
from sheets import transfer as sheets_transfer
from structures import transfer as structures_transfer
from structures.models import ERASED_EMAIL_DOMAIN, Structure

from .privacy import erased_email

__all__ = ["FORMAT", "VERSION", "ImportRefused", "export_structure", "import_structure"]

FORMAT = "peerwork-structure"
VERSION = 1


# --- export ----------------------------------------------------------------------------------


class _People:
    """The people a document names, by user id; keys are assigned once all are known."""

    def __init__(self):
        self.ids = set()

    def add(self, user_id):
        if user_id is not None:
            self.ids.add(user_id)
        return user_id

    def resolve(self):
        users = sorted(get_user_model().objects.filter(pk__in=self.ids), key=lambda u: u.pk)
        self.keys, entries, erased = {}, [], 0
        for user in users:
            if user.is_erased:
                erased += 1
                key = f"erased-{erased}@{ERASED_EMAIL_DOMAIN}"
            else:
                key = user.email
            self.keys[user.pk] = key
            entries.append(
                {
                    "email": key,
                    "full_name": user.full_name,
                    "language": user.language,
                    "is_active": user.is_active,
                    "erased": user.is_erased,
                }
            )
        # Erased people last, in the order of their numbers (the import creates them in this
        # order, so that exporting again numbers them the same way).
        named = sorted((e for e in entries if not e["erased"]), key=lambda e: e["email"])
        return named + [e for e in entries if e["erased"]]

    def __getitem__(self, user_id):
        return None if user_id is None else self.keys[user_id]


def export_structure(structure):
    """The structure as a JSON-able document (see the module's docstring)."""
    refs = ExportRefs(_People())
    own = structures_transfer.export_rows(structure, refs)
    roles = roles_transfer.export_roles(structure, refs)
    role_ids = list(roles)
    for part in (
        missions_transfer.export_rows(role_ids, refs),
        sheets_transfer.export_sheets(role_ids, refs),
    ):
        for role_id, values in part.items():
            roles[role_id].update(values)
    reviews = facilitation_transfer.export_rows(structure, refs)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "structure": own["structure"],
        "people": refs.people.resolve(),
        "memberships": own["memberships"],
        "supports": own["supports"],
        "roles": list(roles.values()),
        "reviews": reviews,
    }
    # The pieces named people by user id, collected meanwhile: swap ids for keys.
    for name in ("memberships", "supports", "roles", "reviews"):
        _people_to_keys(document[name], refs.people)
    document["memberships"].sort(key=lambda entry: entry["person"])
    return document


_PERSON_FIELDS = {
    "updated_by",
    "peer_worker",
    "assigned_by",
    "author",
    "decided_by",
    "requested_by",
    "signer",
    "actor",
    "person",
    "facilitator",
    "followed_up_by",
    "by",
}
_NESTED_LISTS = {
    "assignments",
    "missions",
    "tasks",
    "proposals",
    "comments",
    "versions",
    "signatures",
    "history",
    "recommendations",
    "reviews",
    "early_requests",
}


def _people_to_keys(node, people):
    """Replace user ids by people's keys in the person fields of a part of the document (in
    place). The versions' content and the proposals' values are left alone."""
    if isinstance(node, list):
        for item in node:
            _people_to_keys(item, people)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _PERSON_FIELDS:
                node[key] = people[value]
            elif key in _NESTED_LISTS:
                _people_to_keys(value, people)


# --- import ----------------------------------------------------------------------------------


def _create_person(entry):
    User = get_user_model()
    if entry.get("erased"):
        user = User.objects.create_user(
            f"importing-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}", None, is_active=False
        )
        user.email = erased_email(user.pk)
        user.save(update_fields=["email"])
        return user
    existing = User.objects.filter(email__iexact=entry["email"]).first()
    if existing is not None:
        return existing
    return User.objects.create_user(
        entry["email"],
        None,  # unusable: the person chooses a password with "Forgotten password?"
        full_name=entry.get("full_name", ""),
        language=entry.get("language", ""),
        is_active=entry.get("is_active", True),
    )


@transaction.atomic
def import_structure(document):
    """Create the structure of `document` (from export_structure) with everything in it.
    Raises ImportRefused when the document is not one, or the structure exists already."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f"Not a {FORMAT} document.")
    if document.get("version") != VERSION:
        raise ImportRefused(f"Unknown version {document.get('version')!r} (expected {VERSION}).")
    slug = document["structure"]["slug"]
    if Structure.objects.filter(slug=slug).exists():
        raise ImportRefused(f"A structure with the short name {slug!r} exists already.")

    ids = ImportIds({entry["email"]: _create_person(entry) for entry in document["people"]})
    structure = structures_transfer.import_rows(document, ids)
    roles_transfer.import_roles(structure, document["roles"], ids)
    missions_transfer.import_rows(document["roles"], ids)
    sheets_transfer.import_sheets(document["roles"], ids)
    facilitation_transfer.import_rows(structure, document["reviews"], ids)
    ids.restore_stamps()
    return structure
