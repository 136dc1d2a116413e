"""The store's updater (onprem/software) and the cloud agree on `software_report`: the frames
its journal produces are kept as the rollout's states, step by step, to the final one."""

from __future__ import annotations

from cloud.software import services
from cloud.software.models import Rollout, StoreUpdate
from cloud.stores.models import Store
from onprem.software import journal
from onprem.software.report import SoftwareReport


def test_the_updaters_journal_frames_move_the_update_to_switched(onprem_release, stores, tmp_path):
    rollout = services.start_rollout(onprem_release("0.2.0"), ["store-001"], "ops")
    args = services.update_args(rollout)
    job = journal.new_job(
        tmp_path,
        rollout=rollout.pk,
        release=args["release"],
        url=args["release"]["url"],
        from_version="0.1.0",
    )
    for step in ("download", "verify", "compat", "install", "backup", "migrate", "probe"):
        journal.enter(tmp_path, job, step)
    journal.record(tmp_path, job, "switched", "confirm")

    frame = SoftwareReport(tmp_path).build()
    services.record_report(Store.objects.get(code="store-001"), frame.body)

    update = StoreUpdate.objects.get(rollout=rollout)
    assert (update.state, update.step) == ("switched", "confirm")
    assert [h["step"] for h in update.history if h.get("by") != "cloud"] == [
        "accepted",
        "download",
        "verify",
        "compat",
        "install",
        "backup",
        "migrate",
        "probe",
        "confirm",
    ]
    assert Rollout.objects.get(pk=rollout.pk).state == "finished"
