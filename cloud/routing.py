"""WebSocket routes of the cloud tier."""

websocket_urlpatterns: list = []
