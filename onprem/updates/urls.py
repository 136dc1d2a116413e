"""Mounted at "" (onprem/urls.py): full paths."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import views

router = SimpleRouter()
router.register("api/v1/updates/jobs", views.JobViewSet, basename="update-job")
urlpatterns = [
    path(
        "api/v1/carts/<str:device_id>/update/", views.CartUpdateView.as_view(), name="cart-update"
    ),
    path(
        "api/v1/racks/<str:device_id>/update/", views.RackUpdateView.as_view(), name="rack-update"
    ),
    path("api/v1/updates/releases/", views.ReleaseListView.as_view(), name="update-releases"),
    path(
        "api/v1/updates/artifacts/<str:sha256>/",
        views.ArtifactView.as_view(),
        name="update-artifact",
    ),
    path(
        "api/v1/updates/carts/<str:device_id>/",
        views.CartFirmwareView.as_view(),
        name="update-cart",
    ),
    *router.urls,
]
