"""A store that never takes the update (offline for the command's 24 h): the monitor's sweep
fails its update with a sentence, and the rollout is over."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from cloud.commands.models import StoreCommand
from cloud.software import services
from cloud.software.models import Rollout, StoreUpdate


def test_the_sweep_fails_an_update_whose_command_expired(transactional_db, onprem_release, stores):
    # transactional: the monitor closes stale connections, which a test transaction cannot survive
    rollout = services.start_rollout(onprem_release("0.2.0"), ["store-001", "store-002"], "ops")
    StoreCommand.objects.filter(store__code="store-001").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    StoreUpdate.objects.filter(store__code="store-002").update(state="switched")

    call_command("monitor", "--once", stdout=StringIO())

    update = StoreUpdate.objects.get(store__code="store-001")
    assert (update.state, update.reason) == ("failed", "the store did not take the update in 24 h")
    assert update.finished_at is not None
    assert Rollout.objects.get(pk=rollout.pk).state == "finished"
