"""Every object documented by API v4, as dataclasses with `to_wire()` / `from_wire()`.

Where the changelog and the reference disagree the newest change wins (grouped fields,
`createdAt` in milliseconds, `productKey` in cart items); older spellings are still read.
Amounts are Decimal in Python and strings on the wire, as the seed has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from smartcart.cashless_api.codes import JOB_STATUSES
from smartcart.cashless_api.wire import from_wire, from_wire_fields, to_wire

ZERO = Decimal("0")


def _optional() -> Any:
    return field(default=None, metadata={"optional": True})


class Wire:
    """to_wire/from_wire for the dataclasses below."""

    def to_wire(self) -> dict:
        return to_wire(self)

    @classmethod
    def from_wire(cls, data: Any) -> Any:
        return from_wire(cls, data)


@dataclass
class ImageRef(Wire):
    id: str = ""
    url: str = ""


@dataclass
class MenuNode(Wire):
    id: str = ""
    parent_id: str | None = None
    type: str = "Category"  # Product | Category
    name: str = ""
    bg_color: str = ""
    thumbnail_ref: ImageRef | None = None
    children: list[MenuNode] = field(default_factory=list)


@dataclass
class MenuProduct(Wire):
    id: str = ""
    product_key: str = ""
    variant_key: str = ""
    type: str = "Product"  # Product | CustomValueProduct | Other
    name: str = ""
    price_in_credits: Decimal = ZERO
    price_in_credits_formatted: str = ""
    price_in_currency: Decimal = ZERO
    price_in_currency_formatted: str = ""


@dataclass
class Generic(Wire):
    full_string: str = ""
    arg: list[str] = field(default_factory=list)
    function_name: str = ""
    param_string: str = ""


@dataclass
class PaymentType(Wire):
    id: str = ""
    name: str = ""
    type: str = "Cashless"  # Cashless | Other


@dataclass
class DeviceConfig(Wire):
    credit_symbol: str = ""
    currency_symbol: str = ""
    device_id: str = ""
    payment_types: list[PaymentType] = field(default_factory=list)
    project_name: str = ""
    site_name: str = ""
    unit_name: str = ""
    decimal_separator: str = "."
    decimal_places_credits: int = 2
    decimal_places_currency: int = 2


@dataclass
class BooleanFieldDefinition(Wire):
    key: str = ""


@dataclass
class IntegerFieldDefinition(Wire):
    key: str = ""
    min_value: int = 0
    max_value: int = 0


@dataclass
class FieldDefinition(Wire):
    boolean_fields: list[BooleanFieldDefinition] = field(default_factory=list)
    integer_fields: list[IntegerFieldDefinition] = field(default_factory=list)


@dataclass
class BooleanField(Wire):
    key: str = ""
    value: bool = False


@dataclass
class IntegerField(Wire):
    key: str = ""
    value: int = 0


@dataclass
class FieldModel(Wire):
    """The pre-grouping form of a tag field: value as a string, type TypeBoolean|TypeInteger."""

    key: str = ""
    value: str = ""
    type: str = "TypeBoolean"


@dataclass
class TagFields(Wire):
    boolean_fields: list[BooleanField] = field(default_factory=list)
    integer_fields: list[IntegerField] = field(default_factory=list)

    @classmethod
    def from_wire_custom(cls, data: Any) -> TagFields:
        if isinstance(data, list):  # the older List<FieldModel> form
            models = [FieldModel.from_wire(item) for item in data]
            return cls(
                [
                    BooleanField(m.key, m.value.lower() == "true")
                    for m in models
                    if m.type == "TypeBoolean"
                ],
                [IntegerField(m.key, int(m.value)) for m in models if m.type == "TypeInteger"],
            )
        return from_wire_fields(cls, {} if data is None else data)

    def booleans(self) -> dict[str, bool]:
        return {f.key: f.value for f in self.boolean_fields}

    def integers(self) -> dict[str, int]:
        return {f.key: f.value for f in self.integer_fields}


@dataclass
class BooleanFieldChange(Wire):
    type: str = "Set"
    key: str = ""
    value: bool = False


@dataclass
class IntegerFieldChange(Wire):
    type: str = "Absolute"  # Absolute | Relative
    key: str = ""
    value: int = 0


@dataclass
class FieldChanges(Wire):
    # The reference table calls the lists booleanFields/integerFields; the newest change
    # booleanFieldChanges/integerFieldChanges. We write the newest and read both.
    boolean_field_changes: list[BooleanFieldChange] = field(
        default_factory=list, metadata={"aliases": ("booleanFields",)}
    )
    integer_field_changes: list[IntegerFieldChange] = field(
        default_factory=list, metadata={"aliases": ("integerFields",)}
    )


@dataclass
class NfcTag(Wire):
    tag_nr: str = ""
    tag_type: str = "Valid"
    session_counter: int = 0
    active: bool = True
    normal_credits: Decimal = ZERO
    pre_gift_credits: Decimal = ZERO
    pure_gift_credits: Decimal = ZERO
    total_credits: Decimal = ZERO
    has_activation_fee_disabled: bool = False
    has_tag_pawn_disabled: bool = False
    # The changelog writes hasPaidTagPawn, the reference hasTagPawnPaid: we write both.
    has_paid_tag_pawn: bool = field(
        default=False, metadata={"aliases": ("hasTagPawnPaid",), "emit_aliases": True}
    )
    worker: bool = False
    powerworker: bool = False
    manager: bool = False
    master: bool = False
    admin: bool = False
    fields: TagFields = field(default_factory=TagFields)

    def __post_init__(self) -> None:
        self.total_credits = self.normal_credits + self.pre_gift_credits + self.pure_gift_credits


@dataclass
class CartItem(Wire):
    count: int = 1
    product_key: str = ""
    variant_key: str = ""
    single_price: Decimal = ZERO


@dataclass
class PurchaseRequest(Wire):
    payment_type: str = ""
    cart_items: list[CartItem] = field(default_factory=list)
    required_chip: str | None = _optional()


@dataclass
class AccreditRequest(Wire):
    # The reference table says workerId, both examples externalWorkerId: we write the latter.
    external_worker_id: str = field(default="", metadata={"aliases": ("workerId",)})
    worker_type: str = "unknown"
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    company: str = ""
    manager_group_nr: int = 0
    normal_credits: Decimal = ZERO
    pre_gift_credits: Decimal = ZERO
    pure_gift_credits: Decimal = ZERO
    disable_tag_pawn: bool = False
    disable_activation_fee: bool = False
    field_changes: FieldChanges = field(default_factory=FieldChanges)
    is_upgrade: bool = True
    required_chip: str | None = _optional()


@dataclass
class JobInfo(Wire):
    status_url: str = ""
    cancellation_url: str = ""


@dataclass
class JobStatus(Wire):
    job_id: str = ""
    status: str = "Pending"
    created_at: int = 0  # milliseconds since the unix epoch
    result: NfcTag | None = None
    status_details: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.status, int) and 0 <= self.status < len(JOB_STATUSES):
            self.status = JOB_STATUSES[self.status]

    @property
    def is_final(self) -> bool:
        return self.status in ("Cancelled", "Success")


@dataclass
class Event(Wire):
    type: str = "JobUpdate"  # JobUpdate | NewTag
    new_tag: NfcTag | None = None
    job_update: JobStatus | None = None


@dataclass
class ApiError(Wire):
    error_code: str = field(default="UnknownError", metadata={"wire": "error_code"})
    error_message: str = field(default="", metadata={"wire": "error_message"})
