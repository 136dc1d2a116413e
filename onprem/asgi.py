"""ASGI entry of the onprem tier: HTTP through Django's WSGI handler in a fixed pool of
threads, WebSockets through Channels routing.

Why not Django's ASGI handler for HTTP: it runs every request's sync code in a thread of its
own, so a persistent database connection (CONN_MAX_AGE) is opened per request and left behind
in a thread that is gone. 50 shoppers scanning at once used up MariaDB's 151 connections in
seconds (error 1040, a 500 for a third of the scans); with CONN_MAX_AGE=0 instead, every
request pays a new connection. The store's HTTP API has no async views, so a fixed pool of
SMARTCART_HTTP_THREADS threads (a2wsgi) serves it: each thread keeps its one connection
(docs/decisions.md, "HTTP from a fixed pool of threads"; figures in docs/benchmarks.md).
"""

from __future__ import annotations

import os

from a2wsgi import WSGIMiddleware
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onprem.settings")
django_wsgi = get_wsgi_application()

from django.conf import settings  # noqa: E402 - needs Django set up first

from onprem.routing import websocket_urlpatterns  # noqa: E402

http = WSGIMiddleware(django_wsgi, workers=settings.HTTP_THREADS)
# WebSockets are the staff dashboard's: a Django session (cookie) identifies the user, and the
# Origin must be one of ALLOWED_HOSTS so another site's page cannot open one with that cookie.
websocket = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
application = ProtocolTypeRouter({"http": http, "websocket": websocket})
