from __future__ import annotations

from django.http import JsonResponse

from .health import component_health


def healthz(request):
    """No auth: load balancers read it. 503 when a component is down."""
    components = component_health()
    ok = all(c["ok"] for c in components.values())
    body = {"status": "ok" if ok else "degraded", "tier": "cloud", "components": components}
    return JsonResponse(body, status=200 if ok else 503)
