from __future__ import annotations

from django.db import models


class CommandState(models.TextChoices):
    QUEUED = "queued"  # stored; waits for the device to be online
    SENT = "sent"  # published to the device's cmd topic
    ACCEPTED = "accepted"  # the agent took it and runs it
    DONE = "done"
    FAILED = "failed"  # the agent ran it and it failed
    REJECTED = "rejected"  # the agent would not run it
    EXPIRED = "expired"  # no answer before expires_at


# How far each state is along the lifecycle: an ack never moves a command to a lower rank.
RANK = {"queued": 0, "sent": 1, "accepted": 2, "done": 3, "failed": 3, "rejected": 3, "expired": 3}
OPEN_STATES = ("queued", "sent", "accepted")
FINAL_STATES = ("done", "failed", "rejected", "expired")
