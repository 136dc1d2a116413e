from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def mark_stale_stores_offline() -> list[str]:
    """Beat runs this every 10 s; the `monitor` command does the same where no beat runs."""
    return services.mark_stale_stores_offline()


@shared_task
def sweep_heartbeat_history() -> dict:
    """Offline minutes of the heartbeat history, and its pruning (cloud/stores/history.py)."""
    from . import history

    return history.sweep()
