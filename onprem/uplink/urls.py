"""The uplink app's store endpoints (under /api/v1/): support bundle downloads."""

from __future__ import annotations

from django.urls import path

from .api.views import SupportBundleView

urlpatterns = [
    path("support-bundles/<str:bundle_id>/", SupportBundleView.as_view(), name="support-bundle"),
]
