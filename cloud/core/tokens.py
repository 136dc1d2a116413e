"""Ops bearer tokens issued outside the browser flow (the demo, scripts).

Only the token's SHA-256 is stored (RFC 9700 hashed storage): the value is shown once, when
issued. A user gets only the scopes their role holds (cloud/core/roles.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model, set_token_value

from .roles import ROLES

CLI_APPLICATION = "smartcart-cli"
# Tokens handed out by hand live hours, not weeks: the demo prints a fresh one at every start.
DEFAULT_HOURS = 12


@dataclass(frozen=True)
class IssuedToken:
    token: str  # the bearer value: shown once, never stored
    expires: datetime
    access: AccessToken


def cli_application():
    """The application CLI tokens belong to; it has no owner, so no client can use it directly."""
    Application = get_application_model()
    app, _ = Application.objects.get_or_create(
        name=CLI_APPLICATION,
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
        },
    )
    return app


def issue_token(*, user, scopes: list[str], hours: int = DEFAULT_HOURS) -> IssuedToken:
    """A bearer token for `user` holding `scopes`: each a configured scope their role holds."""
    known = settings.OAUTH2_PROVIDER["SCOPES"]
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}: use {', '.join(known)}")
    ROLES.refuse_unheld(
        who=f"user {user.get_username()!r}", held=ROLES.scopes_of(user), wanted=scopes
    )
    raw = secrets.token_urlsafe(32)
    access = AccessToken(
        user=user,
        application=cli_application(),
        scope=" ".join(scopes),
        expires=timezone.now() + timedelta(hours=hours),
    )
    set_token_value(access, raw)
    access.save()
    return IssuedToken(token=raw, expires=access.expires, access=access)
