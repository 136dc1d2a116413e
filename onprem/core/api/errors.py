"""One error shape for the whole API: {"error": code, "detail": sentence, "fields": {...}}."""

from __future__ import annotations

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body = {"error": getattr(data["detail"], "code", "error"), "detail": str(data["detail"])}
    else:
        body = {"error": "invalid", "detail": "The request has invalid fields.", "fields": data}
    response.data = body
    return response
