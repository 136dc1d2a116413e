"""python manage.py software_update — take the update in <releases>/update.json to its end
(onprem/software/updater.py). The onprem.update command starts it detached; by hand it
resumes an update whose updater died."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from onprem.software.updater import Updater


class Command(BaseCommand):
    help = "Run the store's on-prem software update recorded in the releases dir's update.json."

    def handle(self, *args, **options):
        job = Updater().run()
        if job is None:
            self.stdout.write("no update to run (or another updater is at work)")
            return
        summary = {k: job.get(k) for k in ("rollout", "version", "state", "step", "reason")}
        self.stdout.write(json.dumps(summary))
