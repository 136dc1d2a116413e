"""Every documented error code, produced by the emulator and mapped to its own exception."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from onprem.integrations.cashless import errors
from onprem.integrations.cashless.client import CashlessClient
from smartcart.cashless_api.codes import ERROR_CODES
from smartcart.cashless_api.models import CartItem, PurchaseRequest
from tests.onprem.integrations.cashless.conftest import OTHER_PAYMENT_TYPE, PAYMENT_TYPE


def _buy(client, *, payment_type=PAYMENT_TYPE, key="soda", price="3.2", job_id=None):
    item = CartItem(1, key, "", Decimal(price))
    client.start_purchase(job_id or str(uuid.uuid4()), PurchaseRequest(payment_type, [item]))


def _same_job_twice(client):
    job_id = str(uuid.uuid4())
    _buy(client, job_id=job_id)
    _buy(client, job_id=job_id)


PRODUCE = {
    "BadRequest": lambda client, reader: client.purchase_status("not-a-uuid"),
    "ResourceNotFound": lambda client, reader: client.purchase_status(str(uuid.uuid4())),
    "MethodNotAllowed": lambda client, reader: client.send("POST", "/api/config/v4"),
    "ApiNotActive": lambda client, reader: (reader.configure(active=False), client.config()),
    "NoTagPresent": lambda client, reader: client.tag_info(),
    "TagInvalid": lambda client, reader: (reader.present(invalid=True), client.tag_info()),
    "PaymentTypeNotFound": lambda client, reader: _buy(client, payment_type=str(uuid.uuid4())),
    "PaymentTypeNotAllowed": lambda client, reader: _buy(client, payment_type=OTHER_PAYMENT_TYPE),
    "CartInvalid": lambda client, reader: _buy(client, key="no-such-product"),
    "PriceMismatch": lambda client, reader: _buy(client, price="3.3"),
    "DecimalPlacesMismatch": lambda client, reader: _buy(client, price="3.201"),
    "ResourceAlreadyExists": lambda client, reader: _same_job_twice(client),
    "UnknownError": lambda client, reader: (
        reader.configure(failNext="UnknownError"),
        client.menu(),
    ),
}


def test_it_produces_every_documented_code():
    assert set(PRODUCE) == set(ERROR_CODES)


@pytest.mark.parametrize("code", sorted(PRODUCE))
def test_it_maps_each_error_code_to_its_exception(client, reader, code):
    with pytest.raises(errors.CashlessError) as caught:
        PRODUCE[code](client, reader)
    assert type(caught.value) is errors.BY_CODE[code]
    assert caught.value.error_code == code
    assert caught.value.error_message
    assert caught.value.http_status == ERROR_CODES[code][0]


def test_it_raises_unauthorized_on_a_wrong_password(emulator, reader):
    with CashlessClient(emulator["url"], username="api", password="wrong") as wrong:
        with pytest.raises(errors.UnauthorizedError) as caught:
            wrong.config()
    assert caught.value.http_status == 401


def test_it_says_the_terminal_is_unreachable_when_nothing_listens():
    from tests.conftest import free_port

    with CashlessClient(f"http://127.0.0.1:{free_port()}", username="api", password="test") as down:
        with pytest.raises(errors.TerminalUnreachableError, match="Connection refused"):
            down.config()
