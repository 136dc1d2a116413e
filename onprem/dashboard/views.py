"""The live store and the alerts pages (staff only). The cart page is in cart_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import alerts_panel
from .access import staff_page
from .labels import live_labels
from .live import store_snapshot

ALERT_ACTIONS = ("acknowledge", "resolve")


@staff_page
def live(request):
    """Racks, carts and totals, drawn from the snapshot and kept current over /ws/dashboard/."""
    snapshot = {**store_snapshot(), "alerts": alerts_panel.active_summaries()}
    return render(request, "dashboard/live.html", {"snapshot": snapshot, "labels": live_labels()})


@staff_page
def alerts(request):
    return render(request, "dashboard/alerts.html", {
        "active": alerts_panel.active_summaries(),
        "resolved": alerts_panel.recent_resolved(),
    })


@staff_page
@require_POST
def alert_action(request, alert_id: int, action: str):
    """Acknowledge or resolve an alert as the signed-in staff member, then go back."""
    if action not in ALERT_ACTIONS:
        raise Http404("No such action.")
    try:
        summary = alerts_panel.act_on(alert_id, action, request.user)
    except alerts_panel.ActionRefused as exc:  # e.g. already resolved: the alerts app says why
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(summary)  # the live page's buttons (live.js)
    done = _("Alert acknowledged.") if action == "acknowledge" else _("Alert resolved.")
    messages.success(request, done)
    return HttpResponseRedirect(back_to(request, reverse("dashboard:alerts")))


def back_to(request, default: str) -> str:
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return default
