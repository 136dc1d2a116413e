"""Jobs move only along the transition table, and every move is recorded with why and by whom."""

from __future__ import annotations

import pytest

from onprem.updates.choices import FINAL_STATES, TRANSITIONS, JobState
from onprem.updates.jobs import create_job
from onprem.updates.machine import IllegalTransition, move


@pytest.fixture
def job(release_cached):
    return create_job(
        kind="cart",
        device_id="cart-001",
        release=release_cached("1.1.0"),
        requested_by="staff:stella",
        why="asked at the desk",
    )


def test_it_records_every_move_with_its_reason_and_who(job):
    move(job, JobState.SENT, why="gates passed", by="worker")
    move(job, JobState.DOWNLOADING, why="the cart reported downloading", by="cart:cart-001")
    move(job, JobState.SUCCEEDED, why="the cart reported succeeded", by="cart:cart-001")

    rows = list(job.transitions.values_list("from_state", "to_state", "reason", "by"))
    assert rows == [
        ("", "waiting", "asked at the desk", "staff:stella"),
        ("waiting", "sent", "gates passed", "worker"),
        ("sent", "downloading", "the cart reported downloading", "cart:cart-001"),
        ("downloading", "succeeded", "the cart reported succeeded", "cart:cart-001"),
    ]
    assert job.finished_at is not None and job.open_key is None


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ((), JobState.DOWNLOADING),  # waiting -> downloading: never sent
        ((JobState.SENT, JobState.INSTALLING), JobState.DOWNLOADING),  # backwards
        ((JobState.SENT, JobState.SUCCEEDED), JobState.FAILED),  # a final state is final
        ((JobState.CANCELLED,), JobState.SENT),
    ],
)
def test_it_refuses_an_illegal_transition_and_records_nothing(job, path, illegal):
    for state in path:
        assert move(job, state, why="step", by="test")
    before = job.transitions.count()

    with pytest.raises(IllegalTransition, match=f"from {job.state} to {illegal}"):
        move(job, illegal, why="wrong", by="test")

    job.refresh_from_db()
    assert job.state == (path[-1] if path else "waiting")
    assert job.transitions.count() == before


def test_it_lets_only_one_of_two_racing_movers_win(job):
    stale = type(job).objects.get(pk=job.pk)
    assert move(job, JobState.SENT, why="first", by="worker")

    assert (
        move(stale, JobState.CANCELLED, why="second, from a stale read", by="cloud:olga") is False
    )
    job.refresh_from_db()
    assert job.state == "sent"
    assert job.transitions.filter(to_state="cancelled").count() == 0


def test_the_table_has_no_exit_from_a_final_state_and_an_entry_to_every_state():
    assert all(TRANSITIONS[state] == set() for state in FINAL_STATES)
    reachable = {JobState.WAITING} | set().union(*TRANSITIONS.values())
    assert reachable == set(JobState.values)
