"""Pages of the documents floor: a sheet downloaded as a Word or LibreOffice file.

Whoever may read a role sheet may download it, as for its PDF (roles.access)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from roles.access import get_role_for_user
from sheets.models import RoleSheetVersion
from sheets.printed import cached_sheet_file, cached_version_file, current_sheet, frozen_version

from .writing import FORMATS


def _download(content, fmt, name):
    response = HttpResponse(content, content_type=FORMATS[fmt][1])
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "role"}.{fmt}"'
    return response


def sheet_file(request, role_id, fmt):
    """The sheet as it is now, in the reader's language (a draft says so, as the PDF does)."""
    role, _access = get_role_for_user(request.user, role_id)
    render = FORMATS[fmt][0]
    content = cached_sheet_file(role, fmt, lambda *a, **kw: render(current_sheet(*a, **kw)))
    return _download(content, fmt, f"{role.structure.name} {role.title}")


def version_file(request, role_id, number, fmt):
    """Version `number` exactly as it was frozen, with its signatures."""
    role, _access = get_role_for_user(request.user, role_id)
    version = get_object_or_404(RoleSheetVersion, role=role, number=number)
    render = FORMATS[fmt][0]
    content = cached_version_file(
        role, version, fmt, lambda *a, **kw: render(frozen_version(*a, **kw))
    )
    title = version.snapshot["role"]["title"]
    return _download(content, fmt, f"{role.structure.name} {title} v{version.number}")
