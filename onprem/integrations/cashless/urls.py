from __future__ import annotations

from django.urls import path

from onprem.integrations.cashless.api.views import EventReceiver

urlpatterns = [
    path("events/<str:secret>/", EventReceiver.as_view(), name="cashless-events"),
]
