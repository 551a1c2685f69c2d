"""Facilitation pages: the facilitator's portfolio, a structure's report as CSV, and the
platform overview for its admins."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from checkins.trends import PERIODS, structure_trends
from core.fragments import cached_fragment, fragment_key, render_page
from core.security_log import security_log
from roles.models import PEER_SHARE_THRESHOLD
from structures.access import get_structure_for_user

from .exports import report_filename, write_report
from .overview import RECENT_DAYS, platform_counts
from .portfolio import Sort, portfolio_rows, supported_counters


class PortfolioForm(forms.Form):
    """Sort and filter, as GET parameters: works without JavaScript, a link can be shared."""

    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    warnings_only = forms.BooleanField(
        label=_("Only structures with a warning"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def options(self):
        """The valid choices, or the defaults (an unknown value is ignored, not an error)."""
        cleaned = self.cleaned_data if self.is_valid() else {}
        return {
            "sort": cleaned.get("sort") or Sort.NAME,
            "warnings_only": cleaned.get("warnings_only", False),
        }


def portfolio(request):
    """The structures the person supports today, with the indicators of their roles.

    Rendered once per state of what it shows, named by counters alone: the structures
    supported today, each with its page counter (which reviews, recommendations, memberships
    and supports move) and the sum of its sheets' counters (roles/counters.py; proposals and
    their discussion move those), for this person (what waits is theirs), today (reviews fall
    due, "3 days ago"), in the sort asked for.
    """
    form = PortfolioForm(request.GET)
    options = form.options()
    if not form.is_valid():
        form = PortfolioForm(initial=options)
    structures = supported_counters(request.user)

    def get_context():
        portfolio = portfolio_rows(request.user, **options)
        # The figures beside each structure's trend charts, in one query (the charts
        # themselves come through their own URLs).
        trends = structure_trends([row.structure.pk for row in portfolio.rows])
        for row in portfolio.rows:
            row.trend = trends[row.structure.pk]
        return {
            "form": form,
            "rows": portfolio.rows,
            "n_supported": portfolio.n_supported,
            "filtered": options["warnings_only"],
            "threshold": PEER_SHARE_THRESHOLD,
            "periods": PERIODS,
        }

    key = fragment_key(
        "portfolio",
        sorted(options.items()),
        request.user.pk,
        request.user.is_staff,
        structures,
    )
    return render_page(
        request,
        "facilitation/portfolio.html",
        {
            "content": cached_fragment(
                request, key, "facilitation/portfolio.html#content", get_context
            )
        },
    )


def report_csv(request, slug):
    """The structure's roles, missions, tasks and indicators, for its managers and its
    facilitator. Peer workers read their sheets on the site (403 here)."""
    structure, access = get_structure_for_user(request.user, slug)
    access.require(access.is_manager or access.is_facilitator)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{report_filename(structure)}"',
            "Cache-Control": "no-store",
        },
    )
    write_report(structure, response)
    security_log("export", request=request, kind="structure_report", structure=structure.pk)
    return response


def platform_overview(request):
    """Totals across the platform, for its admins; others get 404 (the page is not revealed)."""
    if not request.user.is_staff:
        raise Http404
    return render(
        request,
        "facilitation/platform_overview.html",
        {"counts": platform_counts(), "recent_days": RECENT_DAYS},
    )
