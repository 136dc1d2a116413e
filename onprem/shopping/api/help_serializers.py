"""Help requests as the shopper sees them (HelpSerializer, also nested in the session body)
and as staff see them (with the cart and the session).

Whoever acknowledged a request is shown by first name only: a shopper never learns a staff
member's username or email.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from onprem.shopping.choices import HelpState
from onprem.shopping.models import HelpRequest
from tierkit.api.query import ChoiceParam

from .fields import TextField

NAMELESS_STAFF = "a member of staff"  # someone whose account has no first name


def first_name(user) -> str | None:
    if user is None:
        return None
    return user.first_name.strip() or NAMELESS_STAFF


class HelpSerializer(serializers.ModelSerializer):
    acknowledged_by = serializers.SerializerMethodField(
        help_text="the first name of the member of staff on the way; null until acknowledged"
    )
    status_text = serializers.SerializerMethodField(
        help_text='what the app may show: "waiting for staff", "acknowledged by Anna", "resolved"'
    )

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "state",
            "source",
            "reason",
            "created_at",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_at",
            "status_text",
        ]
        read_only_fields = fields  # an answer only: requests are made by the verbs

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_acknowledged_by(self, request: HelpRequest) -> str | None:
        return first_name(request.acknowledged_by)

    def get_status_text(self, request: HelpRequest) -> str:
        if request.state == HelpState.RESOLVED:
            return "resolved"
        if request.state == HelpState.ACKNOWLEDGED:
            return f"acknowledged by {first_name(request.acknowledged_by)}"
        return "waiting for staff"


class HelpCartSerializer(serializers.Serializer):
    device_id = serializers.CharField()
    name = serializers.CharField()


class StaffHelpSerializer(HelpSerializer):
    cart = HelpCartSerializer(
        read_only=True, allow_null=True, help_text="null if the cart was deleted since"
    )
    session = serializers.UUIDField(
        source="session_id",
        read_only=True,
        allow_null=True,
        help_text="null: pressed on a cart nobody had paired",
    )
    resolved_by = serializers.SerializerMethodField(
        help_text="first name of who resolved it; null if open, or resolved by the session ending"
    )

    class Meta(HelpSerializer.Meta):
        fields = [*HelpSerializer.Meta.fields, "cart", "session", "resolved_by"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_resolved_by(self, request: HelpRequest) -> str | None:
        return first_name(request.resolved_by)


class AskForHelpSerializer(serializers.Serializer):
    reason = TextField(
        min_length=1, max_length=200, help_text="what the shopper needs, 1 to 200 characters"
    )


class HelpFilters(serializers.Serializer):
    """`?state=` of the staff list."""

    state = ChoiceParam(
        HelpState.choices,
        required=False,
        help_text="only requests in this state (default: all, unresolved first)",
    )
