"""A role sheet as it is printed, in no file format: what the PDF (sheets/pdf.py) and the Word
and LibreOffice files (documents/writing.py) all show, in the same order.

Two printed sheets:
- the sheet as it is now (`current_sheet`): when it is not the adopted version, it says it is
  a draft on every page, and the signatures are not printed under it;
- one version exactly as it was frozen (`frozen_version`), with a signature block: who signed,
  in which capacity, when, and the version's fingerprint.

Text is kept as typed (with what cannot be printed removed); each format escapes it its own way.
Each file is made once per state of what it prints (`cached_sheet_file`, `cached_version_file`).
"""

import re
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.fragments import FRAGMENT_SECONDS, fragment_key
from core.singleflight import cached_build
from sheets.models import RoleSheetVersion, Signature
from structures.models import Membership

from .sheet import sheet_content
from .snapshots import diff, for_display, snapshot

# Characters a document cannot carry or a font cannot draw (controls, lone surrogates).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def printable(text):
    """`text` with what cannot be printed removed, its line ends as "\\n"."""
    return _UNPRINTABLE.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class Block:
    """One piece of the sheet's body. `kind` is one of:
    "section" (a heading: Raison d'être, Frame, Missions), "mission" (a numbered mission's
    title), "text" (a paragraph), "label" and "value" (a labelled field), "task" (`text` the
    action, `detail` how often and how long)."""

    kind: str
    text: str
    detail: str = ""


@dataclass(frozen=True)
class SignatureBlock:
    heading: str
    lines: list
    fingerprint_note: str


@dataclass(frozen=True)
class PrintedSheet:
    structure: str
    kicker: str  # "L'Escale · Role sheet (job description)"
    title: str
    status: str  # who holds the role, which version this is, when it was printed
    banner: str  # printed at the top of every page ("" when the text is the adopted one)
    body: list = field(default_factory=list)
    signatures: SignatureBlock | None = None

    @property
    def footer(self):
        return f"{self.structure} — {self.title}".replace("\n", " ")


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def sheet_body(data):
    """The blocks of a snapshot's content, empty sections left out."""
    sheet = for_display(data)
    role, body = sheet["role"], []

    def add(kind, text, detail=""):
        body.append(Block(kind, printable(text), printable(detail)))

    def labelled(label, value):
        if value.strip():
            add("label", label)
            add("value", value)

    if role["purpose"].strip():
        add("section", _("Raison d'être"))
        add("text", role["purpose"])
    frame = [
        (_("People accompanied"), role["people_served"]),
        (_("Working time"), role["working_hours"]),
        (_("Supervision and practice analysis"), role["supervision"]),
        (_("Lived experience called on"), role["lived_experience"]),
    ]
    if any(value.strip() for _label, value in frame):
        add("section", _("Frame of the role"))
        for label, value in frame:
            labelled(label, value)
    if sheet["missions"]:
        add("section", _("Missions"))
    for number, mission in enumerate(sheet["missions"], start=1):
        add("mission", f"{number}. {mission.title}")
        if mission.description.strip():
            add("text", mission.description)
        labelled(_("How lived experience serves this mission"), mission.lived_experience)
        labelled(_("Includes"), mission.includes)
        labelled(_("Does not include"), mission.excludes)
        labelled(_("Latitude"), capfirst(mission.latitude))
        if mission.tasks:
            add("label", _("Daily tasks"))
        for task in mission.tasks:
            add("task", task.action, task.time)  # worded once, by missions.timing
    return body


def _signature_block(number, lines, fingerprint):
    return SignatureBlock(
        heading=_("Signatures of version %(number)s") % {"number": number},
        lines=[printable(line) for line in lines],
        fingerprint_note=_(
            "Fingerprint of version %(number)s: %(fingerprint)s. The platform shows the "
            "same fingerprint on the page of this version: if they differ, this copy is "
            "not the text of this version."
        )
        % {"number": number, "fingerprint": fingerprint},
    )


def _printed(data, *, structure, holders, status, banner="", signatures=None):
    """`holders` (names) is None when not printed."""
    printed = _("Printed on %(date)s.") % {"date": _date(timezone.now())}
    held = "" if holders is None else f"{_('Held by:')} {', '.join(holders) or _('nobody yet')}\n"
    return PrintedSheet(
        structure=printable(structure),
        kicker=printable(f"{structure} · {_('Role sheet (job description)')}"),
        title=printable(data["role"]["title"]),
        status=printable(f"{held}{status} {printed}"),
        banner=printable(banner),
        body=sheet_body(data),
        signatures=_signature_block(*signatures) if signatures else None,
    )


def capacities_of(structure_id, signatures):
    """Each signatory's capacity in the structure, by user id (one query)."""
    memberships = Membership.objects.filter(
        structure_id=structure_id, user_id__in=[s.signer_id for s in signatures]
    )
    return {m.user_id: m.get_capacity_display() for m in memberships}


