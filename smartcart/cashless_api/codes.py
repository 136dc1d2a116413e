"""Error codes of API v4 with the HTTP status the emulator answers and the documented sentence.

The seed gives codes and sentences but no HTTP statuses; the statuses here are our choice
(docs/integrations/cashless.md). 401 has no body: it is not an error code.
"""

from __future__ import annotations

ERROR_CODES: dict[str, tuple[int, str]] = {
    "BadRequest": (400, "The request is invalid"),
    "ResourceNotFound": (404, "The requested resource was not found"),
    "MethodNotAllowed": (405, "The request method is not allowed"),
    "ApiNotActive": (
        503,
        "The API is currently deactivated. Requests are only processed when API is activated",
    ),
    "NoTagPresent": (404, "There is no nfc tag on the reader currently"),
    "TagInvalid": (422, "The nfc tag on the reader is invalid (e.g. broken)"),
    "PaymentTypeNotFound": (404, "The requested payment type does not exists"),
    "PaymentTypeNotAllowed": (422, "The requested payment type cannot be used for a purchase"),
    "CartInvalid": (422, "The shopping cart received in the request contains errors"),
    "PriceMismatch": (
        409,
        "An item in the shopping cart actually has a different price than what is assumed",
    ),
    "DecimalPlacesMismatch": (
        422,
        "The number of decimal places provided exceeds the allowed number of decimal places",
    ),
    "ResourceAlreadyExists": (409, "The resource cannot be created because it already exists"),
    "UnknownError": (500, "An unknown error occured"),
}

# JobStatus.status is typed `int` in the reference but shown as a name in every example:
# we send names and accept either, the numbers following the documented order.
JOB_STATUSES = ("Pending", "Cancelled", "Success")
FINAL_STATUSES = frozenset({"Cancelled", "Success"})
WORKER_TYPES = (
    "unknown",
    "guest",
    "worker",
    "powerworker",
    "serviceuser",
    "manager",
    "master",
    "admin",
)
