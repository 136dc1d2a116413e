"""On-prem software (cloud/software): the on-prem releases, their rollouts with each store's
progress, starting a rollout on a store or a group, aborting one. The software app's verbs do
the work (the ones its REST API calls)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cloud.releases.models import ONPREM_HARDWARE, Release
from cloud.software import services
from cloud.software.errors import RolloutError
from cloud.software.models import Rollout, StoreUpdate

from ..access import ops_page
from ..forms import RolloutForm

LISTED_ROLLOUTS = 50


def rollouts_with_counts():
    """The newest rollouts with their store counts annotated (one query for the list)."""
    final = Q(updates__state__in=StoreUpdate.FINAL)
    return (
        Rollout.objects.select_related("release")
        .annotate(
            n_stores=Count("updates"),
            n_final=Count("updates", filter=final),
            n_switched=Count("updates", filter=Q(updates__state=StoreUpdate.State.SWITCHED)),
        )
        .order_by("-created_at", "-id")[:LISTED_ROLLOUTS]
    )


@ops_page
def software(request):
    form = RolloutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rollout = start(request, form)
        if rollout is not None:
            return redirect("console:rollout", pk=rollout.pk)
    context = {
        "releases": Release.objects.filter(hardware=ONPREM_HARDWARE),
        "rollouts": rollouts_with_counts(),
        "form": form,
    }
    return render(request, "console/software.html", context)


def start(request, form: RolloutForm) -> Rollout | None:
    try:
        rollout = services.start_rollout(
            form.cleaned_data["release"], form.stores(), request.user, form.cleaned_data["note"]
        )
    except RolloutError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _("Rollout started: the stores have been told."))
    return rollout


@ops_page
def rollout_page(request, pk: int):
    rollout = get_object_or_404(Rollout.objects.select_related("release"), pk=pk)
    context = {
        "rollout": rollout,
        "progress": services.progress(rollout),
        "updates": rollout.updates.select_related("store").order_by("store__code"),
        "actions": rollout.actions.all()[:20],
        "open": rollout.state in Rollout.OPEN,
    }
    return render(request, "console/rollout.html", context)


@require_POST
@ops_page
def rollout_abort(request, pk: int):
    rollout = get_object_or_404(Rollout, pk=pk)
    try:
        services.abort(rollout, request.user)
    except RolloutError as exc:  # RolloutConflict: already finished or aborted
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rollout aborted: no store that has not taken it gets it."))
    return redirect("console:rollout", pk=pk)
