"""/metrics on both tiers: django-prometheus's request metrics plus the tier's own collectors,
behind a bearer token (docs/operations.md, "Metrics and logs").

The tier's collectors (settings.METRICS_COLLECTORS, dotted paths to prometheus_client
collectors) read the database at scrape time, so a figure is right whichever process did the
work: ingest, the uplink, Celery workers and the web are separate processes, and a counter kept
in one of them would be invisible to the process Prometheus scrapes.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

_lock = threading.Lock()
_collectors: dict[str, object] = {}


def tier_collectors() -> list:
    """The tier's collectors (settings.METRICS_COLLECTORS), made once per process."""
    with _lock:
        for path in getattr(settings, "METRICS_COLLECTORS", ()):
            if path not in _collectors:
                _collectors[path] = import_string(path)()
                if not MULTIPROCESS:
                    REGISTRY.register(_collectors[path])
        return list(_collectors.values())


def registry() -> CollectorRegistry:
    """What a scrape exposes. Under several server processes (uvicorn --workers) with
    PROMETHEUS_MULTIPROC_DIR set, every process's counters are summed from that directory;
    else this process's own registry."""
    collectors = tier_collectors()
    if not MULTIPROCESS:
        return REGISTRY
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged)
    for collector in collectors:
        merged.register(collector)
    return merged


def token_refusal(request: HttpRequest) -> JsonResponse | None:
    """None when the request carries the metrics token, else the answer that says why not."""
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token:
        return JsonResponse(
            {"detail": "metrics are off: set SMARTCART_METRICS_TOKEN (or SMARTCART_METRICS_TOKEN_FILE) "
                       "and scrape with the header `Authorization: Bearer <token>`"},
            status=404,
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return JsonResponse(
            {"detail": "metrics need the header `Authorization: Bearer <SMARTCART_METRICS_TOKEN>`"},
            status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return JsonResponse({"detail": "wrong metrics token"}, status=403)
    return None


def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text exposition, for a scraper holding the token."""
    if (refusal := token_refusal(request)) is not None:
        return refusal
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
