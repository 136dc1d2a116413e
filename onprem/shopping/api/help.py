"""Help over the API: a shopper asks and follows their requests; staff list, acknowledge and
resolve them."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from onprem.core.permissions import ScopedAccess
from onprem.fleet.api.filters import valid_query
from onprem.shopping import help
from onprem.shopping.models import HelpRequest
from onprem.shopping.sessions import own_session
from tierkit.api.openapi import ErrorSerializer
from tierkit.api.pagination import BoundedPagination

from .help_serializers import AskForHelpSerializer, HelpFilters, HelpSerializer, StaffHelpSerializer


class HelpConflict(APIException):
    status_code = 409
    default_code = "conflict"


HELP_EXAMPLE = {
    "id": "3f1c1f0e-2b7a-4c55-9d8e-1a2b3c4d5e6f",
    "state": "acknowledged",
    "source": "app",
    "reason": "I cannot reach the top shelf",
    "created_at": "2026-11-24T10:02:11.482Z",
    "acknowledged_by": "Anna",
    "acknowledged_at": "2026-11-24T10:02:40.017Z",
    "resolved_at": None,
    "status_text": "acknowledged by Anna",
}
STAFF_HELP_EXAMPLE = {
    **HELP_EXAMPLE,
    "state": "open",
    "acknowledged_by": None,
    "acknowledged_at": None,
    "status_text": "waiting for staff",
    "cart": {"device_id": "cart-017", "name": "Cart 17"},
    "session": "9b2e4c1a-55d3-4e0b-8f6a-0c1d2e3f4a5b",
    "resolved_by": None,
}
ASK_EXAMPLE = OpenApiExample(
    "ask", value={"reason": "I cannot reach the top shelf"}, request_only=True
)
ENDED_EXAMPLE = OpenApiExample(
    "session ended",
    value={
        "error": "conflict",
        "detail": "this session has ended: ask a member of staff in the store",
    },
    response_only=True,
    status_codes=["409"],
)
NOT_YOURS = OpenApiResponse(ErrorSerializer, "You have no shopping session with this id.")
NO_REQUEST = OpenApiResponse(ErrorSerializer, "No help request with this id.")
RESOLVED = OpenApiResponse(ErrorSerializer, "The request is already resolved.")


class HelpPage(BoundedPagination):
    pass


class SessionHelpView(generics.GenericAPIView):
    """A shopper's help requests in one of their sessions: ask for help, or see how the asks
    stand (`acknowledged_by` is the first name of the member of staff on the way)."""

    permission_classes = [ScopedAccess]
    required_scopes = ["shopper"]
    serializer_class = HelpSerializer
    pagination_class = HelpPage

    @extend_schema(
        operation_id="shopper_help_list",
        responses={200: HelpSerializer(many=True), 404: NOT_YOURS},
        examples=[OpenApiExample("requests", value=HELP_EXAMPLE, response_only=True)],
    )
    def get(self, request, session_id):
        session = own_session(shopper=request.user, session_id=session_id)
        page = self.paginate_queryset(help.help_requests_of_session(session=session))
        return self.get_paginated_response(HelpSerializer(page, many=True).data)

    @extend_schema(
        operation_id="shopper_help_create",
        request=AskForHelpSerializer,
        responses={
            201: HelpSerializer,
            404: NOT_YOURS,
            409: OpenApiResponse(
                ErrorSerializer,
                "The session has ended, or five requests of it are waiting already.",
            ),
        },
        examples=[
            ASK_EXAMPLE,
            OpenApiExample(
                "asked",
                value={
                    **HELP_EXAMPLE,
                    "state": "open",
                    "acknowledged_by": None,
                    "acknowledged_at": None,
                    "status_text": "waiting for staff",
                },
                response_only=True,
                status_codes=["201"],
            ),
            ENDED_EXAMPLE,
        ],
    )
    def post(self, request, session_id):
        # Whose session first: someone else's is a 404 whatever the body holds.
        session = own_session(shopper=request.user, session_id=session_id)
        wanted = AskForHelpSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        try:
            made = help.ask_for_help(session=session, reason=wanted.validated_data["reason"])
        except help.HelpRefused as exc:
            raise HelpConflict(str(exc)) from None
        return Response(HelpSerializer(made).data, status=201)


STAFF_ACTION = {
    "request": None,
    "responses": {200: StaffHelpSerializer, 404: NO_REQUEST},
    "examples": [OpenApiExample("help request", value=STAFF_HELP_EXAMPLE, response_only=True)],
}


@extend_schema_view(
    list=extend_schema(
        operation_id="help_requests_list",
        parameters=[HelpFilters],
        examples=[OpenApiExample("requests", value=STAFF_HELP_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(operation_id="help_requests_retrieve", **STAFF_ACTION),
)
class HelpRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Shoppers asking for help in this store, unresolved first (open, then acknowledged),
    newest first. Acknowledge when someone is on the way, resolve once helped: the cart's
    assist light goes off when its last request is resolved."""

    permission_classes = [ScopedAccess]
    required_scopes = ["staff"]
    serializer_class = StaffHelpSerializer
    pagination_class = HelpPage
    queryset = HelpRequest.objects.none()  # for the schema; get_queryset answers requests
    # Ids are UUIDs: anything else is a 404 from the URL itself (as Django's <uuid:> path).
    lookup_value_regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def get_queryset(self):
        wanted = (
            valid_query(HelpFilters, self.request.query_params) if self.action == "list" else {}
        )
        return help.help_requests_for_staff(state=wanted.get("state"))

    @extend_schema(
        operation_id="help_requests_acknowledge",
        **{**STAFF_ACTION, "responses": {**STAFF_ACTION["responses"], 409: RESOLVED}},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Say that you are on your way: the shopper sees your first name. Acknowledging an
        acknowledged request changes nothing."""
        return self.act(help.acknowledge)

    @extend_schema(operation_id="help_requests_resolve", **STAFF_ACTION)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """The shopper has been helped. Resolving a resolved request changes nothing."""
        return self.act(help.resolve)

    def act(self, verb) -> Response:
        try:
            done = verb(help_request=self.get_object(), staff_user=self.request.user)
        except help.HelpRefused as exc:
            raise HelpConflict(str(exc)) from None
        done = help.help_requests_for_staff().get(pk=done.pk)
        return Response(StaffHelpSerializer(done).data)
