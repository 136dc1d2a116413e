"""software_report frames: every journal entry the cloud has not acked, resent until it acks,
and after an ack only what is new (kept in reported.json: a restarted uplink, as every update
restarts it, does not send the whole story again)."""

from __future__ import annotations

import asyncio

from onprem.software import journal
from onprem.software.report import SoftwareReport
from smartcart import tunnel_frames as frames


def update(releases) -> dict:
    job = journal.new_job(
        releases, rollout=3, release={"version": "0.1.1"}, url="/x", from_version="0.1.0"
    )
    journal.enter(releases, job, "download")
    return job


def test_it_reports_each_step_until_acked_and_then_only_what_is_new(releases):
    job = update(releases)
    report = SoftwareReport()

    frame = asyncio.run(report.next_frame())
    assert frame.type == frames.SOFTWARE_REPORT == "software_report"
    assert [(u["state"], u["step"]) for u in frame.body["updates"]] == [
        ("pending", "accepted"),
        ("downloading", "download"),
    ]
    assert frame.body["updates"][0]["rollout"] == 3
    assert frame.body["updates"][0]["version"] == "0.1.1"
    assert asyncio.run(report.next_frame()) is None  # on its way: not sent twice at once

    asyncio.run(report.acked(frame.id))
    journal.record(releases, job, "switched", "done")

    later = asyncio.run(SoftwareReport().next_frame())  # a restarted uplink
    assert [(u["state"], u["step"]) for u in later.body["updates"]] == [("switched", "done")]


def test_a_lost_frame_goes_again_on_a_new_connection(releases):
    update(releases)
    report = SoftwareReport()
    first = asyncio.run(report.next_frame())

    report.new_connection()
    again = asyncio.run(report.next_frame())

    assert again.id != first.id and again.body == first.body


def test_there_is_nothing_to_report_without_an_update(releases):
    assert asyncio.run(SoftwareReport().next_frame()) is None
