"""The one way the emulator refuses a request: an error code from the seed's table."""

from __future__ import annotations

from smartcart.cashless_api.codes import ERROR_CODES


class ApiFault(Exception):
    """Answered as {"error_code", "error_message"} with the status chosen in ERROR_CODES."""

    def __init__(self, code: str, message: str = "") -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"{code!r} is not an error code of API v4")
        super().__init__(message or ERROR_CODES[code][1])
        self.code = code
        self.message = message or ERROR_CODES[code][1]

    @property
    def http_status(self) -> int:
        return ERROR_CODES[self.code][0]

    def body(self) -> dict:
        return {"error_code": self.code, "error_message": self.message}
