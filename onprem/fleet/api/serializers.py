from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from onprem.fleet.choices import Health
from onprem.fleet.models import Cart, CartReading, CartState, DeadLetter, Rack, Slot


class BatterySerializer(serializers.Serializer):
    soc = serializers.FloatField(help_text="state of charge, %")
    voltage = serializers.FloatField()
    temperature = serializers.FloatField(help_text="°C")
    charging = serializers.BooleanField()


class DockSerializer(serializers.Serializer):
    rack = serializers.CharField()
    slot = serializers.IntegerField()


class CartSerializer(serializers.ModelSerializer):
    """A cart and its latest reading; battery, health and dock are null before the first one."""

    battery = serializers.SerializerMethodField()
    dock = serializers.SerializerMethodField()
    health = serializers.SerializerMethodField()
    fault_codes = serializers.SerializerMethodField()
    firmware = serializers.SerializerMethodField()
    last_reading_at = serializers.DateTimeField(
        source="state.reading_at", default=None, read_only=True, allow_null=True
    )
    pairing_code = serializers.CharField(
        read_only=True, help_text="printed on the cart (its QR): the shopper app pairs with it"
    )
    in_session = serializers.BooleanField(read_only=True, help_text="a shopper is using the cart")

    class Meta:
        model = Cart
        fields = ["device_id", "name", "online", "last_seen", "last_reading_at", "battery", "health",
                  "fault_codes", "dock", "firmware", "boot_id", "pairing_code", "in_session"]

    @staticmethod
    def state(cart: Cart) -> CartState | None:
        return getattr(cart, "state", None)

    @extend_schema_field(BatterySerializer(allow_null=True))
    def get_battery(self, cart: Cart) -> dict | None:
        state = self.state(cart)
        return BatterySerializer(state).data if state else None

    @extend_schema_field(DockSerializer(allow_null=True))
    def get_dock(self, cart: Cart) -> dict | None:
        slot = self.state(cart) and self.state(cart).dock_slot
        return {"rack": slot.rack.device_id, "slot": slot.number} if slot else None

    @extend_schema_field(serializers.ChoiceField(Health.choices))
    def get_health(self, cart: Cart) -> str:
        state = self.state(cart)
        return state.health if state else Health.UNKNOWN

    def get_fault_codes(self, cart: Cart) -> list[str]:
        state = self.state(cart)
        return state.fault_codes if state else []

    def get_firmware(self, cart: Cart) -> str:
        state = self.state(cart)
        return state.firmware if state else cart.firmware


class SlotSerializer(serializers.ModelSerializer):
    cart = serializers.SlugRelatedField(slug_field="device_id", read_only=True, allow_null=True)

    class Meta:
        model = Slot
        fields = ["number", "cart", "charging_current", "updated_at"]


class RackSerializer(serializers.ModelSerializer):
    slots = SlotSerializer(many=True, read_only=True)
    docked = serializers.SerializerMethodField()

    class Meta:
        model = Rack
        fields = ["device_id", "name", "online", "last_seen", "health", "fault_codes", "firmware",
                  "slot_count", "docked", "slots"]

    def get_docked(self, rack: Rack) -> int:
        return sum(1 for slot in rack.slots.all() if slot.cart_id)


class CartReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CartReading
        fields = ["ts", "received_at", "boot_id", "seq", "soc", "voltage", "temperature", "charging",
                  "health", "fault_codes", "dock_rack", "dock_slot", "firmware"]


class DeadLetterSerializer(serializers.ModelSerializer):
    payload = serializers.SerializerMethodField(help_text="the payload's first bytes as text (all of it when small)")
    truncated = serializers.BooleanField(read_only=True, help_text="true when payload holds only a prefix")

    class Meta:
        model = DeadLetter
        fields = ["id", "topic", "reason", "received_at", "payload", "payload_size", "payload_sha256", "truncated"]

    def get_payload(self, letter: DeadLetter) -> str:
        return bytes(letter.payload).decode("utf-8", errors="replace")
