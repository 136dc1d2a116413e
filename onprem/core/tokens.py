"""Issuing OAuth2 bearer tokens to known users outside the browser flow (CLI, demo).

Only the token's SHA-256 is stored (RFC 9700 hashed storage): the value is shown once, when
issued. A user gets only the scopes their role holds (onprem/core/roles.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model, set_token_value

from .roles import ROLES

CLI_APPLICATION = "smartcart-cli"
# Tokens handed out by hand live hours, not weeks: the demo prints a fresh one at every start.
DEFAULT_HOURS = 12
MAX_HOURS = 7 * 24


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
        defaults={"client_type": Application.CLIENT_CONFIDENTIAL,
                  "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS},
    )
    return app


def issue_token(*, username: str, scopes: list[str], hours: int = DEFAULT_HOURS) -> IssuedToken:
    """A bearer token for `username` holding `scopes`: each a configured scope their role holds."""
    known = settings.OAUTH2_PROVIDER["SCOPES"]
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}: use {', '.join(known)}")
    if not 1 <= hours <= MAX_HOURS:
        raise ValueError(f"a token lives 1 to {MAX_HOURS} hours, not {hours}")
    user = get_user_model().objects.get(username=username)
    ROLES.refuse_unheld(who=f"user {username!r}", held=ROLES.scopes_of(user), wanted=scopes)
    raw = secrets.token_urlsafe(32)
    access = AccessToken(user=user, application=cli_application(), scope=" ".join(scopes),
                         expires=timezone.now() + timedelta(hours=hours))
    set_token_value(access, raw)
    access.save()
    return IssuedToken(token=raw, expires=access.expires, access=access)
