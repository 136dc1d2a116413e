"""The console's forms: what a person types, turned into what the release and campaign verbs
take (the same verbs as the REST API, so both refuse the same things with the same words)."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cloud.releases.models import ONPREM_HARDWARE, Release
from cloud.stores.models import Store, StoreGroup

PHASE = re.compile(r"^\s*(\d{1,6})\s*(%|carts?)\s*$", re.IGNORECASE)
STORE_WINDOW = re.compile(r"^\s*([A-Za-z0-9_.-]{1,64})\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$")


class ReleaseUploadForm(forms.Form):
    manifest = forms.FileField(label=_("Signed manifest (.manifest.json)"))
    artifact = forms.FileField(label=_("Image (artifact)"))


def parse_phases(text: str) -> list[dict]:
    """'1 cart, 10 %, 100 %' -> [{"carts": 1}, {"percent": 10}, {"percent": 100}]."""
    phases = []
    for part in text.split(","):
        match = PHASE.match(part)
        if match is None:
            raise forms.ValidationError(
                _("Write each phase as “N carts” or “N %”, separated by commas: %(part)s")
                % {"part": part.strip() or "…"}
            )
        number, unit = int(match.group(1)), match.group(2)
        phases.append({"percent": number} if unit == "%" else {"carts": number})
    return phases


def parse_store_windows(text: str) -> dict:
    """'store-002 01:00-04:00' per line -> {"store-002": {"start": "01:00", "end": "04:00"}}."""
    windows = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        match = STORE_WINDOW.match(line)
        if match is None:
            raise forms.ValidationError(
                _("Write one store per line as “store-002 01:00-04:00”: %(line)s")
                % {"line": line.strip()}
            )
        code, start, end = match.groups()
        windows[code] = {"start": start, "end": end}
    return windows


class CampaignForm(forms.Form):
    STORE_MODES = [("all", _("Every store")), ("list", _("These stores")), ("group", _("A group"))]

    release = forms.ModelChoiceField(queryset=Release.objects.none(), label=_("Release"))
    name = forms.CharField(required=False, max_length=100, label=_("Name"))
    store_mode = forms.ChoiceField(
        choices=STORE_MODES, initial="all", widget=forms.RadioSelect, label=_("Stores")
    )
    stores = forms.ModelMultipleChoiceField(
        queryset=Store.objects.all(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label=_("Stores in the list"),
    )
    group = forms.ModelChoiceField(
        queryset=StoreGroup.objects.all(), required=False, to_field_name="name", label=_("Group")
    )
    phases = forms.CharField(
        initial="1 cart, 10 %, 100 %",
        label=_("Phases"),
        help_text=_("Cumulative per store: “1 cart, 10 %, 100 %”."),
    )
    max_failure_percent = forms.FloatField(
        initial=10, min_value=0, max_value=100, label=_("Pause above this failure rate (%)")
    )
    approval = forms.BooleanField(required=False, label=_("Approve each next phase by hand"))
    window_start = forms.TimeField(
        required=False, label=_("Window from"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    window_end = forms.TimeField(
        required=False, label=_("Window until"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    store_windows = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Other windows for some stores"),
        help_text=_("One store per line: “store-002 01:00-04:00”."),
    )
    observe_hours = forms.IntegerField(
        initial=24, min_value=0, max_value=720, label=_("Watch behaviour for (hours)")
    )
    max_regression_percent = forms.FloatField(
        initial=25,
        min_value=0,
        max_value=10_000,
        label=_("Pause when updated carts do worse than the control group by (%)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On-prem software goes out as a rollout (the software page), never as a campaign.
        self.fields["release"].queryset = Release.objects.filter(
            expires__gt=timezone.now()
        ).exclude(hardware=ONPREM_HARDWARE)
        self.fields["release"].label_from_instance = lambda r: (
            f"{r.hardware} {r.version} ({r.channel})"
        )

    def clean_phases(self) -> list[dict]:
        return parse_phases(self.cleaned_data["phases"])

    def clean_store_windows(self) -> dict:
        return parse_store_windows(self.cleaned_data["store_windows"])

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give the window both a start and an end, or neither."))
        mode = data.get("store_mode")
        if mode == "list" and not data.get("stores"):
            self.add_error("stores", _("Pick at least one store."))
        if mode == "group" and not data.get("group"):
            self.add_error("group", _("Pick a group."))
        return data

    def campaign_fields(self) -> dict:
        """The keyword arguments of create_campaign (without who asks)."""
        data = self.cleaned_data
        start, end = data.get("window_start"), data.get("window_end")
        stores = {
            "all": "all",
            "list": [s.code for s in data.get("stores") or []],
            "group": {"group": data["group"].name} if data.get("group") else None,
        }[data["store_mode"]]
        return {
            "release": data["release"],
            "name": data["name"],
            "stores": stores,
            "phases": data["phases"],
            "max_failure_percent": data["max_failure_percent"],
            "approval": data["approval"],
            "window": (
                {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")} if start else None
            ),
            "windows": data["store_windows"],
            "observe_hours": data["observe_hours"],
            "max_regression_percent": data["max_regression_percent"],
        }


SEVERITIES = [("critical", _("critical")), ("warning", _("warning")), ("info", _("info"))]


class StoreFilterForm(forms.Form):
    """The stores list's filters (a GET form: every field optional)."""

    q = forms.CharField(required=False, max_length=64, label=_("Code or name"))
    problem = forms.BooleanField(required=False, label=_("Problem stores only"))
    offline = forms.BooleanField(required=False, label=_("Offline only"))
    group = forms.ModelChoiceField(
        queryset=StoreGroup.objects.all(), required=False, to_field_name="name", label=_("Group")
    )
    severity = forms.ChoiceField(
        choices=[("", _("any"))] + SEVERITIES, required=False, label=_("Open incident")
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["group"] = data["group"].name if data.get("group") else ""
        return data


class IncidentFilterForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("", _("any")), ("open", _("open")), ("resolved", _("resolved"))],
        required=False,
        label=_("State"),
    )
    severity = forms.ChoiceField(
        choices=[("", _("any"))] + SEVERITIES, required=False, label=_("Severity")
    )
    store = forms.CharField(required=False, max_length=64, label=_("Store"))


