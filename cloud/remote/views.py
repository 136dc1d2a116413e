"""GET|POST|… /remote/{store}/{path} and /remote/{store}/racks/{rack}/{path}: the proxy."""

from __future__ import annotations

import time

from channels.db import database_sync_to_async
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .access import Refusal, check_access
from .proxy import audit, open_exchange, request_body, split_path
from .services import Attempt


@csrf_exempt  # bearer clients have no CSRF token; a console session is checked by DRF's rule
async def remote_proxy(request, **_):
    started = time.monotonic()
    store_code, path = split_path(request)
    attempt = Attempt(request.method, path, store_code, timezone.now())
    try:
        if not store_code:
            raise Refusal(400, "bad_path", "Write the store code plainly: /remote/{store}/{path}.")
        body = request_body(request)
        await database_sync_to_async(check_access)(request, attempt)
        return await open_exchange(request, attempt, body, started)
    except Refusal as refusal:
        attempt.status, attempt.refused = refusal.status, str(refusal)
        await audit(attempt, started)
        return refused(refusal)


def refused(refusal: Refusal) -> JsonResponse:
    response = JsonResponse({"error": refusal.code, "detail": str(refusal)}, status=refusal.status)
    if refusal.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="smartcart-cloud"'
    return response
