"""The console's firmware pages: releases, campaigns, a campaign's live progress, a store's firmware.

Thin: each page reads through the releases app's own functions and acts through its verbs
(the ones the REST API calls), so the console and the API can never disagree.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cloud.releases import campaigns, services
from cloud.releases.api.views import campaigns_with_stores, detail
from cloud.releases.errors import CampaignConflict, CampaignError
from cloud.releases.models import Campaign, Release
from cloud.stores.models import Store
from smartcart.release import Refused

from ..access import ops_page
from ..forms import CampaignForm, ReleaseUploadForm

ACTIONS = ("pause", "resume", "abort", "approve")


@ops_page
def releases(request):
    form = ReleaseUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            release = services.upload_release(
                manifest=form.cleaned_data["manifest"].read(),
                artifact=form.cleaned_data["artifact"].chunks(),
                uploaded_by=request.user.get_username(),
            )
        except Refused as exc:
            form.add_error(None, f"{_('Refused')}: {exc.code}: {exc}")
        else:
            messages.success(
                request,
                _("Release %(hardware)s %(version)s uploaded and announced to every store.")
                % {"hardware": release.hardware, "version": release.version},
            )
            return redirect("console:releases")
    rows = Release.objects.all()
    return render(request, "console/releases.html", {"form": form, "releases": rows})


@ops_page
def campaign_list(request):
    rows = campaigns_with_stores()[:200]
    return render(request, "console/campaigns.html", {"campaigns": rows})


@ops_page
def campaign_new(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.create_campaign(
                created_by=request.user.get_username(), **form.campaign_fields()
            )
        except CampaignError as exc:  # CampaignConflict too: the sentence says what to do
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Campaign started: every store has been told."))
            return redirect("console:campaign", pk=campaign.pk)
    return render(request, "console/campaign_new.html", {"form": form})


@ops_page
def campaign_page(request, pk: int):
    data = detail(pk)
    allowed = allowed_actions(data["state"])
    return render(
        request,
        "console/campaign.html",
        {
            "campaign": {**data, "allowed": allowed},
            "actions": ACTIONS,
            "allowed": allowed,
            "labels": page_labels(),
        },
    )


def page_labels() -> dict:
    """The words the page's script writes (translated here, where gettext runs)."""
    states = {
        "waiting": _("waiting"),
        "sent": _("sent"),
        "downloading": _("downloading"),
        "installing": _("installing"),
        "rebooting": _("rebooting"),
        "verifying": _("verifying"),
        "succeeded": _("succeeded"),
        "failed": _("failed"),
        "rolled_back": _("rolled back"),
        "cancelled": _("cancelled"),
    }
    campaign_states = {
        "running": _("running"),
        "waiting_approval": _("waiting for approval"),
        "paused": _("paused"),
        "aborted": _("aborted"),
        "finished": _("finished"),
    }
    verdicts = {
        "ok": _("no regression"),
        "regression": _("regression"),
        "insufficient_sample": _("not enough use yet to compare"),
    }
    actions = {
        "start": _("started"),
        "pause": _("paused"),
        "resume": _("resumed"),
        "abort": _("aborted"),
        "approve": _("approved the next phase"),
        "auto_pause": _("paused itself"),
        "next_phase": _("next phase"),
        "phase_done": _("phase done, waiting for approval"),
        "finish": _("finished"),
    }
    return {
        **{f"action_{k}": v for k, v in actions.items()},
        **{f"state_{k}": v for k, v in states.items()},
        **{f"campaign_{k}": v for k, v in campaign_states.items()},
        **{f"verdict_{k}": v for k, v in verdicts.items()},
        "phase": _("Phase"),
        "carts": _("carts"),
        "carts_label": _("Carts"),
        "not_reported": _("not reported yet"),
        "succeeded": _("succeeded"),
        "failed": _("failed"),
        "in_progress": _("in progress"),
        "offline": _("offline"),
        "use_hours": _("Use (hours)"),
        "faults": _("Faults"),
        "faults_per_hour": _("Faults per use-hour"),
        "sessions": _("Shopper sessions"),
        "help_requests": _("Help requests"),
        "help_per_session": _("Help requests per session"),
        "verdict": _("Verdict"),
        "no_behaviour": _("No behaviour figures reported yet."),
        "no_devices": _("No cart has reported on this campaign yet."),
    }


def allowed_actions(state: str) -> list[str]:
    return [name for name, (states, _target) in campaigns.ACTIONS.items() if state in states]


@ops_page
def campaign_progress(request, pk: int):
    """What the campaign page polls every 2 s: the API's detail, plus the allowed actions."""
    data = detail(pk)
    return JsonResponse({**data, "allowed": allowed_actions(data["state"])})


@require_POST
@ops_page
def campaign_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    get_object_or_404(Campaign, pk=pk)
    try:
        campaigns.act(campaign_id=pk, action=action, by=request.user.get_username())
    except CampaignConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, action_done(action))
    return redirect("console:campaign", pk=pk)


def action_done(action: str) -> str:
    return {
        "pause": _("Campaign paused: stores start no new install."),
        "resume": _("Campaign resumed."),
        "abort": _("Campaign aborted: no new install will start; finished ones stay."),
        "approve": _("Next phase approved."),
    }[action]


@ops_page
def store_firmware(request, code: str):
    store = get_object_or_404(Store, code=code)
    return render(
        request, "console/store_firmware.html", {"store": store, **services.store_firmware(store)}
    )
