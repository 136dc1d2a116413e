"""Simulated shoppers: the shopper app's journey, driven through the store's real API.

Each shopper is a thread with its own HTTP client, doing what the app and a person do:
sign up (POST /api/v1/shopper/accounts/), sign in with authorization code + PKCE S256 through
/o/authorize/ and the real /accounts/login/ form, pair with an idle docked cart by the code
printed on it (the cart leaves its rack in the simulated world and drains its battery while
in use), scan products of the ERP's catalog, sometimes ask for help, pay with the cashless
terminal (the shopper presents a tag through the emulator's control API) or at the till (the
till confirms with its integration token), read the receipt and bring the cart back.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(15.0)
PAY_WAIT_SECONDS = 60.0  # real seconds a shopper waits for the terminal or the till
HELP_SHARE = 0.2  # shoppers asking for help on a trip
TILL_SHARE = 0.3  # shoppers paying at the till (when the simulator has a till token)
GIVE_UP_SHARE = 0.05  # shoppers leaving without buying
SCAN_GAP_SECONDS = (30, 150)  # simulated seconds between two scans
REST_SECONDS = (5 * 60, 30 * 60)  # simulated seconds between a shopper's trips


class ApiError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.status, self.response = response.status_code, response
        try:
            self.body = response.json()
        except ValueError:
            self.body = {"detail": response.text[:200]}
        super().__init__(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {self.body}"
        )


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class ShopperApp:
    """The shopper app: a public OAuth2 client of the on-prem API, one signed-in shopper."""

    def __init__(self, base_url: str, *, client_id: str, redirect_uri: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=TIMEOUT)
        self.client_id, self.redirect_uri = client_id, redirect_uri
        self.access = self.refresh_token = ""

    def close(self) -> None:
        self.http.close()

    def sign_up(self, *, email: str, password: str, display_name: str) -> dict:
        body = {"email": email, "password": password, "display_name": display_name}
        return self._checked(self.http.post("/api/v1/shopper/accounts/", json=body))

    def sign_in(self, *, email: str, password: str) -> None:
        """Authorization code + PKCE S256: /o/authorize/ → the login form → code → /o/token/."""
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(8)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "scope": "shopper",
            "redirect_uri": self.redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": state,
        }
        to_login = self.http.get("/o/authorize/", params=params)
        login_url = to_login.headers.get("location", "")
        if to_login.status_code != 302 or "/accounts/login/" not in login_url:
            raise ApiError(to_login)
        self.http.get(login_url)  # the form sets the CSRF cookie
        nxt = parse_qs(urlsplit(login_url).query)["next"][0]
        form = {
            "username": email,
            "password": password,
            "next": nxt,
            "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""),
        }
        signed_in = self.http.post(
            "/accounts/login/", data=form, headers={"Referer": str(self.http.base_url)}
        )
        if signed_in.status_code != 302:
            raise ApiError(signed_in)
        code = self._follow_to_code(signed_in.headers["location"], state)
        self._tokens(
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": verifier,
                "redirect_uri": self.redirect_uri,
            }
        )

    def _follow_to_code(self, location: str, state: str) -> str:
        for _ in range(3):
            if location.startswith(self.redirect_uri):
                query = parse_qs(urlsplit(location).query)
                if query.get("state") != [state] or "code" not in query:
                    raise RuntimeError(f"the authorization was refused: {location}")
                return query["code"][0]
            location = self.http.get(location).headers.get("location", "")
        raise RuntimeError("/o/authorize/ did not redirect to the app with a code")

    def _tokens(self, grant: dict) -> None:
        got = self._checked(
            self.http.post("/o/token/", data={"client_id": self.client_id, **grant})
        )
        self.access, self.refresh_token = got["access_token"], got.get("refresh_token", "")

    def call(self, method: str, path: str, **kwargs) -> dict | None:
        """An API call as the shopper; an expired access token is refreshed once."""
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and self.refresh_token:
            self._tokens({"grant_type": "refresh_token", "refresh_token": self.refresh_token})
            response = self._send(method, path, **kwargs)
        return self._checked(response)

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        return self.http.request(
            method, path, headers={"Authorization": f"Bearer {self.access}"}, **kwargs
        )

    @staticmethod
    def _checked(response: httpx.Response) -> dict | None:
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json() if response.content else None


def catalog_barcodes(erp_url: str, token: str) -> list[str]:
    """Barcodes of the ERP's active products sold by the unit (its own catalog, every page)."""
    barcodes, cursor = [], None
    with httpx.Client(
        base_url=erp_url, timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"}
    ) as erp:
        while True:
            page = erp.get(
                "/api/v1/products", params={"limit": 500, **({"cursor": cursor} if cursor else {})}
            )
            page.raise_for_status()
            body = page.json()
            for product in body["data"]:
                if product.get("ativo", True) and product.get("unidade") == "un":
                    barcodes.extend(product.get("codigos_barras") or [])
            cursor = body.get("next_cursor")
            if not cursor:
                return barcodes


