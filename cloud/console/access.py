"""Who may open the console: a signed-in user holding the ops role (cloud/core/roles.py).

Anyone else signed in (a store's staff have no cloud account, but an account without the
role may exist) gets a 403 page that says so; a visitor who is not signed in goes to the
sign-in page and comes back.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from cloud.core.roles import ROLES


def ops_page(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not ROLES.holds(request.user, ["ops"]):
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded
