"""Notification channels (cloud/notifications): the list with each one's health, a form to add
or change one, and the test button. The notifications app's own verbs do the work (the ones
its REST API calls), so the console and the API refuse the same channels with the same words."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cloud.notifications import services
from cloud.notifications.models import Channel
from cloud.notifications.validation import ChannelInvalid

from ..access import ops_page
from ..forms import ChannelForm

FIELDS = ("name", "kind", "target", "min_severity", "enabled")
RECENT_NOTICES = 10


@ops_page
def channels(request):
    return render(request, "console/channels.html", {"channels": services.channels()})


@ops_page
def channel_edit(request, pk: int | None = None):
    channel = get_object_or_404(Channel, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, initial=initial_of(channel))
    if request.method == "POST" and form.is_valid():
        saved = save(request, form, channel)
        if saved is not None:
            return redirect("console:channel", pk=saved.pk)
    notices = services.recent_notices(channel, RECENT_NOTICES) if channel else []
    context = {"form": form, "channel": channel, "notices": notices}
    return render(request, "console/channel.html", context)


def initial_of(channel: Channel | None) -> dict:
    if channel is None:
        return {}
    return {
        **{name: getattr(channel, name) for name in FIELDS},
        "store_groups": list(channel.store_groups.all()),
    }


def save(request, form: ChannelForm, channel: Channel | None) -> Channel | None:
    """Create or change the channel; None (errors on the form) when the rules refuse it."""
    data = form.cleaned_data
    fields = {name: data[name] for name in FIELDS}
    fields["store_groups"] = [group.name for group in data["store_groups"]]
    if data["secret"]:  # blank: a new channel gets a random one, a changed one keeps its own
        fields["secret"] = data["secret"]
    new = channel is None
    try:
        if new:
            channel = services.create_channel(created_by=request.user.get_username(), **fields)
        else:
            channel = services.update_channel(channel, **fields)
    except ChannelInvalid as exc:
        for field, message in exc.fields.items():
            form.add_error(field if field in form.fields else None, message)
        return None
    messages.success(request, _("Channel %(name)s saved.") % {"name": channel.name})
    if new and channel.kind != Channel.Kind.EMAIL and not data["secret"]:
        messages.info(
            request,
            _("Its signing secret (shown once): %(secret)s") % {"secret": channel.secret},
        )
    return channel


@require_POST
@ops_page
def channel_test(request, pk: int):
    """Send a test notice through the channel now; the page says how it went."""
    channel = get_object_or_404(Channel, pk=pk)
    notice = services.send_test(channel)
    if notice.state == "sent":
        messages.success(request, _("Test notice sent."))
    else:
        messages.error(
            request,
            _("Test notice failed: %(error)s") % {"error": notice.last_error or notice.state},
        )
    return redirect("console:channel", pk=pk)
