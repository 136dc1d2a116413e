"""One small class per channel kind, each with one `notify(notice)` (healthchecks' Transport shape).

`notify` returns on success and raises TransportError otherwise; `permanent` says that retrying
cannot help (a 404, a refused address), so the outbox stops at once instead of backing off.
Transports touch no database: deliver_due runs them in worker threads and records the outcome.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from email.utils import getaddresses

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Channel, Notice

SIGNATURE_HEADER = "X-SmartCart-Signature"
EVENT_HEADER = "X-SmartCart-Event"
DELIVERY_HEADER = "X-SmartCart-Delivery"
RETRIED_4XX = {408, 429}  # "try later" answers, not "this is wrong"


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256 of the exact body bytes>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def console_link(store_code: str) -> str:
    return f"{settings.PUBLIC_URL.rstrip('/')}/console/stores/{store_code}/"


def summary(notice: Notice) -> str:
    """The incident in one line: what a chat message or an email subject says."""
    incident = notice.payload.get("incident")
    if not incident:
        return f"SmartCart test notice for channel {notice.payload.get('channel', '')}"
    flag = " (flapping)" if incident["flapping"] else ""
    return (
        f"[{notice.event.upper()}] {incident['severity']} - {incident['store']} - "
        f"{incident['title']}{flag}"
    )


def body(notice: Notice) -> dict:
    return {**notice.payload, "event": notice.event, "sent_at": timezone.now().isoformat()}


class Transport:
    def __init__(self, channel: Channel):
        self.channel = channel

    def notify(self, notice: Notice) -> None:
        raise NotImplementedError


class Email(Transport):
    def notify(self, notice: Notice) -> None:
        recipients = [address for _, address in getaddresses([self.channel.target]) if address]
        try:
            send_mail(
                subject=summary(notice),
                message=email_text(notice),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(
                f"the mail server refused {exc.recipients}", permanent=True
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"mail not sent: {exc}") from exc


def email_text(notice: Notice) -> str:
    incident = notice.payload.get("incident")
    if not incident:
        return "This is a test notice: the channel works.\n"
    lines = [summary(notice), ""]
    lines += [f"{name}: {incident[name]}" for name in ("store", "problem", "state", "opened_at")]
    if incident["resolved_at"]:
        lines.append(f"resolved_at: {incident['resolved_at']}")
    lines += ["", incident["detail"], "", console_link(incident["store"])]
    return "\n".join(lines) + "\n"


class HttpTransport(Transport):
    def post(self, content: bytes, headers: dict) -> None:
        timeout = settings.NOTIFY_TIMEOUT_SECONDS
        try:
            response = httpx.post(
                self.channel.target,
                content=content,
                headers={"Content-Type": "application/json", **headers},
                timeout=httpx.Timeout(timeout, connect=min(timeout, 3)),
            )
        except httpx.TimeoutException as exc:
            raise TransportError(f"no answer within {timeout} s ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise TransportError(f"connection failed: {exc or type(exc).__name__}") from exc
        judge(response)


def judge(response: httpx.Response) -> None:
    code = response.status_code
    if 200 <= code < 300:
        return
    reason = f"HTTP {code} {response.reason_phrase}: {response.text[:200]}".strip(": ")
    if code >= 500 or code in RETRIED_4XX:
        raise TransportError(reason)
    if 300 <= code < 400:
        where = response.headers.get("location", "?")
        reason = f"HTTP {code}: redirected to {where}; point the channel at the final URL"
    raise TransportError(reason, permanent=True)


class Webhook(HttpTransport):
    def notify(self, notice: Notice) -> None:
        content = json.dumps(body(notice), separators=(",", ":")).encode()
        headers = {
            SIGNATURE_HEADER: sign(content, self.channel.secret),
            EVENT_HEADER: notice.event,
            DELIVERY_HEADER: str(notice.pk),
        }
        self.post(content, headers)


class Slack(HttpTransport):
    def notify(self, notice: Notice) -> None:
        incident = notice.payload.get("incident")
        text = summary(notice)
        if incident:
            text += f" <{console_link(incident['store'])}|open in the console>"
        self.post(json.dumps({"text": text}).encode(), {})


TRANSPORTS: dict[str, type[Transport]] = {
    Channel.Kind.EMAIL: Email,
    Channel.Kind.WEBHOOK: Webhook,
    Channel.Kind.SLACK: Slack,
}


def transport(channel: Channel) -> Transport:
    return TRANSPORTS[channel.kind](channel)
