"""The rules a channel must meet, shared by the API and the console, each with a sentence."""

from __future__ import annotations

from email.utils import getaddresses
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cloud.stores.models import StoreGroup

from .models import Channel

MAX_RECIPIENTS = 20


class ChannelInvalid(ValueError):
    """A channel the rules refuse; `fields` maps each bad field to a sentence."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def check_channel(channel: Channel) -> None:
    problems = {}
    if channel.kind not in Channel.Kind.values:
        problems["kind"] = f"must be one of {', '.join(Channel.Kind.values)}"
    elif message := target_problem(channel.kind, channel.target.strip()):
        problems["target"] = message
    if not channel.name.strip():
        problems["name"] = "a channel needs a name"
    elif Channel.objects.filter(name=channel.name).exclude(pk=channel.pk).exists():
        problems["name"] = f"a channel named {channel.name!r} exists already"
    if len(channel.secret) < 16:
        problems["secret"] = "a webhook secret has at least 16 characters"
    if problems:
        raise ChannelInvalid(problems)
    channel.target = channel.target.strip()


def target_problem(kind: str, target: str) -> str | None:
    if kind == Channel.Kind.EMAIL:
        return email_problem(target)
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "a webhook target is an http:// or https:// URL with a host"
    return None


def email_problem(target: str) -> str | None:
    addresses = [address for _, address in getaddresses([target])]
    if not addresses or not all(addresses):
        return "an email target is one address, or several separated by commas"
    if len(addresses) > MAX_RECIPIENTS:
        return f"at most {MAX_RECIPIENTS} addresses"
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            return f"{address!r} is not a valid email address"
    return None


def group_rows(names: list[str]) -> list[StoreGroup]:
    """The store groups named, or ChannelInvalid naming those that do not exist."""
    rows = list(StoreGroup.objects.filter(name__in=names))
    unknown = sorted(set(names) - {g.name for g in rows})
    if unknown:
        raise ChannelInvalid({"store_groups": f"no store group named {', '.join(unknown)}"})
    return rows
