"""manage.py start_rollout: the API's rollout for scripts and the demo; refusals exit 1."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cloud.commands.models import StoreCommand
from cloud.software.models import StoreUpdate
from cloud.stores.models import Store


def run(*args: str) -> dict:
    out = StringIO()
    call_command("start_rollout", *args, stdout=out)
    return json.loads(out.getvalue().splitlines()[0])


def test_it_starts_a_rollout_for_a_group_and_prints_it(onprem_release, stores):
    release = onprem_release("0.2.0")

    rollout = run("--release", str(release.pk), "--group", "north", "--by", "demo")

    assert rollout["created_by"] == "demo" and len(rollout["updates"]) == 3
    assert StoreCommand.objects.filter(name="onprem.update").count() == 3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--release", "999", "--store", "store-001"], "refused: no release 999"),
        (["--store", "store-404"], "refused: no such stores: store-404"),
        ([], "give --store (one or more) or --group"),
    ],
)
def test_it_refuses_with_a_sentence(onprem_release, stores, args, says):
    release = onprem_release("0.2.0")
    args = args if args[:1] == ["--release"] else ["--release", str(release.pk), *args]

    with pytest.raises(CommandError, match=says.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
    assert not StoreUpdate.objects.exists()


def test_wait_fails_when_a_store_did_not_switch(onprem_release, stores):
    release = onprem_release("0.2.0")
    Store.objects.filter(code="store-001").update(last_heartbeat={})  # never said what it runs

    with pytest.raises(CommandError, match="not switched: store-001 refused"):
        run("--release", str(release.pk), "--store", "store-001", "--wait", "5")
