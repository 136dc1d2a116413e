"""One exception per error code of API v4, each carrying `error_code` and `error_message`.

401 has no body on the wire, so it is its own class; so are the failures that never reach
the terminal (unreachable) and the purchase helper's timeout.
"""

from __future__ import annotations

from smartcart.cashless_api.codes import ERROR_CODES


class CashlessError(Exception):
    """Anything the terminal refused or we could not get from it."""

    error_code = "UnknownError"

    def __init__(
        self,
        error_message: str = "",
        *,
        error_code: str | None = None,
        http_status: int | None = None,
    ):
        self.error_code = error_code or self.error_code
        self.error_message = error_message or ERROR_CODES.get(self.error_code, (0, ""))[1]
        self.http_status = http_status
        super().__init__(f"{self.error_code}: {self.error_message}")


class UnauthorizedError(CashlessError):
    error_code = "Unauthorized"

    def __init__(self, error_message: str = "", **kwargs):
        super().__init__(
            error_message or "the terminal refused the username/password (HTTP 401)", **kwargs
        )


class TerminalUnreachableError(CashlessError):
    error_code = "TerminalUnreachable"


class PurchaseTimedOutError(CashlessError):
    error_code = "PurchaseTimedOut"


class BadRequestError(CashlessError):
    error_code = "BadRequest"


class ResourceNotFoundError(CashlessError):
    error_code = "ResourceNotFound"


class MethodNotAllowedError(CashlessError):
    error_code = "MethodNotAllowed"


class ApiNotActiveError(CashlessError):
    error_code = "ApiNotActive"


class NoTagPresentError(CashlessError):
    error_code = "NoTagPresent"


class TagInvalidError(CashlessError):
    error_code = "TagInvalid"


class PaymentTypeNotFoundError(CashlessError):
    error_code = "PaymentTypeNotFound"


class PaymentTypeNotAllowedError(CashlessError):
    error_code = "PaymentTypeNotAllowed"


class CartInvalidError(CashlessError):
    error_code = "CartInvalid"


class PriceMismatchError(CashlessError):
    error_code = "PriceMismatch"


class DecimalPlacesMismatchError(CashlessError):
    error_code = "DecimalPlacesMismatch"


class ResourceAlreadyExistsError(CashlessError):
    error_code = "ResourceAlreadyExists"


class UnknownError(CashlessError):
    error_code = "UnknownError"


BY_CODE: dict[str, type[CashlessError]] = {
    cls.error_code: cls for cls in CashlessError.__subclasses__() if cls.error_code in ERROR_CODES
}


def error_for(error_code: str, error_message: str, http_status: int) -> CashlessError:
    """The exception for a documented code; an undocumented one still keeps its code."""
    cls = BY_CODE.get(error_code, CashlessError)
    return cls(error_message, error_code=error_code, http_status=http_status)
