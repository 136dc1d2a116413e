"""The updater refuses a release before it touches anything: a signature it does not trust,
a version that is not newer than the one running, a version the compatibility table does not
accept with this store's devices."""

from __future__ import annotations

import pytest

from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device
from onprem.software import journal
from onprem.software.layout import current_version
from onprem.software.updater import Updater
from smartcart.release.signing import generate
from tests.onprem.software.conftest import offer, signed

pytestmark = pytest.mark.django_db


def test_it_refuses_a_release_signed_by_a_key_it_does_not_trust(
    releases, signing_key, cloud, tmp_path
):
    stranger, _, _ = generate(tmp_path / "stranger")
    manifest, data = signed(tmp_path, stranger, "0.1.1", b"not our wheel")
    offer(cloud, releases, manifest, data)

    job = Updater().run()

    assert (job["state"], job["step"]) == ("refused", "verify")
    assert job["reason"].startswith("refused: unknown_key")
    assert not (releases / "0.1.1").exists()
    assert current_version(releases) is None
    assert journal.load(releases)["state"] == "refused"


def test_it_refuses_a_release_not_newer_than_the_one_running(
    releases, signing_key, cloud, tmp_path
):
    manifest, data = signed(tmp_path, signing_key, "0.0.9", b"an old wheel")
    offer(cloud, releases, manifest, data)

    job = Updater().run()

    assert (job["state"], job["step"]) == ("refused", "verify")
    assert "not_newer" in job["reason"]


def test_it_refuses_a_version_the_compatibility_table_does_not_accept(
    releases, signing_key, cloud, tmp_path
):
    provision_device(kind="cart", device_id="cart-01")
    Cart.objects.filter(device_id="cart-01").update(firmware="3.0.0")  # a 3.x cart: 0.x takes 1.x
    manifest, data = signed(tmp_path, signing_key, "0.1.1", b"a wheel")
    offer(cloud, releases, manifest, data)

    job = Updater().run()

    assert (job["state"], job["step"]) == ("refused", "compat")
    assert "does not accept cart-v1 firmware 3.0.0" in job["reason"]
    assert not (releases / "0.1.1").exists()
