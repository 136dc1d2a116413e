"""Shopper accounts over the API: sign up (anyone, throttled per address) and who am I."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from onprem.core.permissions import ScopedAccess
from onprem.shopping import accounts
from tierkit.api.openapi import ErrorSerializer

from .fields import EmailAddressField, TextField


class SignUpSerializer(serializers.Serializer):
    # The username column holds the email: 150 characters at most.
    email = EmailAddressField(max_length=150)
    password = TextField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    display_name = TextField(
        max_length=150, help_text="what the cart's display greets the shopper with"
    )


class ShopperSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(source="first_name", read_only=True)


class SignUpThrottle(SimpleRateThrottle):
    """Sign-ups per client address (REST_FRAMEWORK's NUM_PROXIES says which address that is)."""

    def get_rate(self) -> str:
        # Read at each request, not at import: the rates are settings (SMARTCART_SIGNUP_*).
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignUpBurstThrottle(SignUpThrottle):
    scope = "shopper_signup_burst"


class SignUpHourlyThrottle(SignUpThrottle):
    scope = "shopper_signup_hourly"


SIGN_UP_EXAMPLE = {
    "email": "ada@example.com",
    "password": "correct horse 42",
    "display_name": "Ada",
}
SHOPPER_EXAMPLE = {"id": 42, "email": "ada@example.com", "display_name": "Ada"}


class SignUpView(APIView):
    """Create a shopper account. The app then signs the shopper in with authorization code +
    PKCE at /o/authorize/ (docs/shopper-api.md). Limited per client address."""

    authentication_classes: list = []  # no credentials, and no CSRF check from a browser session
    permission_classes = [AllowAny]
    throttle_classes = [SignUpBurstThrottle, SignUpHourlyThrottle]

    @extend_schema(
        operation_id="shopper_account_create",
        request=SignUpSerializer,
        responses={
            201: ShopperSerializer,
            400: OpenApiResponse(
                ErrorSerializer, "A field is invalid, the email is taken, or the password too weak."
            ),
            429: OpenApiResponse(ErrorSerializer, "Too many sign-ups from this address."),
        },
        examples=[
            OpenApiExample("sign up", value=SIGN_UP_EXAMPLE, request_only=True),
            OpenApiExample(
                "created", value=SHOPPER_EXAMPLE, response_only=True, status_codes=["201"]
            ),
            OpenApiExample(
                "email taken",
                value={
                    "error": "invalid",
                    "detail": "The request has invalid fields.",
                    "fields": {"email": ["An account with this email already exists."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "too many",
                value={
                    "error": "throttled",
                    "detail": "Too many sign-ups from this address. Expected available in 41 seconds.",
                },
                response_only=True,
                status_codes=["429"],
            ),
        ],
    )
    def post(self, request):
        wanted = SignUpSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        try:
            user = accounts.create_shopper_account(**wanted.validated_data)
        except accounts.AccountRefused as exc:
            raise ValidationError(exc.errors) from None
        return Response(ShopperSerializer(user).data, status=201)

    def throttled(self, request, wait):
        raise Throttled(wait, detail=_("Too many sign-ups from this address."))


class MeView(APIView):
    """The signed-in shopper's account."""

    permission_classes = [ScopedAccess]
    required_scopes = ["shopper"]

    @extend_schema(
        operation_id="shopper_me",
        responses={200: ShopperSerializer},
        examples=[OpenApiExample("me", value=SHOPPER_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return Response(ShopperSerializer(request.user).data)
