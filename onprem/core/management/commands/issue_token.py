from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from onprem.core.tokens import DEFAULT_HOURS, MAX_HOURS, issue_token


class Command(BaseCommand):
    help = "Print a bearer token for an existing user (e.g. --username alice --scope staff)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--scope", action="append", required=True, help="repeat for several scopes")
        parser.add_argument("--hours", type=int, default=DEFAULT_HOURS,
                            help=f"how long the token lives (1 to {MAX_HOURS})")

    def handle(self, *args, username: str, scope: list[str], hours: int, **options):
        try:
            token = issue_token(username=username, scopes=scope, hours=hours)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}: create it first (manage.py createsuperuser)") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(token.token)
