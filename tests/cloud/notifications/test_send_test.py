"""The test button: a test notice is sent at once and its outcome answered; a failing test
marks the channel failing, a good one marks it ok again."""

from __future__ import annotations

from django.core import mail

from cloud.notifications.services import send_test

from .conftest import make_channel


def test_it_sends_a_test_webhook_at_once(db, receiver):
    hook = receiver()
    channel = make_channel("hook", "webhook", hook.url)

    notice = send_test(channel)

    assert (notice.state, notice.event, notice.incident) == ("sent", "test", None)
    [request] = hook.requests
    assert request["json"]["event"] == "test" and request["json"]["channel"] == "hook"
    assert request["headers"]["X-SmartCart-Event"] == "test"


def test_it_answers_why_a_test_failed_and_marks_the_channel(db, down_url, receiver):
    channel = make_channel("hook", "webhook", down_url)

    notice = send_test(channel)

    assert notice.state == "failed" and "connection failed" in notice.last_error
    channel.refresh_from_db()
    assert channel.status == "failing"

    channel.target = receiver().url
    channel.save()
    assert send_test(channel).state == "sent"
    channel.refresh_from_db()
    assert channel.status == "ok" and channel.last_sent_at is not None


def test_it_sends_a_test_email(db):
    send_test(make_channel("mail", "email", "a@example.com, b@example.com"))

    [message] = mail.outbox
    assert message.to == ["a@example.com", "b@example.com"]
    assert "test" in message.subject
