"""The store's own metrics for /metrics (tierkit/metrics.py), read from the database at scrape time.

Ingest workers, the uplink and Celery are separate processes from the web that Prometheus
scrapes; each already writes what it did to the database (IngestState per ingest worker,
command rows), so the scrape reads those rows instead of counters no other process could see.
`rate(smartcart_ingest_stored_total[1m])` is the ingest rate.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from onprem.commands.models import Command
from onprem.fleet.models import Cart, DeadLetter, IngestState, Rack
from onprem.uplink.models import ReceivedCommand

log = logging.getLogger(__name__)

# Dead letters of the last ten minutes: a growing figure is what an ops team acts on, and a
# range on the indexed received_at stays cheap however many letters the table holds.
RECENT = timedelta(minutes=10)


class StoreCollector:
    """Ingest, dead letters, commands and devices of this store."""

    def collect(self) -> Iterator[Metric]:
        for section in (self.ingest, self.dead_letters, self.commands, self.devices):
            try:
                yield from section()
            except Exception as exc:  # one broken figure must not cost the whole scrape
                # One line, no traceback: a database that is away would repeat it every scrape.
                log.warning("metrics: could not read %s: %s: %s", section.__name__, type(exc).__name__, exc)

    def ingest(self) -> Iterator[Metric]:
        stored = CounterMetricFamily("smartcart_ingest_stored", "Messages stored, per ingest worker", labels=["worker"])
        dead = CounterMetricFamily("smartcart_ingest_dead_letters", "Messages dead-lettered, per ingest worker", labels=["worker"])
        lag = GaugeMetricFamily("smartcart_ingest_lag_ms", "Receive-to-commit delay of the last batch", labels=["worker"])
        age = GaugeMetricFamily("smartcart_ingest_last_flush_age_seconds", "Seconds since the worker last committed", labels=["worker"])
        now = timezone.now()
        for state in IngestState.objects.order_by("name"):
            stored.add_metric([state.name], state.stored_total)
            dead.add_metric([state.name], state.dead_total)
            lag.add_metric([state.name], state.lag_ms)
            if state.last_flush_at:
                age.add_metric([state.name], (now - state.last_flush_at).total_seconds())
        yield from (stored, dead, lag, age)

    def dead_letters(self) -> Iterator[Metric]:
        recent = DeadLetter.objects.filter(received_at__gte=timezone.now() - RECENT).count()
        yield GaugeMetricFamily("smartcart_dead_letters_recent", "Dead letters of the last 10 minutes", value=recent)

    def commands(self) -> Iterator[Metric]:
        device = GaugeMetricFamily("smartcart_device_commands", "Commands to carts and racks, by state", labels=["state"])
        for state, n in sorted(by(Command.objects, "state").items()):
            device.add_metric([state], n)
        cloud = GaugeMetricFamily("smartcart_cloud_commands", "Commands the cloud sent this store, by state", labels=["state"])
        for state, n in sorted(by(ReceivedCommand.objects, "state").items()):
            cloud.add_metric([state], n)
        yield from (device, cloud)

    def devices(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("smartcart_devices", "Carts and racks, online or not", labels=["kind", "state"])
        for kind, model in (("cart", Cart), ("rack", Rack)):
            online = by(model.objects, "online")
            family.add_metric([kind, "online"], online.get(True, 0))
            family.add_metric([kind, "offline"], online.get(False, 0))
        yield family


def by(rows, field: str) -> dict:
    return dict(rows.values_list(field).annotate(n=Count("pk")).order_by())
