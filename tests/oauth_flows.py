"""The OAuth2 flows a client runs against a tier, driven through the real endpoints (/o/...)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from oauth2_provider.models import get_application_model

REDIRECT_URI = "https://app.example/callback"


def application(
    name: str,
    *,
    grant: str = "authorization-code",
    owner=None,
    public: bool = False,
):
    """A registered client, as an admin would create it; `.raw_secret` is its client secret."""
    Application = get_application_model()
    raw_secret = secrets.token_urlsafe(24)
    app = Application.objects.create(
        name=name,
        user=owner,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant,
        redirect_uris=REDIRECT_URI,
        client_secret=raw_secret,
        skip_authorization=True,
        algorithm="",
    )
    app.raw_secret = raw_secret
    return app


def pkce_pair(method: str = "S256") -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    if method == "plain":
        return verifier, verifier
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(browser: Client, app, scope: str, **extra: str) -> dict:
    """The signed-in browser asks for a code; returns the redirect's query (code or error)."""
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s1",
        **extra,
    }
    response = browser.get("/o/authorize/", params)
    location = response.headers.get("Location", "")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return {"status": response.status_code, "location": location, "verifier": verifier, **query}


def token_request(app, **fields: str):
    """POST /o/token/ as the client (client_secret_post); returns the response."""
    body = {"client_id": app.client_id, "client_secret": app.raw_secret, **fields}
    return Client().post("/o/token/", body)


def code_token(browser: Client, app, scope: str):
    """Authorization code + PKCE S256 end to end: the token response, or the refused redirect."""
    got = authorize(browser, app, scope)
    if "code" not in got:
        return got
    return token_request(
        app,
        grant_type="authorization_code",
        code=got["code"],
        redirect_uri=REDIRECT_URI,
        code_verifier=got["verifier"],
    )


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser
