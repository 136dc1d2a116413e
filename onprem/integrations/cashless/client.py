"""HTTP client of the cashless terminal, API v4: every endpoint, typed answers, typed errors.

Basic auth on every call; http on 8080 or https on 9443 (a URL without a port gets the one
its scheme implies). A self-signed terminal is trusted through a CA file, or not verified.
"""

from __future__ import annotations

import logging
import ssl
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from onprem.integrations.cashless import errors
from smartcart.cashless_api.models import (
    AccreditRequest,
    DeviceConfig,
    FieldDefinition,
    JobInfo,
    JobStatus,
    MenuNode,
    MenuProduct,
    NfcTag,
    PurchaseRequest,
)
from smartcart.envconf import ConfigError

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"http": 8080, "https": 9443}


def terminal_url(url: str) -> str:
    """`url` with the terminal's port when it names none (the seed: http 8080, https 9443)."""
    parts = urlsplit(url.rstrip("/"))
    if parts.scheme not in DEFAULT_PORTS:
        raise ConfigError(f"SMARTCART_CASHLESS_URL={url!r} must start with http:// or https://")
    if parts.port is None:
        parts = parts._replace(netloc=f"{parts.netloc}:{DEFAULT_PORTS[parts.scheme]}")
    return urlunsplit(parts)


def tls_verify(value: str) -> bool | str:
    """SMARTCART_CASHLESS_VERIFY_TLS: true, false, or the path of a CA/certificate file."""
    lowered = value.strip().lower()
    if lowered in {"", "1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    if not Path(value).is_file():
        raise ConfigError(
            f"SMARTCART_CASHLESS_VERIFY_TLS={value!r} is neither true/false nor a CA file"
        )
    return value


class CashlessClient:
    def __init__(
        self,
        url: str,
        *,
        username: str,
        password: str,
        verify: bool | str = True,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = terminal_url(url)
        if isinstance(verify, str):  # a CA file: the terminal's own self-signed certificate
            verify = ssl.create_default_context(cafile=verify)
        self._http = httpx.Client(
            base_url=self.base_url, auth=(username, password), verify=verify, timeout=timeout
        )
        self._config: DeviceConfig | None = None

    @classmethod
    def from_settings(cls) -> CashlessClient:
        from django.conf import settings

        return cls(
            settings.CASHLESS_URL,
            username=settings.CASHLESS_USERNAME,
            password=settings.CASHLESS_PASSWORD,
            verify=tls_verify(settings.CASHLESS_VERIFY_TLS),
            timeout=settings.CASHLESS_TIMEOUT_SECONDS,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CashlessClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the device and its catalog -------------------------------------------------------

    def config(self) -> DeviceConfig:
        self._config = DeviceConfig.from_wire(self._data("GET", "/api/config/v4"))
        return self._config

    def decimal_places(self) -> int:
        """Decimal places of credits on this device (config fetched once)."""
        return (self._config or self.config()).decimal_places_credits

    def menu(self) -> list[MenuNode]:
        return [MenuNode.from_wire(node) for node in self._data("GET", "/api/menu/v4")]

    def products(self) -> list[MenuProduct]:
        return [MenuProduct.from_wire(p) for p in self._data("GET", "/api/product/v4")]

    def fields(self) -> FieldDefinition:
        return FieldDefinition.from_wire(self._data("GET", "/api/field/v4"))

    def image(self, image_id_or_url: str) -> tuple[bytes, str]:
        """An image by id or by the relative url of an ImageRef: (bytes, content type)."""
        path = (
            image_id_or_url
            if image_id_or_url.startswith("/")
            else f"/api/image/v4/{image_id_or_url}"
        )
        response = self.send("GET", path)
        return response.content, response.headers.get("content-type", "")

    def tag_info(self) -> NfcTag:
        data = self._data("GET", "/api/tag-info/v4")
        # One changelog example wraps the tag in a list; the endpoint table says NfcTag.
        return NfcTag.from_wire(data[0] if isinstance(data, list) else data)

    # --- events ---------------------------------------------------------------------------

    def register_events(self, url: str) -> None:
        self._listener("register", url)

    def unregister_events(self, url: str) -> None:
        self._listener("unregister", url)

    def _listener(self, action: str, url: str) -> None:
        try:
            self.send("POST", f"/api/v4/events/{action}", json={"url": url})
        except (errors.ResourceNotFoundError, errors.MethodNotAllowedError):
            if action == "unregister":
                raise
            # The same document also gives POST /api/events/v4 for registering.
            self.send("POST", "/api/events/v4", json={"url": url})

    # --- jobs -----------------------------------------------------------------------------

    def start_purchase(self, job_id: str, request: PurchaseRequest) -> JobInfo:
        return self._start("purchase", job_id, request.to_wire())

    def purchase_status(self, job_id: str) -> JobStatus:
        return self._status("purchase", job_id)

    def cancel_purchase(self, job_id: str) -> None:
        self.send("GET", f"/api/purchase/v4/{job_id}/cancel")

    def start_accreditation(self, job_id: str, request: AccreditRequest) -> JobInfo:
        return self._start("accredit", job_id, request.to_wire())

    def accreditation_status(self, job_id: str) -> JobStatus:
        return self._status("accredit", job_id)

    def cancel_accreditation(self, job_id: str) -> None:
        self.send("GET", f"/api/accredit/v4/{job_id}/cancel")

    def _start(self, kind: str, job_id: str, body: dict) -> JobInfo:
        # The seed also asks for the job id "in the header": the path carries it, the header too.
        data = self._data(
            "POST", f"/api/{kind}/v4/{job_id}/async", json=body, headers={"jobId": job_id}
        )
        return JobInfo.from_wire(data)

    def _status(self, kind: str, job_id: str) -> JobStatus:
        return JobStatus.from_wire(self._data("GET", f"/api/{kind}/v4/{job_id}/status"))

    # --- transport ------------------------------------------------------------------------

    def credits(self, amount: Decimal | str | int) -> Decimal:
        """An amount of credits as the device takes it; more decimal places than it allows is an error."""
        value = Decimal(str(amount))
        places = self.decimal_places()
        if -value.as_tuple().exponent > places:
            raise errors.DecimalPlacesMismatchError(
                f"{value} has more than the device's {places} decimal places"
            )
        return value.quantize(Decimal(1).scaleb(-places))

    def _data(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        try:
            return response.json()["data"]
        except (ValueError, KeyError, TypeError):
            raise errors.UnknownError(
                f"{method} {path} answered without a data object: {response.text[:200]!r}",
                http_status=response.status_code,
            ) from None

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise errors.TerminalUnreachableError(
                f"{method} {self.base_url}{path} failed: {exc}"
            ) from exc
        log.debug("cashless %s %s -> %s", method, path, response.status_code)
        if response.status_code == 401:
            raise errors.UnauthorizedError(http_status=401)
        if response.status_code >= 400:
            raise _error(response)
        return response


def _error(response: httpx.Response) -> errors.CashlessError:
    try:
        body = response.json()
        return errors.error_for(
            str(body["error_code"]), str(body.get("error_message", "")), response.status_code
        )
    except (ValueError, KeyError, TypeError):
        return errors.UnknownError(
            f"HTTP {response.status_code} without an error body: {response.text[:200]!r}",
            http_status=response.status_code,
        )
