"""python manage.py listen_cashless [--base URL] — register this store's event receiver with the terminal."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from onprem.integrations.cashless.client import CashlessClient
from onprem.integrations.cashless.errors import CashlessError
from onprem.integrations.cashless.services import ReceiverOffError, callback_url


class Command(BaseCommand):
    help = ("Register the on-prem event receiver with the cashless terminal, so job updates are "
            "pushed (purchases still poll when an event is lost). Run at start-up and after a terminal reboot.")

    def add_arguments(self, parser):
        parser.add_argument("--base", help="this tier's URL as the terminal reaches it "
                                           "(default SMARTCART_CASHLESS_CALLBACK_BASE)")

    def handle(self, *args, base: str | None, **options):
        try:
            url = callback_url(base)
        except ReceiverOffError as exc:
            raise CommandError(str(exc)) from None
        try:
            CashlessClient.from_settings().register_events(url)
        except CashlessError as exc:
            raise CommandError(f"the terminal refused or did not answer: {exc}") from None
        # The URL holds the receiver's secret: show where, not what.
        self.stdout.write(f"terminal events now go to {url.rsplit('/', 2)[0]}/<secret>/")
