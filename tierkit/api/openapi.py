"""What drf-spectacular cannot see by itself: our bearer tokens and the errors every view can return.

Both tiers use `AutoSchema` below as DEFAULT_SCHEMA_CLASS (smartcart.tiersettings), which also
imports the token extension before any view's schema is built.
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from rest_framework import serializers

WHY = {
    "400": "A query parameter or the body is invalid; `fields` names which and why.",
    "401": "No credentials, or a token that is unknown or expired.",
    "403": "The token lacks the operation's scopes (or the session is not staff).",
    "404": "Nothing with that id.",
    "415": "The body is not JSON (Content-Type: application/json).",
}


class ErrorSerializer(serializers.Serializer):
    """Every 4xx body (tierkit.api.errors): a code, a sentence, per-field messages if invalid."""

    error = serializers.CharField(
        help_text="invalid, not_found, not_authenticated, permission_denied..."
    )
    detail = serializers.CharField(help_text="one sentence for a person")
    fields = serializers.DictField(
        required=False, help_text="per-field messages when error is invalid"
    )

    class Meta:
        ref_name = "Error"


class ScopedBearerToken(DjangoOAuthToolkitScheme):
    """django-oauth-toolkit bearer tokens, with the scopes our views declare in `required_scopes`.

    The stock extension reads scopes only from DOT's own permission classes; ours (ScopedAccess,
    OpsAccess) keep them on the view, so without this the schema showed only cookie auth.
    """

    priority = 1

    def get_security_requirement(self, auto_schema):
        scopes = getattr(auto_schema.view, "required_scopes", None)
        return {self.name: list(scopes)} if scopes else None


class AutoSchema(openapi.AutoSchema):
    """Adds the 400/401/403/404 answers an operation can give, each with the Error body."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = {
            "content": {
                "application/json": {
                    "schema": self.resolve_serializer(ErrorSerializer, "response").ref
                }
            }
        }
        for status in error_statuses(path, operation):
            operation["responses"].setdefault(status, {"description": WHY[status], **error})
        return operation


def error_statuses(path: str, operation: dict) -> list[str]:
    statuses = []
    if operation.get("requestBody") or any(
        p["in"] == "query" for p in operation.get("parameters", [])
    ):
        statuses.append("400")
    if any(requirement for requirement in operation.get("security", [])):
        statuses += ["401", "403"]
    if "{" in path:
        statuses.append("404")
    if operation.get("requestBody"):
        statuses.append("415")
    return statuses