# The remote actions a console button may send (smartcart/store_commands.py, docs/tunnel.md).
REMOTE_ACTIONS = [
    ("action.status", _("Component status")),
    ("action.health", _("Health checks")),
    ("action.logs", _("Last log lines")),
    ("action.restart", _("Restart a component")),
    ("action.support_bundle", _("Build a support bundle")),
    ("ping", _("Ping")),
    ("erp.sync", _("Sync the catalog from the ERP")),
]
COMPONENT_ACTIONS = {"action.logs", "action.restart"}


class RemoteActionForm(forms.Form):
    action = forms.ChoiceField(choices=REMOTE_ACTIONS, label=_("Action"))
    component = forms.CharField(required=False, max_length=64, label=_("Component"))
    lines = forms.IntegerField(
        required=False, min_value=1, max_value=1000, initial=100, label=_("Lines")
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") in COMPONENT_ACTIONS and not data.get("component"):
            self.add_error("component", _("This action needs a component (e.g. ingest)."))
        return data

    def command_args(self) -> dict:
        data = self.cleaned_data
        if data["action"] not in COMPONENT_ACTIONS:
            return {}
        args = {"component": data["component"]}
        if data["action"] == "action.logs" and data.get("lines"):
            args["lines"] = data["lines"]
        return args


CHANNEL_KINDS = [("webhook", _("Webhook")), ("slack", _("Slack webhook")), ("email", _("Email"))]


class ChannelForm(forms.Form):
    """A notification channel (cloud/notifications): the fields ops set, checked per kind."""

    name = forms.CharField(max_length=100, label=_("Name"))
    kind = forms.ChoiceField(choices=CHANNEL_KINDS, label=_("Kind"))
    target = forms.CharField(
        max_length=500,
        label=_("Target"),
        help_text=_("Email addresses (comma-separated), or the URL the webhook posts to."),
    )
    secret = forms.CharField(
        required=False,
        max_length=200,
        label=_("Signing secret"),
        help_text=_(
            "Webhook only: the key of the X-SmartCart-Signature HMAC. Blank: a new channel "
            "gets a random one (shown once), a changed one keeps its own."
        ),
    )
    store_groups = forms.ModelMultipleChoiceField(
        queryset=StoreGroup.objects.all(),
        required=False,
        to_field_name="name",
        widget=forms.CheckboxSelectMultiple,
        label=_("Store groups"),
        help_text=_("None ticked: every store."),
    )
    min_severity = forms.ChoiceField(
        choices=SEVERITIES[::-1], initial="warning", label=_("Lowest severity")
    )
    enabled = forms.BooleanField(required=False, initial=True, label=_("Enabled"))


class RolloutForm(forms.Form):
    """Start an on-prem release on one store or a group (cloud.software.services.start_rollout)."""

    release = forms.ModelChoiceField(queryset=Release.objects.none(), label=_("Release"))
    store = forms.ModelChoiceField(
        queryset=Store.objects.all(), required=False, to_field_name="code", label=_("Store")
    )
    group = forms.ModelChoiceField(
        queryset=StoreGroup.objects.all(), required=False, to_field_name="name", label=_("Group")
    )
    note = forms.CharField(required=False, max_length=300, label=_("Note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = Release.objects.filter(hardware=ONPREM_HARDWARE)
        self.fields["release"].label_from_instance = lambda r: f"{r.version} ({r.channel})"

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("store")) == bool(data.get("group")):
            raise forms.ValidationError(_("Pick one store or one group."))
        return data

    def stores(self) -> list[Store] | StoreGroup:
        """What start_rollout takes: one store, or the group (recorded as the group asked)."""
        data = self.cleaned_data
        return [data["store"]] if data.get("store") else data["group"]
