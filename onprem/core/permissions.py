"""Who may call an endpoint: a bearer token holding one of the view's scopes, or a session.

Every API view declares `required_scopes`; a token must hold at least one of them, and its
holder must still hold that scope by role (onprem/core/roles.py): a deactivated user or a
revoked role stops the token at once. A signed-in session counts as its user's role scopes.
"""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import BasePermission

from .roles import ROLES


class ScopedAccess(BasePermission):
    message = "This endpoint needs a bearer token with one of its scopes, or a staff session."

    def has_permission(self, request, view) -> bool:
        scopes = getattr(view, "required_scopes", None)
        if not scopes:
            raise AssertionError(f"{type(view).__name__} declares no required_scopes")
        token = request.auth
        if isinstance(token, AbstractAccessToken):
            if token.is_expired():
                return False
            if not ROLES.token_scopes(token, among=scopes):
                self.message = f"Token lacks scope: needs one of {', '.join(scopes)}."
                return False
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not ROLES.holds(user, scopes):
            self.message = f"Your account's role lacks scope: needs one of {', '.join(scopes)}."
            return False
        return True
