"""WebSocket routes of the cloud tier."""

from __future__ import annotations

from django.urls import path

from cloud.tunnel.consumers import TunnelConsumer

websocket_urlpatterns = [
    path("ws/tunnel/v1/", TunnelConsumer.as_asgi()),
]
