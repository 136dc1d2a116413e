"""Scopes granted by role, on both tiers: who a token's holder is decides what it may do.

Each tier names its roles in `<tier>/core/roles.py` (a `RoleMap`) and plugs a `RoleValidator`
subclass into django-oauth-toolkit. The same map answers three questions:

- at the token endpoint: may this user (or this client-credentials app) be granted these scopes?
- on every API call: which of the token's scopes does its holder still hold right now?
  (a deactivated user or a revoked role stops the token at once, without waiting for expiry)
- for `issue_token` and the demo: may this user be handed such a token?
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InvalidScopeError


class RoleMap:
    """Which of the scopes asked for a user holds (`held`), and what an app acting alone may hold.

    `held(user, wanted)` answers only for `wanted`, so a check that needs no group costs no query.
    """

    def __init__(
        self,
        *,
        scopes: Iterable[str],
        held: Callable[[object, set[str]], set[str]],
        service_scopes: Iterable[str],
    ):
        self.scopes = frozenset(scopes)
        self.held = held
        self.service_scopes = frozenset(service_scopes)

    def holds(self, user, wanted: Iterable[str]) -> set[str]:
        """The scopes of `wanted` that `user` holds now: none when absent or deactivated."""
        if user is None or not user.is_active:
            return set()
        return self.held(user, set(wanted) & self.scopes)

    def scopes_of(self, user) -> set[str]:
        return self.holds(user, self.scopes)

    def application_holds(self, application, wanted: Iterable[str]) -> set[str]:
        """A client-credentials app acts as its owner (a service account), service scopes only."""
        return self.holds(application.user, set(wanted) & self.service_scopes)

    def token_scopes(self, token, among: Iterable[str] | None = None) -> set[str]:
        """The token's scopes (those `among`, if given) that its holder still holds."""
        wanted = set(token.scope.split())
        if among is not None:
            wanted &= set(among)
        if token.user_id is not None:
            return self.holds(token.user, wanted)
        if token.application is not None:
            return self.application_holds(token.application, wanted)
        return set()

    def refuse_unheld(self, *, who: str, held: set[str], wanted: Iterable[str]) -> None:
        """ValueError naming what `who` asked for but does not hold."""
        refused = sorted(set(wanted) - held)
        if refused:
            may = ", ".join(sorted(held)) or "no scope"
            raise ValueError(f"{who} may not hold scope(s) {', '.join(refused)}; it may hold {may}")


class RoleValidator(OAuth2Validator):
    """django-oauth-toolkit's validator, granting only the scopes the requester's role holds."""

    roles: RoleMap  # set by each tier's subclass

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        scopes = [s for s in scopes if s]  # oauthlib reads `scope=` as [""]
        if not scopes:
            raise InvalidScopeError(
                description="Ask for a scope (the scope parameter): none is granted by default.",
                request=request,
            )
        unknown = sorted(set(scopes) - self.roles.scopes)
        if unknown:
            raise InvalidScopeError(
                description=f"Unknown scope(s) {', '.join(unknown)}: "
                f"use {', '.join(sorted(self.roles.scopes))}.",
                request=request,
            )
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        held = self._held(client, request)
        if held is None:
            return True  # the consent page before login; checked again on submit and at the code
        try:
            self.roles.refuse_unheld(who=self._who(client, request), held=held, wanted=scopes)
        except ValueError as exc:
            raise InvalidScopeError(description=str(exc), request=request) from None
        return True

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        # The role may have changed between consent and the code exchange.
        wanted = set(request.scopes)
        return wanted <= self.roles.holds(request.user, wanted)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        return request.user is not None and request.user.is_active

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        access = request.access_token
        holder = access.user if access.user_id else getattr(access.application, "user", None)
        if holder is None or not holder.is_active:
            request.oauth2_error = {
                "error": "invalid_token",
                "error_description": "The token's user or service account is deactivated.",
            }
            return False
        return True

    def _load_access_token(self, token):
        # django-oauth-toolkit's own lookup ends in .first(), which adds an ORDER BY that
        # Django compiles on every API call (a tenth of a shopper's scan, profiled): the
        # checksum is unique, so one row or none comes back without it.
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        found = (
            get_access_token_model()
            .objects.select_related("application", "user")
            .filter(token_checksum=checksum)[:1]
        )
        return next(iter(found), None)

    def _held(self, client, request) -> set[str] | None:
        if request.grant_type == "client_credentials":
            return self.roles.application_holds(client, self.roles.scopes)
        if request.user is None:
            return None
        return self.roles.scopes_of(request.user)

    @staticmethod
    def _who(client, request) -> str:
        if request.grant_type == "client_credentials":
            owner = client.user.get_username() if client.user else "no service account"
            return f"application {client.name!r} (client credentials, acting as {owner})"
        return f"user {request.user.get_username()!r}"
