"""python manage.py homologate erp|cashless — walk every integration step, write a report."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each integration exposes homologation.run(**options) -> Homologation.
INTEGRATIONS = {"erp": "onprem.integrations.erp.homologation", "cashless": "onprem.integrations.cashless.homologation"}


class Command(BaseCommand):
    help = "Run the scripted homologation walk-through against the configured test system."

    def add_arguments(self, parser):
        parser.add_argument("integration", choices=sorted(INTEGRATIONS))
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "homologation"),
                            help="folder for the Markdown and JSON reports")

    def handle(self, *args, integration: str, out: str, **options):
        report = importlib.import_module(INTEGRATIONS[integration]).run()
        md_path, json_path = report.write(Path(out))
        for step in report.steps:
            mark = "pass" if step.passed else "FAIL"
            self.stdout.write(f"{mark:4} {step.ms:8.1f} ms  {step.name}" + (f" — {step.error}" if step.error else ""))
        self.stdout.write(f"report: {md_path} and {json_path}")
        if not report.passed:
            failed = sum(not s.passed for s in report.steps)
            raise CommandError(f"homologation of {integration} failed: {failed} of {len(report.steps)} steps failed")
