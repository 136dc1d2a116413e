"""A webhook receiver that is down marks its channel failing and does not stop the email
channel (an acceptance check of the issue)."""

from __future__ import annotations

from pathlib import Path

from django.core import mail

from cloud.notifications.models import Channel
from cloud.notifications.services import announce, deliver_due

from .conftest import make_channel, make_incident


def test_it_sends_the_email_while_the_webhook_is_down(store, down_url):
    hook = make_channel("ops hook", "webhook", down_url)
    email = make_channel("ops mail", "email", "ops@example.com")
    announce(make_incident(store), "opened")

    assert deliver_due() == {"sent": 1, "retrying": 1, "failed": 0, "deferred": 0}

    [message] = mail.outbox
    assert message.to == ["ops@example.com"]
    assert "store-001" in message.subject and "component:database" in message.body
    hook.refresh_from_db()
    assert hook.status == "failing" and "connection failed" in hook.last_error
    assert hook.failing_since is not None
    assert Channel.objects.get(pk=email.pk).status == "ok"


def test_it_writes_the_email_to_the_file_backend(store, down_url, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    make_channel("ops hook", "webhook", down_url)
    make_channel("ops mail", "email", "ops@example.com")
    announce(make_incident(store), "opened")

    deliver_due()

    [written] = list(Path(tmp_path).iterdir())
    assert "To: ops@example.com" in written.read_text()
    assert "/console/stores/store-001/" in written.read_text()


def test_it_sends_the_email_while_a_webhook_hangs(store, receiver, settings):
    settings.NOTIFY_TIMEOUT_SECONDS = 1
    slow = receiver(delay=3)
    hook = make_channel("slow hook", "webhook", slow.url)
    make_channel("ops mail", "email", "ops@example.com")
    announce(make_incident(store), "opened")

    assert deliver_due() == {"sent": 1, "retrying": 1, "failed": 0, "deferred": 0}

    assert len(mail.outbox) == 1
    hook.refresh_from_db()
    assert hook.status == "failing" and "no answer within 1 s" in hook.last_error
