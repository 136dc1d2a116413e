"""BI pages and CSVs: parse the range, build a Report, render. Staff with analytics.analytics only."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .dates import PRESET_DAYS, BadRange, last_days, parse_range
from .pages import PAGE_BY_KEY, PAGES
from .queries import Report
from .tables import TABLES

PERMISSION = "analytics.analytics"


def analytics_required(view):
    """Anonymous: to the login page. Signed in but not staff, or staff without the permission: 403."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if not (request.user.is_staff and request.user.has_perm(PERMISSION)):
            raise PermissionDenied(_("You need the analytics permission to see the BI."))
        return view(request, *args, **kwargs)

    return login_required(guarded)


@analytics_required
def page(request: HttpRequest, key: str = "overview") -> HttpResponse:
    bi_page = PAGE_BY_KEY[key]
    try:
        rng = parse_range(request.GET)
    except BadRange as exc:
        return render(request, "analytics/bad_range.html", {"message": str(exc), "page": bi_page}, status=400)
    report = Report(rng)
    base = reverse(f"analytics:{key}")
    context = {
        "page": bi_page,
        "pages": PAGES,
        "range": rng,
        "presets": [(days, last_days(days).query(), last_days(days) == rng) for days in PRESET_DAYS],
        "cards": bi_page.cards(report),
        "tables": [TABLES[name](report) for name in bi_page.tables],
        "base_url": base,
    }
    return render(request, "analytics/page.html", context)


@analytics_required
def table_csv(request: HttpRequest, key: str) -> HttpResponse:
    build = TABLES.get(key)
    if build is None:
        raise Http404(_("There is no BI table called “%(key)s”.") % {"key": key})
    try:
        rng = parse_range(request.GET)
    except BadRange as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    table = build(Report(rng))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"smartcart-{key}-{rng.first.isoformat()}-{rng.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return response
