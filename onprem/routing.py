"""WebSocket routes of the onprem tier."""

websocket_urlpatterns: list = []
