"""The dashboard's language: the signed-in user's setting (StaffPreference), else the browser's
choice (Django's language cookie, then Accept-Language), else LANGUAGE_CODE."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .models import StaffPreference

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


def preferred(user) -> str | None:
    if not (user is not None and user.is_authenticated):
        return None
    return StaffPreference.objects.filter(user=user).values_list("language", flat=True).first()


def supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_for_scope(scope: dict) -> str:
    """The language of a WebSocket connection, chosen as for a page (see the module doc)."""
    if code := preferred(scope.get("user")):
        return code
    if code := supported(scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)):
        return code
    accept = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1")
    for code, _ in parse_accept_lang_header(accept):
        if found := supported(code):
            return found
    return settings.LANGUAGE_CODE


class StaffLanguageMiddleware:
    """After LocaleMiddleware and authentication: a signed-in user's own setting wins."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if code := preferred(getattr(request, "user", None)):
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


@require_POST
def choose_language(request) -> HttpResponse:
    """The header's language menu: remembered for the user, and as Django's cookie."""
    code = request.POST.get("language")
    if code not in LANGUAGE_CODES:
        return HttpResponse(f"Unknown language {code!r}: one of {', '.join(sorted(LANGUAGE_CODES))}.",
                            status=400, content_type="text/plain")
    if request.user.is_authenticated:
        StaffPreference.objects.update_or_create(user=request.user, defaults={"language": code})
    translation.activate(code)
    return set_language(request)
