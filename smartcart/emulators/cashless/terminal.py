"""The terminal's state: the reader, the tags it has seen, the jobs, and how a tag serves a job.

A job stays Pending until a usable tag is on the reader; a tag that cannot serve it (broken,
not the required chip, not enough credits) leaves it Pending with statusDetails saying why.
Balances live in `tags` by tag number and persist while the emulator runs.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from smartcart.cashless_api.models import (
    BooleanField,
    Event,
    IntegerField,
    JobStatus,
    NfcTag,
    TagFields,
)
from smartcart.cashless_api.wire import camel
from smartcart.emulators.cashless.catalog import Catalog
from smartcart.emulators.cashless.events import Dispatcher
from smartcart.emulators.cashless.faults import ApiFault
from smartcart.emulators.cashless.orders import Accreditation, PurchaseOrder

WORKER_FLAGS = ("worker", "powerworker", "manager", "master", "admin")


@dataclass
class Job:
    job_id: str
    kind: str  # purchase | accredit
    order: PurchaseOrder | Accreditation
    created_at: int = field(default_factory=lambda: int(time.time() * 1000))
    status: str = "Pending"
    status_details: str | None = "waiting for an nfc tag"
    result: NfcTag | None = None

    def to_status(self) -> JobStatus:
        return JobStatus(
            self.job_id,
            self.status,
            self.created_at,
            copy.deepcopy(self.result),
            self.status_details,
        )


class Terminal:
    def __init__(self, catalog: Catalog, dispatcher: Dispatcher) -> None:
        self.catalog = catalog
        self.dispatcher = dispatcher
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tags: dict[str, NfcTag] = {
                t.tag_nr: self._with_defaults(t) for t in copy.deepcopy(self.catalog.tags)
            }
            self.reader: NfcTag | None = None
            self.reader_invalid = False
            self.jobs: dict[str, Job] = {}
            self.active = True
            self.cancel_delay = 0.0
            self.fail_next: list[str] = []

    # --- jobs -----------------------------------------------------------------------------

    def start_job(self, kind: str, job_id: str, order: PurchaseOrder | Accreditation) -> Job:
        with self.lock:
            if job_id in self.jobs:
                raise ApiFault("ResourceAlreadyExists", f"a job with id {job_id} already exists")
            job = self.jobs[job_id] = Job(job_id, kind, order)
            self._publish_job(job)
            if self._oldest_pending() is job and (self.reader or self.reader_invalid):
                self._serve(job)
            return job

    def job(self, kind: str, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None or job.kind != kind:
            raise ApiFault("ResourceNotFound", f"there is no {kind} job {job_id}")
        return job

    def cancel(self, kind: str, job_id: str) -> None:
        with self.lock:
            job = self.job(kind, job_id)
            if job.status != "Pending":
                return
            if self.cancel_delay > 0:  # control API: a terminal slow to cancel, for race tests
                job.status_details = "cancellation requested"
                threading.Timer(self.cancel_delay, self._finish_cancel, args=(job,)).start()
            else:
                self._finish_cancel(job)

    def _finish_cancel(self, job: Job) -> None:
        with self.lock:
            if job.status == "Pending":
                job.status, job.status_details = "Cancelled", "cancelled by the client"
                self._publish_job(job)

    def _oldest_pending(self) -> Job | None:
        return next((j for j in self.jobs.values() if j.status == "Pending"), None)

    # --- the reader -----------------------------------------------------------------------

    def present_tag(self, data: dict) -> NfcTag | None:
        """Put a tag on the reader; it serves the oldest pending job, or is announced as NewTag."""
        with self.lock:
            self.reader_invalid = bool(data.get("invalid"))
            self.reader = None if self.reader_invalid else self._write_tag(data)
            job = self._oldest_pending()
            if job is not None:
                self._serve(job)
            elif self.reader is not None:
                self.dispatcher.publish(
                    Event("NewTag", new_tag=copy.deepcopy(self.reader)).to_wire()
                )
            return copy.deepcopy(self.reader)

    def remove_tag(self) -> None:
        with self.lock:
            self.reader, self.reader_invalid = None, False

    def tag_info(self) -> NfcTag:
        with self.lock:
            if self.reader_invalid:
                raise ApiFault("TagInvalid", "the nfc tag on the reader cannot be read")
            if self.reader is None:
                raise ApiFault("NoTagPresent", "there is no nfc tag on the reader")
            return copy.deepcopy(self.reader)

    def _write_tag(self, data: dict) -> NfcTag:
        if "totalCredits" in data and not {
            "normalCredits",
            "preGiftCredits",
            "pureGiftCredits",
        } & set(data):
            data = {
                **data,
                "normalCredits": data["totalCredits"],
            }  # a total alone: all normal credits
        given = NfcTag.from_wire(data)
        tag_nr = given.tag_nr or secrets.token_hex(7).upper()
        tag = self.tags.get(tag_nr) or self._with_defaults(NfcTag(tag_nr=tag_nr))
        for name, value in vars(given).items():  # what the caller sent overwrites what the tag held
            if camel(name) in data or (name == "has_paid_tag_pawn" and "hasTagPawnPaid" in data):
                setattr(tag, name, value)
        tag.fields = (
            self._merge_fields(tag.fields, given.fields) if "fields" in data else tag.fields
        )
        _recount(tag)
        self.tags[tag_nr] = tag
        return tag

    def _with_defaults(self, tag: NfcTag) -> NfcTag:
        tag.fields = self._merge_fields(self._default_fields(), tag.fields)
        _recount(tag)
        return tag

    def _default_fields(self) -> TagFields:
        defs = self.catalog.fields
        return TagFields(
            [BooleanField(d.key, False) for d in defs.boolean_fields],
            [IntegerField(d.key, d.min_value) for d in defs.integer_fields],
        )

    @staticmethod
    def _merge_fields(base: TagFields, given: TagFields) -> TagFields:
        booleans, integers = base.booleans() | given.booleans(), base.integers() | given.integers()
        return TagFields(
            [BooleanField(k, v) for k, v in booleans.items()],
            [IntegerField(k, v) for k, v in integers.items()],
        )

    # --- a tag serving a job --------------------------------------------------------------

    def _serve(self, job: Job) -> None:
        reason = self._refusal(job)
        if reason is None:
            tag = self.reader
            self._charge(tag, job.order) if job.kind == "purchase" else self._accredit(
                tag, job.order
            )
            tag.session_counter += 1
            _recount(tag)
            job.status, job.status_details, job.result = "Success", None, copy.deepcopy(tag)
        else:
            job.status_details = reason
        self._publish_job(job)

    def _refusal(self, job: Job) -> str | None:
        if self.reader_invalid:
            return "an invalid nfc tag was last placed on the reader"
        chip = job.order.required_chip
        if chip and self.reader.tag_nr != chip:
            return f"nfc tag {self.reader.tag_nr} is not the required chip {chip}"
        if job.kind == "purchase" and not self.reader.active:
            return f"nfc tag {self.reader.tag_nr} is not active"
        if job.kind == "purchase" and self.reader.total_credits < job.order.total:
            return (
                f"not enough credits on nfc tag {self.reader.tag_nr}: the cart costs {job.order.total}, "
                f"the tag holds {self.reader.total_credits}"
            )
        return None

    @staticmethod
    def _charge(tag: NfcTag, order: PurchaseOrder) -> None:
        due = order.total
        for pot in ("normal_credits", "pre_gift_credits", "pure_gift_credits"):
            taken = min(getattr(tag, pot), due)
            setattr(tag, pot, getattr(tag, pot) - taken)
            due -= taken

    def _accredit(self, tag: NfcTag, order: Accreditation) -> None:
        if not order.is_upgrade:  # an overwrite starts from an empty accreditation
            tag.fields = self._default_fields()
            tag.normal_credits = tag.pre_gift_credits = tag.pure_gift_credits = Decimal(0)
        tag.normal_credits += order.normal_credits
        tag.pre_gift_credits += order.pre_gift_credits
        tag.pure_gift_credits += order.pure_gift_credits
        if order.worker_type != "unknown":
            for flag in WORKER_FLAGS:
                setattr(tag, flag, flag == order.worker_type)
        tag.has_tag_pawn_disabled = tag.has_tag_pawn_disabled or order.disable_tag_pawn
        tag.has_activation_fee_disabled = (
            tag.has_activation_fee_disabled or order.disable_activation_fee
        )
        tag.has_paid_tag_pawn = tag.has_paid_tag_pawn or not tag.has_tag_pawn_disabled
        tag.active = True
        self._apply_field_changes(tag, order)

    def _apply_field_changes(self, tag: NfcTag, order: Accreditation) -> None:
        booleans, integers = tag.fields.booleans(), tag.fields.integers()
        booleans.update(dict(order.boolean_changes))
        limits = {d.key: (d.min_value, d.max_value) for d in self.catalog.fields.integer_fields}
        for key, kind, value in order.integer_changes:
            target = value if kind == "Absolute" else integers.get(key, 0) + value
            low, high = limits[key]
            integers[key] = max(low, min(high, target))  # a relative change stops at the bounds
        tag.fields = TagFields(
            [BooleanField(k, v) for k, v in booleans.items()],
            [IntegerField(k, v) for k, v in integers.items()],
        )

    def _publish_job(self, job: Job) -> None:
        self.dispatcher.publish(Event("JobUpdate", job_update=job.to_status()).to_wire())


def _recount(tag: NfcTag) -> None:
    tag.total_credits = tag.normal_credits + tag.pre_gift_credits + tag.pure_gift_credits
