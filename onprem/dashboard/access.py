"""Who may open the dashboard: signed-in staff (user.is_staff). Everyone else is sent to sign in
(anonymous) or refused with a 403 (signed in, not staff)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def staff_page(view):
    """Decorate a dashboard view: anonymous -> the login page (?next=), non-staff -> 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied("The dashboard is for store staff.")
        return view(request, *args, **kwargs)

    return guarded
