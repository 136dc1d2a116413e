"""One error shape for both tiers' APIs: {"error": code, "detail": sentence, "fields": {...}}."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(response.data)
    return response


def error_body(data) -> dict:
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        return {"error": getattr(data["detail"], "code", "error"), "detail": str(data["detail"])}
    if isinstance(data, list):  # ValidationError("sentence"): no field to name
        return {"error": "invalid", "detail": " ".join(str(message) for message in data)}
    return {"error": "invalid", "detail": "The request has invalid fields.", "fields": data}


def not_found(request, exception=None):
    """handler404: an API path that matches no route answers in the API's shape, not an HTML page."""
    if request.path.startswith("/api/"):
        body = {"error": "not_found", "detail": "No API endpoint or object at this path."}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
