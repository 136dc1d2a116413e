"""The rack's calls to the store's on-prem API for its force-update form, with its own MQTT
credentials as HTTP Basic (the store checks them like the broker does and lets a rack ask
only for the carts docked in it). Stdlib only, like the page.

Every call answers an `Answer`, never raises: the page shows what the store said (its
`detail` sentence) or why the store could not be reached.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlencode

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0
RELEASES_FRESH_SECONDS = 10.0  # the page reloads often; releases change rarely
JOBS_FRESH_SECONDS = 2.0
MAX_ANSWER = 1_000_000


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # HTTP status; 0 when the store could not be reached
    data: object  # the JSON answer (dict or list), or None
    error: str = ""  # a sentence for the page when the call did not succeed

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and not self.error


def detail_of(status: int, data: object) -> str:
    """The store's own sentence: DRF's {"detail": ...}, or the first field error."""
    if isinstance(data, dict):
        if isinstance(data.get("detail"), str):
            return data["detail"]
        for field, problems in data.items():
            if isinstance(problems, list) and problems:
                return f"{field}: {problems[0]}"
    return f"the store answered HTTP {status}"


def results(data: object) -> list:
    """A list endpoint's rows, paginated ({"results": [...]}) or not."""
    if isinstance(data, dict):
        data = data.get("results")
    return [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []


class OnPrem:
    """The store's API as this rack sees it."""

    def __init__(self, base_url: str, *, rack: str, username: str, password: str) -> None:
        self.base_url, self.rack = base_url.rstrip("/"), rack
        login = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.authorization = f"Basic {login}"
        self.cache: dict[str, tuple[float, Answer]] = {}
        self.lock = threading.Lock()

    def call(self, method: str, path: str, body: dict | None = None) -> Answer:
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": self.authorization,
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if body is not None else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return self._answer(response.status, response.read(MAX_ANSWER))
        except urllib.error.HTTPError as exc:
            answer = self._answer(exc.code, exc.read(MAX_ANSWER))
            return Answer(exc.code, answer.data, detail_of(exc.code, answer.data))
        except (OSError, ValueError) as exc:  # refused, timed out, bad URL
            log.warning("rack %s: %s %s failed: %s", self.rack, method, path, exc)
            reason = getattr(exc, "reason", exc)
            return Answer(
                0, None, f"the store's API at {self.base_url} cannot be reached: {reason}"
            )

    @staticmethod
    def _answer(status: int, raw: bytes) -> Answer:
        try:
            return Answer(status, json.loads(raw) if raw else None)
        except ValueError:
            return Answer(status, None, f"the store answered HTTP {status} with something not JSON")

    def cached(self, path: str, fresh: float) -> Answer:
        with self.lock:
            at, answer = self.cache.get(path, (0.0, None))
        if answer is not None and time.monotonic() - at < fresh:
            return answer
        answer = self.call("GET", path)
        with self.lock:
            self.cache[path] = (time.monotonic(), answer)
        return answer

    def releases(self, hardware: str = "cart-v1") -> Answer:
        """The releases the store knows for that hardware, newest first, testing included."""
        path = "/api/v1/updates/releases/?" + urlencode({"hardware": hardware})
        return self.cached(path, RELEASES_FRESH_SECONDS)

    def jobs(self) -> Answer:
        """Update jobs the store lets this rack see: those of the carts docked in it."""
        return self.cached("/api/v1/updates/jobs/", JOBS_FRESH_SECONDS)

    def update_cart(self, cart: str, version: str, *, override_window: bool) -> Answer:
        body = {"version": version, "override_window": override_window}
        self.forget_jobs()
        return self.call("POST", f"/api/v1/carts/{quote(cart, safe='')}/update/", body)

    def update_rack(self, version: str, *, override_window: bool) -> Answer:
        body = {"version": version, "override_window": override_window}
        self.forget_jobs()
        return self.call("POST", f"/api/v1/racks/{quote(self.rack, safe='')}/update/", body)

    def forget_jobs(self) -> None:
        with self.lock:
            self.cache.pop("/api/v1/updates/jobs/", None)
