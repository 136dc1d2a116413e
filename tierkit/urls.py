"""The URLs both tiers serve the same way: sign-in, OAuth2, the API schema and its docs."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import LoginView, LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider import views as oauth2_views

from tierkit.metrics import metrics

# Only the protocol endpoints: applications are registered by admins in /admin/, never by
# any signed-in user at /o/applications/register/ (docs/operations.md, "Sign-in, tokens
# and production mode").
OAUTH2_ENDPOINTS = [
    path("authorize/", oauth2_views.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth2_views.IntrospectTokenView.as_view(), name="introspect"),
]


# Where /o/authorize/ sends a visitor to sign in: any active user (a shopper, an ops-group
# member), which the admin's own login, for staff only, would turn away. Throttled by axes.
class SignInView(LoginView):
    def get_template_names(self) -> list[str]:
        # A tier may dress the page up (on-prem: a link to its shopper sign-up page).
        return ["smartcart/login.html", *super().get_template_names()]


SIGN_IN = SignInView.as_view(
    template_name="admin/login.html",
    extra_context={"site_header": "SmartCart", "site_title": "SmartCart"},
)


def tier_urls(healthz) -> list:
    """What every tier serves before its own API routes."""
    return [
        path("healthz", healthz, name="healthz"),
        path("metrics", metrics, name="metrics"),  # Prometheus, with SMARTCART_METRICS_TOKEN
        path("accounts/login/", SIGN_IN, name="login"),
        # POST only (Django 5): the dashboard's "Sign out" button is a form with its CSRF token.
        path("accounts/logout/", LogoutView.as_view(next_page="login"), name="logout"),
        path("admin/", admin.site.urls),
        path("o/", include((OAUTH2_ENDPOINTS, "oauth2_provider"))),
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    ]
