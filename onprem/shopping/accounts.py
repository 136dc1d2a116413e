"""Shopper accounts: sign-up by email, the one verb both the API and the sign-up page call.

A shopper is a plain active user (onprem/core/roles.py gives every active user the shopper
scope): the username is the email in lower case, so one address is one account whatever its
case, and `first_name` is the display name the cart greets.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class AccountRefused(Exception):
    """Why an account was not created, per field: {"email": [...], "password": [...]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_shopper_account(*, email: str, password: str, display_name: str):
    """A new shopper who can sign in at /accounts/login/ with this email and password.

    Raises AccountRefused when the email is taken or Django's password validators refuse
    the password (their messages, per field)."""
    User = get_user_model()
    email = normalise_email(email)
    user = User(username=email, email=email, first_name=display_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountRefused({"password": list(exc.messages)}) from None
    user.set_password(password)
    taken = AccountRefused({"email": [_("An account with this email already exists.")]})
    try:
        with transaction.atomic():
            if User.objects.filter(username__iexact=email).exists():
                raise taken
            user.save()
    except IntegrityError:  # the same email signed up at the same moment
        raise taken from None
    logger.info("shopper account created user=%s", user.pk)
    return user
