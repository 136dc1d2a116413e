"""`manage.py issue_token` hands a user only the scopes of their role, for hours, not weeks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken


def test_it_refuses_a_staff_token_to_a_shopper(people):
    with pytest.raises(
        CommandError, match="user 'sam' may not hold scope\\(s\\) staff; it may hold shopper"
    ):
        call_command("issue_token", "--username", "sam", "--scope", "staff")


def test_it_refuses_any_token_to_a_deactivated_user(people):
    with pytest.raises(
        CommandError, match="user 'ian' may not hold scope\\(s\\) staff; it may hold no scope"
    ):
        call_command("issue_token", "--username", "ian", "--scope", "staff")


def test_it_issues_a_twelve_hour_token_by_default_and_stores_only_its_hash(people, capsys):
    call_command("issue_token", "--username", "stella", "--scope", "staff")

    printed = capsys.readouterr().out.strip()
    row = AccessToken.objects.get(user=people["staff"])
    assert row.token == "" and len(printed) > 30
    assert abs(row.expires - (timezone.now() + timedelta(hours=12))) < timedelta(minutes=1)


def test_it_refuses_a_lifetime_beyond_a_week(people):
    with pytest.raises(CommandError, match="a token lives 1 to 168 hours, not 720"):
        call_command("issue_token", "--username", "stella", "--scope", "staff", "--hours", "720")
