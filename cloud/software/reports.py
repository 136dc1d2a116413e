"""A store's `software_report` (contract: {"updates": [{rollout, version, state, step, reason,
at}]}): checked field by field, then merged into its StoreUpdate.

A body of the wrong shape is refused whole (an error frame naming the field). Keys the cloud
does not know are ignored, so a newer updater may add one. Merging is idempotent and safe
out of order: an entry older than the state shown only joins the history, a repeated entry
changes nothing, and nothing moves an update out of a final state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import ReportError
from .models import StoreUpdate

MAX_UPDATES = 100
MAX_STEP, MAX_REASON = 200, 1000
HISTORY_LIMIT = 50
CLOUD = "cloud"
STATES = tuple(StoreUpdate.State.values)


@dataclass(frozen=True)
class Entry:
    rollout: int
    version: str
    state: str
    step: str
    reason: str
    at: datetime

    def as_history(self) -> dict:
        return {"state": self.state, "step": self.step, "reason": self.reason, "at": iso(self.at)}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fail(path: str, wanted: str) -> ReportError:
    return ReportError(f"bad software_report: {path} must be {wanted}")


def clean_report(body: object) -> list[Entry]:
    """The report's entries, or ReportError naming the first field that is wrong."""
    if not isinstance(body, dict):
        raise fail("body", "an object")
    updates = body.get("updates")
    if not isinstance(updates, list) or len(updates) > MAX_UPDATES:
        raise fail("body.updates", f"a list of at most {MAX_UPDATES} updates")
    return [clean_entry(f"body.updates[{n}]", item) for n, item in enumerate(updates)]


def clean_entry(path: str, item: object) -> Entry:
    if not isinstance(item, dict):
        raise fail(path, "an object")
    rollout = item.get("rollout")
    if isinstance(rollout, bool) or not isinstance(rollout, int) or not 1 <= rollout < 2**31:
        raise fail(f"{path}.rollout", "a rollout id (a whole number from 1)")
    version = item.get("version")
    if not isinstance(version, str) or not 0 < len(version) <= 40:
        raise fail(f"{path}.version", "a text of 1-40 characters")
    if item.get("state") not in STATES:
        raise fail(f"{path}.state", f"one of {', '.join(STATES)}")
    return Entry(
        rollout=rollout,
        version=version,
        state=item["state"],
        step=clipped(f"{path}.step", item.get("step"), MAX_STEP),
        reason=clipped(f"{path}.reason", item.get("reason"), MAX_REASON),
        at=moment(f"{path}.at", item.get("at")),
    )


def clipped(path: str, value: object, limit: int) -> str:
    """A sentence for people: any length is kept, cut to `limit` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail(path, "a text")
    return value[:limit]


def moment(path: str, value: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        raise fail(path, "an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise fail(path, "an ISO 8601 time with a zone")
    return parsed


def merge(update: StoreUpdate, entry: Entry) -> str:
    """Fold one entry into `update` (not saved): "moved", "history" (kept as history only) or
    "ignored" (a repeat, or after a final state)."""
    if update.final:
        return "ignored"
    if entry.as_history() in update.history:
        return "ignored"
    if not newer(update, entry):
        update.history = with_entry(update.history, entry)
        return "history"
    update.state, update.step, update.reason = entry.state, entry.step, entry.reason
    update.reported_at = entry.at
    update.history = with_entry(update.history, entry)
    return "moved"


WAITING = (StoreUpdate.State.PENDING, StoreUpdate.State.SENT)


def newer(update: StoreUpdate, entry: Entry) -> bool:
    """Later by the store's clock; at the same instant, not further back. A store's own
    `pending`/`sent` never takes back what the cloud already knows (the command was taken)."""
    order = StoreUpdate.ORDER
    if entry.state in WAITING and order[entry.state] <= order[update.state]:
        return False
    if update.reported_at is None or entry.at > update.reported_at:
        return True
    # The same instant (two steps within a millisecond): the later one in the frame, unless it
    # would step back.
    return entry.at == update.reported_at and order[entry.state] >= order[update.state]


def with_entry(history: list, entry: Entry) -> list:
    """The history with `entry` in time order among the store's entries: appended when it is
    the newest (the usual case), else moved back past the store's newer ones, never past an
    entry of the cloud's (`"by": "cloud"`, on the cloud's clock: the two are not compared)."""
    entries, row = list(history), entry.as_history()
    at = len(entries)
    while at > 0 and entries[at - 1].get("by") != CLOUD and entries[at - 1]["at"] > row["at"]:
        at -= 1
    entries.insert(at, row)
    return entries[-HISTORY_LIMIT:]


def cloud_entry(state: str, reason: str, moment: datetime) -> dict:
    """A history entry the cloud writes itself (created, sent, failed or refused by it)."""
    return {"state": state, "step": "", "reason": reason, "at": iso(moment), "by": CLOUD}
