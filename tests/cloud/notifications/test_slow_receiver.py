"""A receiver that answers, slowly, gets what fits in a sweep's time and the rest at the next
sweeps: nothing counted as failed, nothing sent twice, the channel not marked failing."""

from __future__ import annotations

from collections import Counter

from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident


def test_it_leaves_what_does_not_fit_for_the_next_sweep(store, receiver, settings):
    settings.NOTIFY_TIMEOUT_SECONDS = 1
    slow = receiver(delay=0.4)
    channel = make_channel("slow hook", "webhook", slow.url)
    for n in range(6):
        announce(make_incident(store, problem=f"component:c{n}"), "opened")

    first = deliver_due()
    assert first["sent"] >= 1 and first["deferred"] >= 1 and first["retrying"] == 0
    for _ in range(6):
        deliver_due()

    assert channel.notices.filter(state="sent").count() == 6
    assert set(Counter(r["headers"]["X-SmartCart-Delivery"] for r in slow.requests).values()) == {1}
    channel.refresh_from_db()
    assert channel.status == "ok"
    assert set(channel.notices.values_list("attempts", flat=True)) == {1}
