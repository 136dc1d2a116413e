"""The cloud's own metrics for /metrics (tierkit/metrics.py).

Two kinds. Counters of what this process saw (tunnel frames, connections, heartbeats): each
web pod holds its own tunnels, and Prometheus scrapes every pod and sums them. And figures read
from the database at scrape time (stores online, commands, incidents, notices): the monitor,
Celery workers and other pods change those rows, so only the database knows the truth.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.apps import apps
from django.db.models import Count
from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from smartcart import tunnel_frames

log = logging.getLogger(__name__)

TUNNEL_FRAMES = Counter(
    "smartcart_tunnel_frames_received", "Frames the stores sent up their tunnels, by type", ["type"]
)
TUNNEL_CONNECTIONS = Counter(
    "smartcart_tunnel_connections", "Tunnel handshakes, by outcome (accepted, refused)", ["outcome"]
)
HEARTBEATS = Counter("smartcart_heartbeats_received", "Store heartbeats recorded by this process")


# Only known types become label values: a hostile store must not grow the series forever.
KNOWN_FRAMES = {v for k, v in vars(tunnel_frames).items() if k.isupper() and isinstance(v, str)}


def count_frame(frame_type: str) -> None:
    TUNNEL_FRAMES.labels(frame_type if frame_type in KNOWN_FRAMES else "other").inc()


def grouped(model: str, field: str, **filters) -> dict[str, int]:
    """{value of `field`: rows} for an app's model; {} while that app's model does not exist."""
    try:
        rows = apps.get_model(model).objects.filter(**filters)
    except LookupError:
        return {}
    return {key: n for key, n in rows.values_list(field).annotate(n=Count("pk")).order_by()}


class CloudCollector:
    """The chain's state, read from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        for section in (self.stores, self.store_heartbeats, self.commands, self.incidents, self.notices):
            try:
                yield from section()
            except Exception as exc:  # one broken figure must not cost the whole scrape
                # One line, no traceback: a database that is away would repeat it every scrape.
                log.warning("metrics: could not read %s: %s: %s", section.__name__, type(exc).__name__, exc)

    def stores(self) -> Iterator[Metric]:
        by_state = grouped("cloud_stores.Store", "online")
        stores = GaugeMetricFamily("smartcart_stores", "Registered stores, online or not", labels=["state"])
        stores.add_metric(["online"], by_state.get(True, 0))
        stores.add_metric(["offline"], by_state.get(False, 0))
        yield stores
        tunnels = apps.get_model("cloud_stores.Store").objects.exclude(tunnel_channel="").count()
        yield GaugeMetricFamily("smartcart_store_tunnels", "Stores with a live tunnel (any pod)", value=tunnels)

    def store_heartbeats(self) -> Iterator[Metric]:
        """Per online store: its heartbeat's age and its ingest lag (what the store reported)."""
        age = GaugeMetricFamily("smartcart_store_heartbeat_age_seconds", "Seconds since the store's last heartbeat", labels=["store"])
        lag = GaugeMetricFamily("smartcart_store_ingest_lag_ms", "The store's ingest lag, from its heartbeat", labels=["store"])
        now = timezone.now()
        online = apps.get_model("cloud_stores.Store").objects.filter(online=True, last_heartbeat_at__isnull=False)
        for code, at, body in online.values_list("code", "last_heartbeat_at", "last_heartbeat").order_by("code"):
            age.add_metric([code], (now - at).total_seconds())
            ingest = ((body or {}).get("components") or {}).get("ingest") or {}
            if isinstance(ingest.get("lag_ms"), int | float):
                lag.add_metric([code], ingest["lag_ms"])
        yield from (age, lag)

    def commands(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("smartcart_store_commands", "Store commands, by state", labels=["state"])
        for state, n in sorted(grouped("cloud_commands.StoreCommand", "state").items()):
            family.add_metric([state], n)
        yield family

    def incidents(self) -> Iterator[Metric]:
        open_now = grouped("incidents.Incident", "severity", state="open")
        family = GaugeMetricFamily("smartcart_incidents_open", "Open incidents, by severity", labels=["severity"])
        for severity in ("critical", "warning", "info"):
            family.add_metric([severity], open_now.get(severity, 0))
        yield family
        opened = sum(grouped("incidents.Incident", "state").values())
        yield CounterMetricFamily("smartcart_incidents_opened", "Incidents ever opened", value=opened)

    def notices(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "smartcart_notifications", "Notices by channel kind and state (sent, failed, pending)",
            labels=["kind", "state"],
        )
        for (kind, state), n in sorted(notice_counts().items()):
            family.add_metric([kind, state], n)
        yield family


def notice_counts() -> dict[tuple[str, str], int]:
    try:
        notices = apps.get_model("notifications.Notice").objects
    except LookupError:
        return {}
    rows = notices.values_list("channel__kind", "state").annotate(n=Count("pk")).order_by()
    return {(kind or "none", state): n for kind, state, n in rows}
