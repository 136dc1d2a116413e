"""Stores as API clients: `X-SmartCart-Store: <code>` and `Authorization: Bearer <store key>`,
the same credentials as the tunnel (cloud.stores.services.authenticate_store).

A store principal holds only the `store` scope: it may download artifacts, nothing an ops
endpoint serves (those take ops tokens and sessions only, and a store key is neither).
"""

from __future__ import annotations

import logging

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from cloud.stores.models import Store
from cloud.stores.services import authenticate_store

log = logging.getLogger(__name__)
STORE_HEADER = "HTTP_X_SMARTCART_STORE"


class StorePrincipal:
    """Who a store-key request is: the store; never a user."""

    is_authenticated = True
    is_active = True
    is_staff = is_superuser = False

    def __init__(self, store: Store):
        self.store = store

    def get_username(self) -> str:
        return f"store:{self.store.code}"


class StoreKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        code = request.META.get(STORE_HEADER, "").strip()
        scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if not code:
            return None  # not a store's request: the permission says what is missing
        if scheme.lower() != "bearer" or not key.strip():
            raise exceptions.AuthenticationFailed(
                "A store sends its key: Authorization: Bearer <key>."
            )
        store = authenticate_store(code=code, key=key.strip())
        if store is None:
            log.warning("store key refused store=%r path=%s", code[:64], request.path)
            raise exceptions.AuthenticationFailed("Unknown store or wrong store key.")
        return StorePrincipal(store), store

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="smartcart-store"'


class StoreAccess(BasePermission):
    """The view's `required_scopes` must be ["store"]; only a store principal holds it."""

    message = (
        "This endpoint is for stores: X-SmartCart-Store and Authorization: Bearer <store key>."
    )

    def has_permission(self, request, view) -> bool:
        if getattr(view, "required_scopes", None) != ["store"]:
            raise AssertionError(f"{type(view).__name__} must declare required_scopes = ['store']")
        return isinstance(request.user, StorePrincipal)


class StoreKeyScheme(OpenApiAuthenticationExtension):
    target_class = StoreKeyAuthentication
    name = "storeKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The store's tunnel key, with its code in the X-SmartCart-Store header.",
        }

    def get_security_requirement(self, auto_schema):
        return {self.name: []}
