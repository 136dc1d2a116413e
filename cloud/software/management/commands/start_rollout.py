"""python manage.py start_rollout --release ID (--store CODE ... | --group NAME) [--by NAME]
[--wait SECONDS] — what the console's rollout form does, for scripts, the demo and benches.

Prints the rollout as JSON (with each store's update). With --wait it then waits until the
rollout is over (every store's update final) and prints it again; exits 1 when any store's
update did not switch, or with `refused: <sentence>` when the rollout cannot start.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from cloud.releases.models import Release
from cloud.software import services
from cloud.software.api.views import detail
from cloud.software.errors import RolloutError
from cloud.software.models import Rollout, StoreUpdate


class Command(BaseCommand):
    help = "Start an on-prem rollout (as POST /api/v1/rollouts/ does)."

    def add_arguments(self, parser):
        parser.add_argument("--release", required=True, type=int, help="an onprem-v1 release id")
        parser.add_argument("--store", action="append", default=[], help="a store code (repeat)")
        parser.add_argument("--group", help="a store group name instead of --store")
        parser.add_argument("--by", default="manage.py", help="who starts it (audited)")
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the end")

    def handle(
        self, *args, release: int, store: list, group: str | None, by: str, wait: float, **options
    ):
        found = Release.objects.filter(pk=release).first()
        if found is None:
            raise CommandError(f"refused: no release {release}")
        if bool(store) == bool(group):
            raise CommandError("refused: give --store (one or more) or --group, not both")
        try:
            rollout = services.start_rollout(found, {"group": group} if group else store, by)
        except RolloutError as exc:
            raise CommandError(f"refused: {exc}") from None
        self.stdout.write(json.dumps(detail(rollout.pk), default=str))
        if wait > 0:
            self.wait_for_end(rollout.pk, wait)

    def wait_for_end(self, pk: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while Rollout.objects.get(pk=pk).state in Rollout.OPEN:
            if time.monotonic() > deadline:
                raise CommandError(f"rollout {pk} is not over after {seconds:g} s")
            time.sleep(0.5)
            services.settle_commands([pk])
        self.stdout.write(json.dumps(detail(pk), default=str))
        unswitched = (
            StoreUpdate.objects.filter(rollout_id=pk)
            .exclude(state="switched")
            .select_related("store")
        )
        if unswitched.exists():
            raise CommandError(
                "not switched: "
                + "; ".join(f"{u.store.code} {u.state}: {u.reason}" for u in unswitched)
            )
