"""A Slack-compatible channel gets {"text": ...}: the incident in one line and a link to the
store's console page."""

from __future__ import annotations

from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident


def test_it_posts_a_slack_text_with_the_console_link(store, receiver):
    hook = receiver()
    make_channel("chat", "slack", hook.url)
    announce(make_incident(store), "opened")
    deliver_due()

    [request] = hook.requests
    assert set(request["json"]) == {"text"}
    text = request["json"]["text"]
    assert "store-001" in text and "critical" in text and "/console/stores/store-001/" in text
