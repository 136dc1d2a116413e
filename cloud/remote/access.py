"""Who is asking, and may they reach this store: the proxy view's checks, in one place.

The proxy is a plain (async, streaming) Django view, not a DRF view, so it borrows DRF's
authenticators and the cloud's OpsAccess rule to accept exactly what the API accepts: an ops
bearer token, or a console session (with its CSRF check on unsafe methods).
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.settings import api_settings

from cloud.core.permissions import OpsAccess
from cloud.stores.models import Store

from .services import Attempt, may_reach


class Refusal(Exception):
    """A request the cloud answers itself, with a status and a sentence (and audits)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


class IgnoredBody(BaseParser):
    """The body is the store's business: authenticating must never parse (or refuse) it."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        return {}


class ProxyScopes:
    """What OpsAccess reads off a view."""

    required_scopes = ["ops"]


def check_access(request, attempt: Attempt) -> None:
    """Fill in `attempt.user` and `attempt.store`, or raise the Refusal that says why not."""
    drf = Request(
        request,
        parsers=[IgnoredBody()],
        authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES],
    )
    user = authenticated_user(drf)
    attempt.user = user
    policy = OpsAccess()
    if not policy.has_permission(drf, ProxyScopes()):
        raise Refusal(403, "permission_denied", policy.message)
    attempt.store = Store.objects.filter(code=attempt.store_code).first()
    if attempt.store is None:
        raise Refusal(404, "not_found", f"No store {attempt.store_code!r} in the registry.")
    if not may_reach(user=user, store=attempt.store):
        raise Refusal(
            403,
            "permission_denied",
            f"User {user.get_username()!r} has no remote access to store {attempt.store.code}: "
            "an admin grants it per store (admin → Remote access grants).",
        )


def authenticated_user(drf: Request):
    try:
        user = drf.user
    except exceptions.AuthenticationFailed as exc:
        raise Refusal(401, "authentication_failed", str(exc.detail)) from None
    except exceptions.APIException as exc:  # a session without its CSRF token on a POST
        raise Refusal(403, "permission_denied", str(exc.detail)) from None
    if not user or not user.is_authenticated:
        raise Refusal(
            401,
            "not_authenticated",
            "Remote access needs a bearer token with the ops scope, or an ops console session.",
        )
    return user
