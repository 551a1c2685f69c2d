"""The counters of a structure's role sheets, read with the structure (pages that list its
sheets are cached on them: the structure page, the portfolio)."""

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Role


def with_sheets_total(structures):
    """`structures` annotated with `sheets_total`, the sum of their roles' `sheet_counter`.

    Read with `Structure.page_counter`, it names one state of all the sheets: the page
    counter moves whenever a role is created, removed or moved (roles/migrations), so two
    moments with the same page counter have the same roles; between them every write to a
    sheet raised one of their counters, which never go down, so the sum only grew. A count
    of the roles would add nothing, and a sum does not depend on any order.
    """
    total = (
        Role.objects.filter(structure=OuterRef("pk"))
        .order_by()
        .values("structure")
        .annotate(total=Sum("sheet_counter"))
        .values("total")
    )
    return structures.annotate(sheets_total=Coalesce(Subquery(total), 0))
