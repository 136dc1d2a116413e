"""One cart's page: its battery and temperature over time, events, commands with buttons to
send them (through onprem.commands.services, with its guards), update history, sessions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onprem.commands import services as commands
from onprem.fleet.models import Cart

from . import history
from .access import staff_page
from .labels import COMMAND_STATES, SESSION_STATES, with_state_labels

# The buttons: (command, args, label). display_message has its own small form.
BUTTONS = [
    ("locate", {}, gettext_lazy("Locate (beep and flash)")),
    ("assist_light", {"on": True}, gettext_lazy("Assist light on")),
    ("assist_light", {"on": False}, gettext_lazy("Assist light off")),
    ("lock", {}, gettext_lazy("Lock")),
    ("unlock", {}, gettext_lazy("Unlock")),
    ("maintenance", {"on": True}, gettext_lazy("Maintenance on")),
    ("maintenance", {"on": False}, gettext_lazy("Maintenance off")),
    ("reboot", {}, gettext_lazy("Reboot")),
]


def cart_context(cart: Cart) -> dict:
    return {
        "cart": cart,
        "state": getattr(cart, "state", None),
        "ranges": list(history.RANGES),
        "buttons": BUTTONS,
        "events": history.recent_events(cart.device_id),
        "commands": with_state_labels(history.recent_commands(cart.device_id), COMMAND_STATES),
        "firmware": history.firmware_history(cart.device_id),
        "sessions": with_state_labels(history.recent_sessions(cart), SESSION_STATES),
    }


@staff_page
def cart_page(request, device_id: str):
    cart = get_object_or_404(Cart.objects.select_related("state"), device_id=device_id)
    return render(request, "dashboard/cart.html", cart_context(cart))


@staff_page
def cart_history(request, device_id: str):
    """The chart's JSON: ?range=1h|24h|7d|30d (default 24h)."""
    cart = get_object_or_404(Cart, device_id=device_id)
    try:
        series = history.battery_series(cart.device_id, request.GET.get("range", "24h"))
    except history.BadRange as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return JsonResponse(series)


def wanted_args(command: str, post) -> dict:
    if command in ("assist_light", "maintenance"):
        return {"on": post.get("on") == "1"}
    if command == "display_message":
        return {"text": post.get("text", "")}
    return {}


@staff_page
@require_POST
def cart_command(request, device_id: str):
    """Queue a command for the cart; a cart in a shopper's session needs `force` for lock and
    maintenance (the page asks for it with a checkbox)."""
    cart = get_object_or_404(Cart.objects.select_related("state"), device_id=device_id)
    command = request.POST.get("command", "")
    try:
        sent = commands.request_command(
            kind="cart", device_id=cart.device_id, command=command,
            args=wanted_args(command, request.POST), requested_by=request.user.get_username(),
            force=request.POST.get("force") == "1",
        )
    except commands.CartInUse:
        # The commands app words its refusal for API callers, in English; staff read it in theirs.
        reason = _("Cart %(cart)s is in a shopper's session: %(command)s would stop it.") % {
            "cart": cart.device_id, "command": command}
        return refused(request, cart, reason, 409)
    except commands.CommandError as exc:
        return refused(request, cart, str(exc), 400)
    messages.success(request, _("Command %(command)s queued for %(cart)s.") % {
        "command": sent.command, "cart": cart.device_id})
    return HttpResponseRedirect(reverse("dashboard:cart", args=[cart.device_id]) + "#commands")


def refused(request, cart: Cart, reason: str, status: int):
    return render(request, "dashboard/cart.html", {**cart_context(cart), "command_error": reason},
                  status=status)
