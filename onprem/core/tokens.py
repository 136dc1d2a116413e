"""Issuing OAuth2 bearer tokens to known users outside the browser flow (CLI, demo, devices)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

CLI_APPLICATION = "smartcart-cli"


def cli_application():
    Application = get_application_model()
    app, _ = Application.objects.get_or_create(
        name=CLI_APPLICATION,
        defaults={"client_type": Application.CLIENT_CONFIDENTIAL,
                  "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS},
    )
    return app


def issue_token(*, username: str, scopes: list[str], days: int = 30) -> AccessToken:
    """A bearer token for `username` holding `scopes` (each must be a configured scope)."""
    known = settings.OAUTH2_PROVIDER["SCOPES"]
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}: use {', '.join(known)}")
    user = get_user_model().objects.get(username=username)
    return AccessToken.objects.create(
        user=user, application=cli_application(), token=secrets.token_urlsafe(32),
        expires=timezone.now() + timedelta(days=days), scope=" ".join(scopes),
    )
