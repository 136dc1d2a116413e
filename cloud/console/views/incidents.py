"""Incidents: the list with its filters, and one incident with its events."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from cloud.incidents.models import Incident

from ..access import ops_page
from ..forms import IncidentFilterForm

PER_PAGE = 100


def filtered_incidents(form: IncidentFilterForm):
    rows = Incident.objects.select_related("store").order_by("-opened_at", "-id")
    if not form.is_valid():
        return rows
    data = form.cleaned_data
    if data.get("state"):
        rows = rows.filter(state=data["state"])
    if data.get("severity"):
        rows = rows.filter(severity=data["severity"])
    if data.get("store"):
        rows = rows.filter(store__code=data["store"])
    return rows


@ops_page
def incidents(request):
    form = IncidentFilterForm(request.GET or None)
    page = Paginator(filtered_incidents(form), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "console/incidents.html", context)


@ops_page
def incident_page(request, pk: int):
    incident = get_object_or_404(Incident.objects.select_related("store"), pk=pk)
    context = {"incident": incident, "events": incident.events.all()}
    return render(request, "console/incident.html", context)
