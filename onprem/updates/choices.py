"""Where a release's artifact, a campaign and an update job stand, and which job moves are legal."""

from __future__ import annotations

from django.db import models


class ArtifactState(models.TextChoices):
    MISSING = "missing"  # announced; not fetched yet
    DOWNLOADING = "downloading"  # being fetched from the cloud (resumable)
    CACHED = "cached"  # complete and verified: served to devices
    REFUSED = "refused"  # the manifest or the bytes failed verification: never served


class CampaignState(models.TextChoices):
    RUNNING = "running"
    WAITING_APPROVAL = "waiting_approval"
    PAUSED = "paused"
    ABORTED = "aborted"
    FINISHED = "finished"


class JobKind(models.TextChoices):
    CART = "cart"
    RACK = "rack"


class JobState(models.TextChoices):
    WAITING = "waiting"  # the gates, the artifact or the concurrency limit hold it
    SENT = "sent"  # ota.install is on its way; the device has not reported yet
    DOWNLOADING = "downloading"
    INSTALLING = "installing"
    REBOOTING = "rebooting"
    VERIFYING = "verifying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    CANCELLED = "cancelled"


FINAL_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.ROLLED_BACK, JobState.CANCELLED)
# Sent to a device and not finished: what the concurrency limit counts.
ACTIVE_STATES = (
    JobState.SENT,
    JobState.DOWNLOADING,
    JobState.INSTALLING,
    JobState.REBOOTING,
    JobState.VERIFYING,
)
OPEN_STATES = (JobState.WAITING, *ACTIVE_STATES)
ENDINGS = {JobState.SUCCEEDED, JobState.FAILED, JobState.ROLLED_BACK}

# The state machine. A device reports its steps in order, but a step may go unseen (a batch
# holds several events, a reboot eats one): any later step, or an ending, is legal from an
# active state; nothing is ever legal backwards except sent -> waiting, which is a command the
# device never took (expired, or "busy") going back to the gates. A final state is final.
TRANSITIONS: dict[str, set[str]] = {
    # waiting -> succeeded: the device reports the version already (an install that finished
    # after its command expired, another job's): nothing to send.
    JobState.WAITING: {JobState.SENT, JobState.CANCELLED, JobState.FAILED, JobState.SUCCEEDED},
    JobState.SENT: {
        JobState.WAITING,
        JobState.DOWNLOADING,
        JobState.INSTALLING,
        JobState.REBOOTING,
        JobState.VERIFYING,
        *ENDINGS,
    },
    JobState.DOWNLOADING: {
        JobState.INSTALLING,
        JobState.REBOOTING,
        JobState.VERIFYING,
        *ENDINGS,
    },
    JobState.INSTALLING: {JobState.REBOOTING, JobState.VERIFYING, *ENDINGS},
    JobState.REBOOTING: {JobState.VERIFYING, *ENDINGS},
    JobState.VERIFYING: set(ENDINGS),
    JobState.SUCCEEDED: set(),
    JobState.FAILED: set(),
    JobState.ROLLED_BACK: set(),
    JobState.CANCELLED: set(),
}


class WaitingReason(models.TextChoices):
    """Why a waiting job is not sent now (the first gate that holds it)."""

    CAMPAIGN_PAUSED = "campaign_paused"
    ARTIFACT_PENDING = "artifact_pending"
    OFFLINE = "offline"
    IN_SESSION = "in_session"
    NOT_DOCKED = "not_docked"
    NOT_CHARGING = "not_charging"
    BATTERY_LOW = "battery_low"
    OUTSIDE_WINDOW = "outside_window"
    CONCURRENCY = "concurrency"


HARDWARE_KIND = {"cart-v1": JobKind.CART, "rack-v1": JobKind.RACK}
