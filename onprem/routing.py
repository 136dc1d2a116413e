"""WebSocket routes of the onprem tier."""

from django.urls import path

from onprem.dashboard.consumers import DashboardConsumer

websocket_urlpatterns: list = [
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
]
