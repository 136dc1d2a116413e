"""Mounted at api/v1/ (onprem/urls.py)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from .api.views import AlertViewSet

router = SimpleRouter()
router.register("alerts", AlertViewSet, basename="alert")
urlpatterns = router.urls
