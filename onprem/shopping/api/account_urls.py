"""Shopper accounts: the API's sign-up and me, and the browser's sign-up page."""

from __future__ import annotations

from django.urls import path

from onprem.shopping import signup

from . import accounts

urlpatterns = [
    path("api/v1/shopper/accounts/", accounts.SignUpView.as_view(), name="shopper-accounts"),
    path("api/v1/shopper/me/", accounts.MeView.as_view(), name="shopper-me"),
    path("accounts/signup/", signup.sign_up, name="signup"),
]
