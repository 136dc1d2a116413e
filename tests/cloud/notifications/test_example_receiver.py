"""The example receiver (python -m cloud.notifications.receiver) accepts what the cloud signs
and flags a body that was changed on the way."""

from __future__ import annotations

import json

from cloud.notifications.receiver import describe, verified
from cloud.notifications.transports import sign


def test_it_verifies_the_cloud_signature_and_flags_a_changed_body():
    body = json.dumps({"event": "opened", "incident": {"store": "store-001"}}).encode()
    header = sign(body, "s" * 32)

    assert verified(body, header, "s" * 32)
    assert not verified(body.replace(b"opened", b"closed"), header, "s" * 32)
    assert not verified(body, header, "t" * 32)
    line = describe(body, {"X-SmartCart-Signature": header, "X-SmartCart-Delivery": "7"}, "s" * 32)
    assert "delivery=7 event=opened store=store-001" in line and "signature=ok" in line
