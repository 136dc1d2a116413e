"""The shopper app's API (/api/v1/shopper/...), the staff and till endpoints of shopping, and
the sign-up page. Each helper module below owns its routes."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("onprem.shopping.api.account_urls")),
    path("", include("onprem.shopping.api.session_urls")),
    path("", include("onprem.shopping.api.checkout_urls")),
    path("", include("onprem.shopping.api.help_urls")),
]
