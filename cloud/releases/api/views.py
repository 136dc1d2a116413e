from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cloud.core.permissions import OpsAccess
from cloud.releases import campaigns, services
from cloud.releases.errors import CampaignConflict, CampaignError
from cloud.releases.models import Campaign, CampaignStore, Release
from cloud.releases.progress import campaign_progress
from cloud.stores.models import Store
from smartcart.release import Refused
from tierkit.ranges import file_response

from .serializers import (
    CampaignDetailSerializer,
    CampaignRequestSerializer,
    CampaignSerializer,
    RefusalSerializer,
    ReleaseSerializer,
    ReleaseUploadSerializer,
    StoreFirmwareSerializer,
)
from .storeauth import StoreAccess, StoreKeyAuthentication


def refused(detail: str, code: str, status_code: int = 400) -> Response:
    """The API's error shape, with the reason code also as `code` (what scripts match on)."""
    return Response({"error": code, "code": code, "detail": detail}, status=status_code)


REFUSED = OpenApiResponse(RefusalSerializer, description="refused: `code` is the reason code")
CONFLICT = OpenApiResponse(RefusalSerializer, description="the campaign's state does not allow it")


def campaigns_with_stores():
    return Campaign.objects.select_related("release").prefetch_related(
        Prefetch("stores", queryset=CampaignStore.objects.select_related("store"))
    )


class ReleasesView(generics.ListAPIView):
    """Signed releases, per hardware newest first; POST uploads one (verified before it is kept,
    then announced to every store)."""

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    @extend_schema(
        request={"multipart/form-data": ReleaseUploadSerializer},
        responses={201: ReleaseSerializer, 400: REFUSED},
    )
    def post(self, request) -> Response:
        upload = ReleaseUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            release = services.upload_release(
                manifest=upload.validated_data["manifest"].read(),
                artifact=upload.validated_data["artifact"].chunks(),
                uploaded_by=request.user.get_username(),
            )
        except Refused as exc:
            return refused(str(exc), exc.code)
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class ReleaseView(generics.RetrieveAPIView):
    """One release and its signed manifest."""

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]


class ReleaseArtifactView(APIView):
    """The release's image, for stores (their tunnel key), resumable with `Range: bytes=N-`."""

    authentication_classes = [StoreKeyAuthentication]
    permission_classes = [StoreAccess]
    required_scopes = ["store"]

    def permission_denied(self, request, message=None, code=None):
        # Say which credentials this endpoint takes (DRF's stock sentence names none).
        if not request.successful_authenticator:
            raise NotAuthenticated(StoreAccess.message)
        super().permission_denied(request, message, code)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "X-SmartCart-Store",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="the store's code",
            ),
            OpenApiParameter(
                "Range", str, OpenApiParameter.HEADER, description="bytes=N- to resume (one range)"
            ),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="the whole image"),
            (206, "application/octet-stream"): OpenApiResponse(description="the range asked"),
            416: OpenApiResponse(description="the range starts past the end"),
        },
    )
    def get(self, request, pk: int):
        release = get_object_or_404(Release, pk=pk)
        path = services.artifact_file(release)
        if not path.is_file():
            raise NotFound(f"the artifact of release {release.pk} is missing on the cloud")
        return file_response(
            path,
            size=release.size,
            range_header=request.META.get("HTTP_RANGE", ""),
            filename=release.manifest.get("artifact", release.artifact_file),
            etag=release.sha256,
            asgi=hasattr(request._request, "scope"),
        )


class CampaignsView(generics.ListAPIView):
    """Campaigns, newest first; POST starts one (its stores are told at once)."""

    queryset = Campaign.objects.none()  # for the schema; get_queryset serves
    serializer_class = CampaignSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def get_queryset(self):
        return campaigns_with_stores()

    @extend_schema(
        request=CampaignRequestSerializer,
        responses={201: CampaignDetailSerializer, 400: REFUSED, 409: CONFLICT},
    )
    def post(self, request) -> Response:
        asked = CampaignRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            campaign = campaigns.create_campaign(
                created_by=request.user.get_username(), **asked.validated_data
            )
        except CampaignConflict as exc:
            return refused(str(exc), "conflict", 409)
        except CampaignError as exc:
            return refused(str(exc), "invalid")
        return Response(detail(campaign.pk), status=status.HTTP_201_CREATED)


def detail(pk: int) -> dict:
    campaign = get_object_or_404(campaigns_with_stores(), pk=pk)
    campaign.progress = campaign_progress(campaign)
    return CampaignDetailSerializer(campaign).data


class CampaignView(generics.RetrieveAPIView):
    """One campaign with its progress per phase, per store and per device, its behaviour
    figures, why it is paused, and what was done to it."""

    queryset = Campaign.objects.none()
    serializer_class = CampaignDetailSerializer
    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    def retrieve(self, request, pk: int) -> Response:
        return Response(detail(pk))


class CampaignActionView(APIView):
    """POST pause | resume | abort | approve: a new revision, sent to every store."""

    permission_classes = [OpsAccess]
    required_scopes = ["ops"]
    action_name = ""

    @extend_schema(request=None, responses={200: CampaignDetailSerializer, 409: CONFLICT})
    def post(self, request, pk: int) -> Response:
        get_object_or_404(Campaign, pk=pk)
        try:
            campaigns.act(campaign_id=pk, action=self.action_name, by=request.user.get_username())
        except CampaignConflict as exc:
            return refused(str(exc), "conflict", 409)
        return Response(detail(pk))


def action_view(name: str):
    view = type(f"Campaign{name.title()}View", (CampaignActionView,), {"action_name": name})
    view.__doc__ = f"{name.title()} the campaign: {campaigns.ACTION_HELP[name]}"
    return view.as_view()


class StoreFirmwareView(APIView):
    """A store's devices: the version each runs, and its update history."""

    permission_classes = [OpsAccess]
    required_scopes = ["ops"]

    @extend_schema(responses={200: StoreFirmwareSerializer})
    def get(self, request, code: str) -> Response:
        store = get_object_or_404(Store, code=code)
        return Response(StoreFirmwareSerializer(services.store_firmware(store)).data)
