"""The updates API (docs/ota.md, "On-prem API"): jobs, forced updates, releases, artifacts and a
cart's firmware history. Scopes on every view; every lookup goes through access.py."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions, generics, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from onprem.core.device_auth import DeviceBasicAuthentication, DeviceOrScopedAccess
from onprem.fleet.api.filters import valid_query
from onprem.fleet.models import Cart
from smartcart.release import parse_version
from tierkit.api.openapi import ErrorSerializer
from tierkit.api.pagination import BoundedPagination
from tierkit.ranges import file_response

from .. import artifacts, gates, services
from ..choices import ArtifactState, JobKind
from ..models import Release, UpdateJob
from . import serializers
from .access import caller, visible_jobs

AUTHENTICATION = [OAuth2Authentication, SessionAuthentication, DeviceBasicAuthentication]
STAFF_OR_DEVICE = ["staff", "ops", "device"]


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


class Page(BoundedPagination):
    pass


def explain(error: services.UpdateError):
    """The API's answer to an update that cannot be asked for."""
    kinds = {403: exceptions.PermissionDenied, 404: exceptions.NotFound, 409: Conflict}
    return kinds.get(error.status, exceptions.ValidationError)(str(error))


class DeviceAware:
    authentication_classes = AUTHENTICATION
    permission_classes = [DeviceOrScopedAccess]


@extend_schema_view(
    list=extend_schema(parameters=[serializers.JobFilters]),
    retrieve=extend_schema(responses={200: serializers.JobDetailSerializer}),
)
class JobViewSet(DeviceAware, viewsets.ReadOnlyModelViewSet):
    """Update jobs, newest first: staff see all; a rack, itself and the carts docked in it now."""

    required_scopes = STAFF_OR_DEVICE
    serializer_class = serializers.JobSerializer
    pagination_class = Page
    queryset = UpdateJob.objects.none()  # for the schema; get_queryset answers requests

    def get_serializer_class(self):
        return (
            serializers.JobDetailSerializer
            if self.action == "retrieve"
            else serializers.JobSerializer
        )

    def get_queryset(self):
        jobs = visible_jobs(caller(self.request))
        if self.action == "retrieve":
            return jobs.prefetch_related("transitions")
        wanted = valid_query(serializers.JobFilters, self.request.query_params)
        if "cart" in wanted:
            jobs = jobs.filter(device_id=wanted["cart"])
        if "state" in wanted:
            jobs = jobs.filter(state=wanted["state"])
        return jobs.order_by("-created_at", "-id")


class CartUpdateView(DeviceAware, APIView):
    """Update one cart to a release the store knows: staff, or the rack the cart is docked in
    now, with its own credentials. The job waits for the install gates."""

    required_scopes = STAFF_OR_DEVICE

    @extend_schema(
        request=serializers.UpdateRequestSerializer,
        responses={
            201: serializers.JobSerializer,
            409: OpenApiResponse(
                ErrorSerializer, "An unfinished job, or the cart runs it already."
            ),
        },
    )
    def post(self, request, device_id: str):
        who = caller(request)
        if who.device is not None and who.rack is None:
            raise exceptions.PermissionDenied(
                "Only staff or the rack a cart is docked in may update it."
            )
        wanted = valid_body(serializers.UpdateRequestSerializer, request.data)
        try:
            job = services.request_update(
                cart_id=device_id, requested_by=who.requested_by, rack=who.rack, **wanted
            )
        except services.UpdateError as exc:
            raise explain(exc) from None
        return Response(serializers.JobSerializer(job).data, status=201)


class RackUpdateView(DeviceAware, APIView):
    """Update every cart docked in this rack now: staff, or this rack with its own credentials."""

    required_scopes = STAFF_OR_DEVICE

    @extend_schema(
        request=serializers.UpdateRequestSerializer,
        responses={201: serializers.RackUpdateSerializer},
    )
    def post(self, request, device_id: str):
        who = caller(request)
        if who.device is not None and who.rack != device_id:
            raise exceptions.PermissionDenied(
                "Only staff or this rack itself may update the carts docked in it."
            )
        wanted = valid_body(serializers.UpdateRequestSerializer, request.data)
        if who.device is None and not gates.devices_now(JobKind.RACK, [device_id]):
            raise exceptions.NotFound(f"this store has no rack {device_id!r}")
        try:
            result = services.request_rack_update(
                rack_id=device_id, requested_by=who.requested_by, **wanted
            )
        except services.UpdateError as exc:
            raise explain(exc) from None
        body = {
            "jobs": serializers.JobSerializer(result.jobs, many=True).data,
            "skipped": result.skipped,
        }
        return Response(body, status=201)


def valid_body(serializer_class, data) -> dict:
    if not isinstance(data, dict):
        raise exceptions.ValidationError("The body must be a JSON object.")
    wanted = serializer_class(data=data)
    wanted.is_valid(raise_exception=True)
    return dict(wanted.validated_data)


@extend_schema_view(get=extend_schema(parameters=[serializers.ReleaseFilters]))
class ReleaseListView(DeviceAware, generics.ListAPIView):
    """Releases the store knows, newest version first (testing channel included)."""

    required_scopes = STAFF_OR_DEVICE
    serializer_class = serializers.ReleaseSerializer
    pagination_class = Page
    queryset = Release.objects.none()  # for the schema; get_queryset answers requests

    def get_queryset(self):
        caller(self.request)
        wanted = valid_query(serializers.ReleaseFilters, self.request.query_params)
        releases = Release.objects.filter(**wanted)
        return sorted(releases, key=lambda r: (r.hardware, parse_version(r.version)), reverse=True)


class ArtifactView(DeviceAware, APIView):
    """A cached, verified release image, by its sha256, with HTTP Range (206; 416 past the end)."""

    required_scopes = STAFF_OR_DEVICE

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            (206, "application/octet-stream"): OpenApiTypes.BINARY,
            416: OpenApiResponse(ErrorSerializer, "The Range starts past the end."),
        }
    )
    def get(self, request, sha256: str):
        caller(request)
        release = Release.objects.filter(sha256=sha256, artifact_state=ArtifactState.CACHED).first()
        path = artifacts.cached_path(sha256) if release else None
        if path is None or not path.exists():
            raise exceptions.NotFound("The store holds no verified image with this sha256.")
        return file_response(
            path,
            size=release.size,
            range_header=request.headers.get("Range"),
            etag=sha256,
            asgi=hasattr(request._request, "scope"),
        )


class CartFirmwareView(DeviceAware, APIView):
    """A cart's firmware and its update history (staff)."""

    required_scopes = ["staff", "ops"]

    @extend_schema(responses={200: serializers.CartFirmwareSerializer})
    def get(self, request, device_id: str):
        caller(request)
        if not Cart.objects.filter(device_id=device_id).exists():
            raise exceptions.NotFound(f"this store has no cart {device_id!r}")
        cart = gates.devices_now(JobKind.CART, [device_id])[device_id]
        jobs = UpdateJob.objects.filter(kind="cart", device_id=device_id).select_related(
            "release", "campaign"
        )
        body = {
            "device": device_id,
            "firmware": cart.firmware,
            "jobs": jobs.order_by("-created_at")[:100],
        }
        return Response(serializers.CartFirmwareSerializer(body).data)