def signature_lines(signatures, capacities):
    lines = []
    for signature in signatures:
        who = signature.signer.get_full_name()
        capacity = capacities.get(signature.signer_id)
        who = f"{who} ({capacity})" if capacity else who
        if signature.decision == Signature.Decision.SIGNED:
            answer = _("signed on %(date)s") % {"date": _date(signature.decided_at)}
        elif signature.decision == Signature.Decision.CHANGES_REQUESTED:
            answer = _("asked for changes on %(date)s") % {"date": _date(signature.decided_at)}
        else:
            answer = _("has not signed")
        lines.append(_("%(signatory)s: %(answer)s") % {"signatory": who, "answer": answer})
    return lines


def current_sheet(role, *, adopted, signatures, capacities=None):
    """`role` as it is now (with its missions, tasks, holders and structure prefetched), in the
    active language. `adopted` is its adopted version, if any, and `signatures` that
    version's."""
    data = snapshot(role)
    holders = [a.peer_worker.get_full_name() for a in role.assignments.all()]
    common = {"structure": role.structure.name, "holders": holders}
    if adopted is None:
        status = _("No version of this sheet has been signed by both sides yet.")
        banner = _("Draft — no version of this sheet has been signed by both sides yet")
        return _printed(data, **common, status=status, banner=banner)
    facts = {"number": adopted.number, "date": _date(adopted.adopted_at)}
    if diff(adopted.snapshot, data):
        banner = _("Draft — differs from version %(number)s adopted on %(date)s") % facts
        return _printed(data, **common, status=f"{banner}.", banner=banner)
    lines = signature_lines(signatures, capacities or {})
    return _printed(
        data,
        **common,
        status=_("Version %(number)s, adopted on %(date)s.") % facts,
        signatures=(adopted.number, lines, adopted.short_fingerprint()),
    )


def frozen_version(version, *, structure, signatures, capacities):
    """`version` exactly as it was frozen, with its signature block. Who holds the role now is
    not printed: the signatories say who agreed to this text."""
    facts = {"number": version.number}
    banner = ""
    if version.status == RoleSheetVersion.Status.ADOPTED:
        status = _("Version %(number)s, adopted on %(date)s.") % {
            **facts,
            "date": _date(version.adopted_at),
        }
    elif version.status == RoleSheetVersion.Status.AWAITING:
        banner = _("Version %(number)s — not adopted: waiting for signatures") % facts
        status = f"{banner}."
    else:
        banner = _("Version %(number)s — replaced by a later version") % facts
        status = f"{banner}."
    return _printed(
        version.snapshot,
        structure=structure,
        holders=None,
        status=status,
        banner=banner,
        signatures=(
            version.number,
            signature_lines(signatures, capacities),
            version.short_fingerprint(),
        ),
    )


def signatures_of(version):
    return list(version.signatures.select_related("signer").order_by("decided_at"))


def cached_sheet_file(role, kind, render):
    """The file of `role` (from `get_role_for_user`, with its counter) as it is now, from
    the cache when the sheet has not changed. `kind` names the format; `render` takes the
    arguments of `current_sheet`."""

    def build():
        # What is printed (no health figures: their SQL costs more than the rest of the query).
        full = sheet_content().select_related("structure").get(pk=role.pk)
        adopted = full.versions.filter(status=RoleSheetVersion.Status.ADOPTED).first()
        signatures = signatures_of(adopted) if adopted else []
        capacities = capacities_of(full.structure_id, signatures)
        return render(full, adopted=adopted, signatures=signatures, capacities=capacities)

    # The structure's counter moves with its members' capacities, which the signatures print.
    key = fragment_key(
        f"sheet-{kind}",
        role.pk,
        role.structure.name,
        role.sheet_counter,
        role.structure.page_counter,
    )
    return cached_build(key, build, seconds=FRAGMENT_SECONDS)


def cached_version_file(role, version, kind, render):
    """The file of `version` of `role` (its structure selected); `render` takes the arguments of
    `frozen_version`. The snapshot never changes: the key holds the version's id, and what is
    printed around it (status, signatures with the signatories' names and capacities,
    structure)."""
    signatures = signatures_of(version)
    capacities = capacities_of(role.structure_id, signatures)
    key = fragment_key(
        f"version-{kind}",
        version.pk,
        version.status,
        role.structure.name,
        tuple(
            (s.signer.get_full_name(), capacities.get(s.signer_id), s.decision, s.decided_at)
            for s in signatures
        ),
    )

    def build():
        return render(
            version, structure=role.structure.name, signatures=signatures, capacities=capacities
        )

    return cached_build(key, build, seconds=FRAGMENT_SECONDS)
