"""`onprem.update`: the store records the update and starts the updater at once; the same
rollout again (the command is at least once) is answered from the journal and starts nothing
new; another rollout waits until the update under way ends; bad args get a sentence."""

from __future__ import annotations

import time

import pytest

from onprem.software import journal
from onprem.software.store_commands import onprem_update
from onprem.uplink.commands import StoreCommandRefused, registry
from smartcart.release.signing import generate
from tests.onprem.software.conftest import KEY, STORE, signed


def command(manifest: dict, *, rollout: int = 7) -> dict:
    release = {k: manifest[k] for k in ("version", "hardware", "sha256", "size")}
    return {
        "rollout": rollout,
        "release": {
            **release,
            "manifest": manifest,
            "url": f"/api/v1/releases/{rollout}/artifact/",
        },
    }


@pytest.fixture
def updater_env(monkeypatch, cloud, releases, signing_key):
    """What the uplink's environment gives the detached updater."""
    monkeypatch.setenv("SMARTCART_CLOUD_URL", cloud.url)
    monkeypatch.setenv("SMARTCART_STORE_ID", STORE)
    monkeypatch.setenv("SMARTCART_CLOUD_STORE_KEY", KEY)
    monkeypatch.setenv(
        "SMARTCART_RELEASE_TRUST",
        str(signing_key.with_name(signing_key.name.replace(".pem", ".pub.pem"))),
    )


def wait_final(releases, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while not journal.is_final(job := journal.load(releases)):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


def test_it_is_a_store_command_of_the_uplink():
    assert "onprem.update" in registry()


def test_it_starts_the_updater_once_per_rollout(updater_env, cloud, releases, tmp_path):
    stranger, _, _ = generate(tmp_path / "stranger")  # the updater refuses it: no DB touched
    manifest, data = signed(tmp_path, stranger, "0.1.1", b"wheel")
    cloud.files["/api/v1/releases/7/artifact/"] = data

    first = onprem_update(command(manifest))
    again = onprem_update(command(manifest))
    job = wait_final(releases)

    assert first["state"] == "pending" and again["rollout"] == 7
    assert (job["state"], job["step"]) == ("refused", "verify")
    assert len(cloud.requests) == 1  # one updater downloaded it
    assert onprem_update(command(manifest)) == {
        "rollout": 7,
        "version": "0.1.1",
        "state": "refused",
        "step": "verify",
        "reason": job["reason"],
    }


def test_another_rollout_waits_for_the_update_under_way(releases, signing_key, tmp_path):
    manifest, _ = signed(tmp_path, signing_key, "0.1.1", b"wheel")
    job = journal.new_job(
        releases, rollout=7, release={"version": "0.1.1"}, url="/x", from_version="0.1.0"
    )
    journal.enter(releases, job, "migrate")

    with journal.updater_lock(releases):  # its updater at work
        with pytest.raises(
            StoreCommandRefused, match="update to 0.1.1 .rollout 7. is still under way"
        ):
            onprem_update(command(manifest, rollout=8))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"rollout": 0}, "rollout must be a positive integer"),
        ({"release": {"url": "/a"}}, "release version must be"),
        ({"hardware": "cart-v1"}, "hardware must be onprem-v1"),
        ({"url": "ftp://elsewhere/x"}, "release url must be"),
        ({"sha256": "abc"}, "sha256 must be 64"),
    ],
)
def test_it_says_what_is_wrong_with_bad_args(releases, signing_key, tmp_path, change, says):
    manifest, _ = signed(tmp_path, signing_key, "0.1.1", b"wheel")
    args = command(manifest)
    for key, value in change.items():
        if key in ("rollout", "release"):
            args[key] = value
        else:
            args["release"][key] = value

    with pytest.raises(StoreCommandRefused, match=says):
        onprem_update(args)
    assert journal.load(releases) is None
