"""python manage.py sync_erp [--full] [--stock-only] — sync the catalog from the ERP now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from onprem.integrations.erp.base import ErpError
from onprem.integrations.erp.services import sync_catalog, sync_stock


class Command(BaseCommand):
    help = "Pull products, prices and stock from the ERP now (the schedule does this on its own)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="every product, not only changes")
        parser.add_argument("--stock-only", action="store_true")

    def handle(self, *args, full: bool, stock_only: bool, **options):
        steps = [("stock", lambda: sync_stock(full=full))]
        if not stock_only:
            steps.insert(0, ("catalog", lambda: sync_catalog(full=full)))
        for name, step in steps:
            try:
                run = step()
            except ErpError as exc:
                raise CommandError(f"{name} sync failed: {exc}") from None
            self.stdout.write(f"{name}: {run.status}, created {run.created}, updated {run.updated}, "
                              f"unchanged {run.unchanged}, rejected {run.rejected_count}"
                              + (f" — {run.error}" if run.error else ""))
            if run.error:
                raise CommandError(f"{name} sync failed: {run.error}")