@dataclass
class Store:
    """What every shopper of one simulated store shares: where things are, and the reader."""

    api_url: str
    client_id: str
    redirect_uri: str
    world: object  # simulator.world.StoreWorld
    pairing_codes: dict[str, str]  # cart device id -> the code printed on it (its sticker)
    erp_url: str
    erp_token: str
    cashless_url: str | None = None
    till_token: str | None = None
    speed: float = 60.0
    seed: int | None = None
    reader: threading.Lock = field(default_factory=threading.Lock)  # one cashless reader
    claimed: set = field(default_factory=set)  # carts a shopper is pairing with right now
    claim_lock: threading.Lock = field(default_factory=threading.Lock)
    trips: dict = field(default_factory=lambda: {"paid": 0, "abandoned": 0, "failed": 0})
    barcodes: list[str] = field(default_factory=list)
    catalog_lock: threading.Lock = field(default_factory=threading.Lock)

    def catalog(self) -> list[str]:
        """The ERP's barcodes, read once (the store syncs the same catalog)."""
        with self.catalog_lock:
            if not self.barcodes:
                self.barcodes = catalog_barcodes(self.erp_url, self.erp_token)
            return self.barcodes


class Shopper:
    """One simulated person: an account, then trip after trip until stopped."""

    def __init__(self, store: Store, number: int, stop: threading.Event) -> None:
        self.store, self.number, self.stop = store, number, stop
        self.rng = random.Random(None if store.seed is None else store.seed * 1000 + number)
        run = secrets.token_hex(3)
        self.email = f"shopper-{number:03d}-{run}@simulated.example"
        self.password = secrets.token_urlsafe(16)
        self.name = f"Shopper {number}"
        self.tag_nr = secrets.token_hex(7).upper()
        self.app = ShopperApp(
            store.api_url, client_id=store.client_id, redirect_uri=store.redirect_uri
        )

    def run(self) -> None:
        try:
            self._until_stopped(self._sign_up_and_in)
            while not self.stop.is_set():
                self._until_stopped(self.trip)
                self.pause(self.rng.uniform(*REST_SECONDS))
        finally:
            self.app.close()

    def _until_stopped(self, step) -> None:
        """A step retried with backoff while the store is not ready (or hiccups)."""
        delay = 1.0
        while not self.stop.is_set():
            try:
                step()
                return
            except (ApiError, httpx.HTTPError, RuntimeError) as exc:
                log.warning("shopper %d: %s; again in %.0f s", self.number, exc, delay)
                self.stop.wait(delay)
                delay = min(delay * 2, 30.0)

    def _sign_up_and_in(self) -> None:
        if not self.app.access:
            try:
                self.app.sign_up(email=self.email, password=self.password, display_name=self.name)
            except ApiError as exc:
                if exc.status != 400 or "email" not in exc.body:  # 400 on email: made it before
                    raise
            self.app.sign_in(email=self.email, password=self.password)
            log.info("shopper %d signed in as %s", self.number, self.email)

    def pause(self, simulated_seconds: float) -> None:
        self.stop.wait(simulated_seconds / max(self.store.speed, 1.0))

    # --- one trip -------------------------------------------------------------------------

    def trip(self) -> None:
        self.store.catalog()
        picked = self.pair()
        if picked is None:
            return
        device, session = picked
        try:
            self.shop(session)
        except (ApiError, httpx.HTTPError):
            self._end_quietly(session["id"])  # never leave a session open on a docked cart
            raise
        finally:
            self.store.world.give_back(device)
            with self.store.claim_lock:
                self.store.claimed.discard(device)

    def pair(self) -> tuple[str, dict] | None:
        """Pair with an idle docked cart; it leaves the rack. None: no cart would have us."""
        for device in self._candidates():
            try:
                session = self.app.call(
                    "POST",
                    "/api/v1/shopper/sessions/",
                    # What the app reads off the cart's sticker (its QR in real life).
                    json={"cart_code": self.store.world.carts[device].sticker},
                )
            except ApiError as exc:
                if exc.status == 409 and exc.body.get("reason") == "already_shopping":
                    self.app.call("POST", f"/api/v1/shopper/sessions/{exc.body['session']}/end/")
                if exc.status in (404, 409):  # offline, in use, low battery: try the next cart
                    log.debug("shopper %d: cart %s refused: %s", self.number, device, exc.body)
                    self._release(device)
                    continue
                self._release(device)
                raise
            self.store.world.take(device)
            log.info("shopper %d took %s (session %s)", self.number, device, session["id"])
            return device, session
        self.stop.wait(2.0)
        return None

    def _candidates(self) -> list[str]:
        idle = [d for d in self.store.world.idle_docked() if d in self.store.pairing_codes]
        self.rng.shuffle(idle)
        with self.store.claim_lock:
            mine = [d for d in idle if d not in self.store.claimed][:3]
            self.store.claimed.update(mine)
        return mine

    def _release(self, device: str) -> None:
        with self.store.claim_lock:
            self.store.claimed.discard(device)

    def shop(self, session: dict) -> None:
        sid = session["id"]
        for _ in range(self.rng.randint(2, 8)):
            self.pause(self.rng.uniform(*SCAN_GAP_SECONDS))
            if self.stop.is_set():
                break
            self.scan(sid)
        if self.rng.random() < HELP_SHARE:
            self.app.call(
                "POST",
                f"/api/v1/shopper/sessions/{sid}/help/",
                json={
                    "reason": self.rng.choice(
                        [
                            "cannot find the oat milk",
                            "the scale is stuck",
                            "a price looks wrong",
                            "need a bigger bag",
                        ]
                    )
                },
            )
            self.pause(self.rng.uniform(60, 300))
        basket = self.app.call("GET", f"/api/v1/shopper/sessions/{sid}/")
        if self.stop.is_set() or not basket["lines"] or self.rng.random() < GIVE_UP_SHARE:
            self._end(sid, "abandoned")
            return
        self.pay(sid)

    def scan(self, sid: str) -> None:
        barcode = self.rng.choice(self.store.catalog())
        try:
            self.app.call(
                "POST",
                f"/api/v1/shopper/sessions/{sid}/items/",
                json={"barcode": barcode, "quantity": self.rng.choice([1, 1, 1, 2, 3])},
            )
        except ApiError as exc:
            if exc.status != 404:  # a barcode the store has not synced yet: put it back
                raise

    def pay(self, sid: str) -> None:
        till = self.store.till_token and self.rng.random() < TILL_SHARE
        if not till and not self.store.cashless_url:
            self._end(sid, "abandoned")
            return
        method = "till" if till else "cashless"
        payment = self.app.call(
            "POST", f"/api/v1/shopper/sessions/{sid}/checkout/", json={"method": method}
        )
        payment = self.pay_at_till(sid, payment) if till else self.pay_with_tag(sid, payment)
        if payment["state"] != "paid":
            self.store.trips["failed"] += 1
            log.warning(
                "shopper %d: payment %s ended %s (%s)",
                self.number,
                payment["id"],
                payment["state"],
                payment.get("failure_reason"),
            )
            if payment["state"] == "waiting_for_tag":
                self.app.call("DELETE", f"/api/v1/shopper/sessions/{sid}/checkout/")
            self._end(sid, "abandoned")
            return
        order = self.app.call("GET", f"/api/v1/shopper/orders/{payment['order']}/")
        self.store.trips["paid"] += 1
        log.info(
            "shopper %d paid %s by %s: order %s",
            self.number,
            payment["amount"],
            method,
            order["number"],
        )

    def pay_with_tag(self, sid: str, payment: dict) -> dict:
        """Hold a tag on the store's one reader until the payment is paid (or fails)."""
        deadline = time.monotonic() + PAY_WAIT_SECONDS
        with (
            self.store.reader,
            httpx.Client(base_url=self.store.cashless_url, timeout=TIMEOUT) as reader,
        ):
            try:
                while payment["state"] == "waiting_for_tag" and time.monotonic() < deadline:
                    # A tag serves the terminal's oldest waiting job: present it again until ours.
                    reader.post(
                        "/emulator/v1/tag", json={"tagNr": self.tag_nr, "totalCredits": "100000"}
                    )
                    self.stop.wait(0.3)
                    payment = self.app.call("GET", f"/api/v1/shopper/sessions/{sid}/checkout/")
            finally:
                reader.delete("/emulator/v1/tag")
        return payment

    def pay_at_till(self, sid: str, payment: dict) -> dict:
        """Walk to the till: it reads the code and confirms the payment with its own token."""
        self.pause(self.rng.uniform(60, 180))
        till = {"Authorization": f"Bearer {self.store.till_token}"}
        with httpx.Client(base_url=self.store.api_url, timeout=TIMEOUT, headers=till) as http:
            ShopperApp._checked(http.get(f"/api/v1/till/payments/{payment['till_code']}/"))
            ShopperApp._checked(http.post(f"/api/v1/till/payments/{payment['till_code']}/paid/"))
        deadline = time.monotonic() + PAY_WAIT_SECONDS
        while payment["state"] == "waiting_for_tag" and time.monotonic() < deadline:
            payment = self.app.call("GET", f"/api/v1/shopper/sessions/{sid}/checkout/")
            if payment["state"] == "waiting_for_tag":
                self.stop.wait(0.3)
        return payment

    def _end_quietly(self, sid: str) -> None:
        try:
            self._end(sid, "abandoned")
        except (ApiError, httpx.HTTPError) as exc:
            log.warning("shopper %d: could not end session %s: %s", self.number, sid, exc)

    def _end(self, sid: str, outcome: str) -> None:
        session = self.app.call("GET", f"/api/v1/shopper/sessions/{sid}/")
        if session["state"] == "active":
            self.app.call("POST", f"/api/v1/shopper/sessions/{sid}/end/")
        self.store.trips[outcome] += 1


class Shoppers:
    """N shopper threads over one store; stop() ends them after their current request."""

    def __init__(self, store: Store, count: int) -> None:
        self.store, self.stopping = store, threading.Event()
        self.threads = [
            threading.Thread(
                target=Shopper(store, n, self.stopping).run, name=f"shopper-{n:03d}", daemon=True
            )
            for n in range(1, count + 1)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(20)
