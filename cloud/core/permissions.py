"""Who may call an ops endpoint: a bearer token holding the view's scope, or an ops session.

The token's holder must still hold the scope by role (cloud/core/roles.py): a deactivated
user or a revoked role stops the token at once.
"""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import BasePermission

from .roles import ROLES


class OpsAccess(BasePermission):
    """Every cloud API view declares `required_scopes` (today all are "ops")."""

    message = "This endpoint needs a bearer token with the ops scope, or an ops session."

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
        return bool(user and user.is_authenticated and ROLES.holds(user, scopes))
