"""What the store tells the cloud: a heartbeat built from live component checks and fleet counts."""

from __future__ import annotations

import logging

from django.conf import settings

from onprem.core.health import component_health
from onprem.fleet.services import fleet_summary

log = logging.getLogger(__name__)


def build_heartbeat() -> dict:
    """The body of one heartbeat frame (docs/tunnel.md): components, overall status, fleet counts.

    Ingest lag travels inside components["ingest"] (lag_ms, last_flush_age_s), as /healthz shows it.
    """
    components = component_health()
    fleet = fleet_counts()
    healthy = all(c["ok"] for c in components.values()) and "error" not in fleet
    return {
        "store": settings.STORE_ID,
        "status": "ok" if healthy else "degraded",
        "components": components,
        "fleet": fleet,
    }


def fleet_counts() -> dict:
    # A heartbeat must still go out when the database is down: that is when the cloud needs it.
    try:
        return fleet_summary()
    except Exception as exc:
        log.warning("fleet counts unavailable for the heartbeat: %s", exc)
        return {"error": f"{type(exc).__name__}: {exc}"}
