"""ASGI entry of the cloud tier: HTTP through Django, WebSockets through Channels routing."""

from __future__ import annotations

import os

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloud.settings")
django_asgi = get_asgi_application()

from cloud.routing import websocket_urlpatterns  # noqa: E402 - needs Django set up first

application = ProtocolTypeRouter(
    {"http": django_asgi, "websocket": URLRouter(websocket_urlpatterns)}
)
