"""Who may call an ops endpoint: a bearer token holding the view's scope, or a staff session."""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import BasePermission


class OpsAccess(BasePermission):
    """Every cloud API view declares `required_scopes` (today all are "ops")."""

    message = "This endpoint needs a bearer token with the ops scope, or a staff session."

    def has_permission(self, request, view) -> bool:
        scopes = getattr(view, "required_scopes", None)
        if not scopes:
            raise AssertionError(f"{type(view).__name__} declares no required_scopes")
        token = request.auth
        if isinstance(token, AbstractAccessToken):
            if not set(token.scope.split()) & set(scopes):
                self.message = f"Token lacks scope: needs one of {', '.join(scopes)}."
                return False
            return not token.is_expired()
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
