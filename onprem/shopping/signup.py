"""The sign-up page (/accounts/signup/): a new shopper creates an account in the browser the
app opened for /o/authorize/, is signed in, and goes back where `next` says (the authorize
URL), so the app's PKCE sign-in carries on without a second password prompt."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import accounts
from .api.accounts import SignUpBurstThrottle, SignUpHourlyThrottle

# Signed in by the model backend itself: axes counts failed logins, not new accounts.
BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignUpForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your first name"), max_length=150, help_text=_("The cart greets you with it.")
    )
    email = forms.EmailField(label=_("Email"), max_length=150)
    password = forms.CharField(
        label=_("Password"), max_length=128, strip=False, widget=forms.PasswordInput
    )


def safe_next(request) -> str:
    """`next` if it stays on this site (the app's /o/authorize/ URL), else "": never another
    host, so the page cannot be used to bounce a fresh account to a look-alike site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


def throttled(request) -> float | None:
    """Seconds to wait when this address has signed up too often: the API's limits and
    counts (one budget per address, whichever way it signs up), or None."""
    waits = [
        throttle.wait() or 60.0
        for throttle in (SignUpBurstThrottle(), SignUpHourlyThrottle())
        if not throttle.allow_request(request, None)
    ]
    return max(waits) if waits else None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and (wait := throttled(request)):
        minutes = max(1, round(wait / 60))
        form.add_error(
            None,
            _("Too many sign-ups from this address: try again in %(minutes)d minute(s).")
            % {"minutes": minutes},
        )
        context = {"form": form, "next": safe_next(request)}
        return render(request, "shopping/signup.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.create_shopper_account(**form.cleaned_data)
        except accounts.AccountRefused as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    form.add_error(field, message)
        else:
            login(request, user, backend=BACKEND)
            if safe_next(request):
                return redirect(safe_next(request))
            return render(request, "shopping/signup_done.html", {"user": user})
    return render(request, "shopping/signup.html", {"form": form, "next": safe_next(request)})
