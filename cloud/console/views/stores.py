"""The stores list (health at a glance) and a store's page (components, incidents, history,
on-prem version, remote access and remote actions)."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cloud.commands.errors import StoreCommandError
from cloud.commands.models import StoreCommand
from cloud.commands.services import request_store_command
from cloud.incidents.services import store_history
from cloud.remote.services import may_reach
from cloud.software.services import store_software
from cloud.stores.history import history
from cloud.stores.models import Store
from cloud.stores.services import heartbeat_summary

from .. import board
from ..access import ops_page
from ..forms import REMOTE_ACTIONS, RemoteActionForm, StoreFilterForm
from ..templatetags.console import labels

ACTION_TTL_S = 300
INCIDENTS_SHOWN = 50
RECENT_COMMANDS = 10
CHART_HOURS = (1, 6, 24, 72)


@ops_page
def home(request):
    return redirect("console:stores")


@ops_page
def stores(request):
    form = StoreFilterForm(request.GET or None)
    rows = board.store_rows(form.filters())
    context = {
        "form": form,
        "rows": rows,
        "tally": board.tally(rows),
        "now": timezone.now(),
        # translated once, not once per component dot (1,000 stores × 7 components)
        "words": {"ok": _("ok"), "failing": _("failing")},
    }
    return render(request, "console/stores.html", context)


@ops_page
def store_page(request, code: str):
    store = get_object_or_404(Store, code=code)
    hours = chart_hours(request.GET.get("hours"))
    context = {
        "store": store,
        "summary": heartbeat_summary(store.last_heartbeat),
        "components": board.component_rows(store),
        "incidents": store_history(store, INCIDENTS_SHOWN),
        "software": store_software(store),
        "history": history(store, hours),
        "hours": hours,
        "hour_choices": CHART_HOURS,
        "may_reach": may_reach(user=request.user, store=store),
        "action_form": RemoteActionForm(),
        "commands": recent_commands(store),
        "now": timezone.now(),
        "chart_labels": chart_labels(),
    }
    return render(request, "console/store.html", context)


def chart_labels() -> dict:
    """The words the charts' script writes (translated here, where gettext runs)."""
    return {
        "online": _("online"),
        "failing": _("components failing"),
        "carts_total": _("carts"),
        "carts_online": _("online"),
        "carts_offline": _("offline"),
        "carts_fault": _("in fault"),
        "carts_low_battery": _("low battery"),
    }


def chart_hours(value: str | None) -> int:
    try:
        hours = int(value or 24)
    except ValueError:
        return 24
    return hours if hours in CHART_HOURS else 24


def recent_commands(store: Store) -> list[StoreCommand]:
    names = [name for name, _label in REMOTE_ACTIONS]
    return list(StoreCommand.objects.filter(store=store, name__in=names)[:RECENT_COMMANDS])


@require_POST
@ops_page
def store_action(request, code: str):
    """Send one remote action down the store's tunnel; the command row is its audit record."""
    store = get_object_or_404(Store, code=code)
    form = RemoteActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("console:store", code=code)
    try:
        command = request_store_command(
            store=store,
            name=form.cleaned_data["action"],
            args=form.command_args(),
            ttl_s=ACTION_TTL_S,
            requested_by=request.user.get_username(),
        )
    except StoreCommandError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(action)s sent to %(store)s (command %(id)s): its answer shows below.")
            % {"action": command.name, "store": store.code, "id": command.pk},
        )
    return redirect("console:store", code=code)


@ops_page
def store_commands(request, code: str):
    """What the store page polls while a remote action waits for its answer."""
    store = get_object_or_404(Store, code=code)
    rows = [
        {
            "id": c.pk,
            "name": c.name,
            "state": c.state,
            "state_label": labels().get(c.state, c.state),
            "requested_by": c.requested_by,
            "created_at": c.created_at.isoformat(),
            "result": c.result,
        }
        for c in recent_commands(store)
    ]
    return JsonResponse({"commands": rows})
