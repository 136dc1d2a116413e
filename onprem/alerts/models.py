"""Alerts raised by rules on the store's fleet and shoppers, and each store's thresholds.

"At most one active alert per thing" is a unique column, `active_key`, that holds the alert's
key ("offline:cart-001", "fault:rack-01:E12") while it is open or acknowledged and NULL once
resolved: MariaDB has no partial unique index and NULLs never collide, so the database itself
refuses a second active alert for the same thing, whichever process or worker raises it
(the same trick as shopping's open sessions).
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onprem.fleet.models import Store

from .choices import AlertKind, AlertState, Severity


def default_low_battery() -> int:
    return settings.LOW_BATTERY_PERCENT  # SMARTCART_LOW_BATTERY, the fleet API's own threshold


class AlertRule(models.Model):
    """One store's alert thresholds. A store without a row uses the field defaults."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    low_battery_enabled = models.BooleanField(_("low battery alerts"), default=True)
    low_battery_percent = models.PositiveSmallIntegerField(
        _("low battery below, %"), default=default_low_battery,
        help_text=_("a cart in use (in a session or out of its rack) below this charge raises an alert"))
    low_battery_hysteresis = models.PositiveSmallIntegerField(
        _("low battery hysteresis, %"), default=5,
        help_text=_("the alert clears once the charge is this much above the threshold (or the cart charges)"))
    offline_enabled = models.BooleanField(_("offline alerts"), default=True)
    flap_window_minutes = models.PositiveSmallIntegerField(
        _("flap window, minutes"), default=10,
        help_text=_("a device going offline again this soon after its alert cleared re-opens that alert "
                    "(marked flapping) instead of raising a new one"))
    faults_enabled = models.BooleanField(_("fault code alerts"), default=True)
    closing_enabled = models.BooleanField(_("closing time alerts"), default=True)
    closing_time = models.TimeField(
        _("closing time"), default=time(21, 0),
        help_text=_("store local time: from then until midnight every cart not in a rack raises an alert"))
    slot_enabled = models.BooleanField(_("slot not charging alerts"), default=True)
    slot_min_current = models.FloatField(
        _("slot minimum current, A"), default=0.5,
        help_text=_("a docked cart that is not full drawing less than this is not charging"))
    slot_full_percent = models.PositiveSmallIntegerField(
        _("slot full charge, %"), default=95, help_text=_("a cart at or above this charge may draw nothing"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot minutes"), default=10, help_text=_("how long a slot must fail to charge before it raises an alert"))
    help_enabled = models.BooleanField(_("help request alerts"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return f"{self.store}"


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    state = models.CharField(_("state"), max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    device_kind = models.CharField(_("device kind"), max_length=10, blank=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    # What the alert is about, whatever its state: "<kind>:<device>[:<detail>]".
    key = models.CharField(max_length=200)
    # The key while active, NULL once resolved: see the module docstring.
    active_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # When the newest device message that moved this alert was taken: an older one, redelivered
    # late, never moves it again (see rules.py).
    evidence_at = models.DateTimeField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    flapping = models.BooleanField(_("flapping"), default=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # NULL with resolved_at set: cleared automatically (the condition went away).
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    help_request = models.OneToOneField("shopping.HelpRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="alert", verbose_name=_("help request"))

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["state", "-raised_at"], name="alert_by_state"),
            models.Index(fields=["key", "-raised_at"], name="alert_by_key"),
            models.Index(fields=["device_id", "-raised_at"], name="alert_by_device"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.device_id} {self.state}"

    @property
    def active(self) -> bool:
        return self.state != AlertState.RESOLVED


class SlotWatch(models.Model):
    """A rack slot seen failing to charge its cart, and since when: kept in the database so an
    ingest restart does not restart the clock (rules.py, slot_not_charging)."""

    rack_id = models.CharField(max_length=64)
    slot = models.PositiveSmallIntegerField()
    cart_id = models.CharField(max_length=64)
    since = models.DateTimeField(help_text="the first rack reading that showed it not charging")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rack_id", "slot"], name="slot_watch_once")]

    def __str__(self) -> str:
        return f"{self.rack_id}#{self.slot} {self.cart_id} since {self.since:%H:%M}"
