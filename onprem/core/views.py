from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse

from smartcart.software import running_version

from .health import component_health


def healthz(request):
    """No auth: load balancers and the cloud's monitor read it. 503 when a component is down."""
    components = component_health()
    ok = all(c["ok"] for c in components.values())
    body = {"status": "ok" if ok else "degraded", "tier": "onprem", "store": settings.STORE_ID,
            "version": running_version(), "components": components}
    return JsonResponse(body, status=200 if ok else 503)
