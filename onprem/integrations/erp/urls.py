from __future__ import annotations

from django.urls import path

from .views import StatusView, SyncView

urlpatterns = [
    path("sync", SyncView.as_view(), name="erp-sync"),
    path("status", StatusView.as_view(), name="erp-status"),
]
