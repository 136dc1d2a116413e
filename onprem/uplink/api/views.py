"""Downloading a support bundle that `action.support_bundle` built (ops, through the proxy)."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import APIView

from onprem.core.permissions import ScopedAccess
from onprem.uplink.support_bundle import BUNDLE_ID, find_bundle
from tierkit.api.openapi import ErrorSerializer

BUNDLE_PARAMETER = OpenApiParameter(
    "bundle_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=BUNDLE_ID.pattern,
    description="the bundle_id that action.support_bundle returned",
)


class SupportBundleView(APIView):
    """One support bundle (tar.gz) by id; bundles live 24 h, the newest five are kept."""

    permission_classes = [ScopedAccess]
    required_scopes = ["ops"]

    @extend_schema(
        parameters=[BUNDLE_PARAMETER],
        responses={
            (200, "application/gzip"): OpenApiTypes.BINARY,
            400: OpenApiResponse(ErrorSerializer, description="Not a support bundle id."),
        },
    )
    def get(self, request, bundle_id: str):
        if not BUNDLE_ID.fullmatch(bundle_id):
            raise ValidationError(
                "bundle_id is not a support bundle id (like 20261123T214600Z-1a2b3c4d)."
            )
        path = find_bundle(bundle_id)
        if path is None:
            raise NotFound(
                f"No support bundle {bundle_id}: it was never built here, or it expired."
            )
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"support-{bundle_id}.tar.gz",
            content_type="application/gzip",
        )
