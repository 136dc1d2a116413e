"""Who may call an endpoint: a bearer token holding one of the view's scopes, or a staff session.

Every API view declares `required_scopes`; a token must hold at least one of them. The
staff dashboard uses Django sessions, which count as the "staff" scope for staff users only.
"""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import BasePermission


class ScopedAccess(BasePermission):
    message = "This endpoint needs a bearer token with one of its scopes, or a staff session."

    def has_permission(self, request, view) -> bool:
        scopes = getattr(view, "required_scopes", None)
        if not scopes:
            raise AssertionError(f"{type(view).__name__} declares no required_scopes")
        token = request.auth
        if isinstance(token, AbstractAccessToken):
            granted = set(token.scope.split())
            if not granted & set(scopes):
                self.message = f"Token lacks scope: needs one of {', '.join(scopes)}."
                return False
            return not token.is_expired()
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and "staff" in scopes)
