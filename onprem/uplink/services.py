"""What the store tells the cloud: a heartbeat built from live component checks and fleet counts."""

from __future__ import annotations

import logging

from django.conf import settings

from onprem.core.health import component_health
from onprem.fleet.services import fleet_summary
from smartcart.software import software
from smartcart.tunnel_frames import MAX_HEARTBEAT_TEXT

log = logging.getLogger(__name__)


def build_heartbeat() -> dict:
    """The body of one heartbeat frame (docs/tunnel.md): components, overall status, fleet counts.

    Ingest lag travels inside components["ingest"] (lag_ms, last_flush_age_s), as /healthz shows it.
    """
    components = {name: clipped(c) for name, c in component_health().items()}
    fleet = clipped(fleet_counts())
    healthy = all(c["ok"] for c in components.values()) and "error" not in fleet
    return {
        "store": settings.STORE_ID,
        "status": "ok" if healthy else "degraded",
        "components": components,
        "fleet": fleet,
        "software": software(),
    }


def clipped(part: dict) -> dict:
    """`part` with its texts cut to what the cloud accepts: a long error must not cost the beat."""
    return {
        key: value[: MAX_HEARTBEAT_TEXT - 1] + "…"
        if isinstance(value, str) and len(value) > MAX_HEARTBEAT_TEXT
        else value
        for key, value in part.items()
    }


def fleet_counts() -> dict:
    # A heartbeat must still go out when the database is down: that is when the cloud needs it.
    try:
        return fleet_summary()
    except Exception as exc:
        log.warning("fleet counts unavailable for the heartbeat: %s", exc)
        return {"error": f"{type(exc).__name__}: {exc}"}
