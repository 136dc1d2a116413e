from __future__ import annotations

from onprem.uplink.client import Backoff


def test_it_doubles_the_ceiling_up_to_the_cap():
    backoff = Backoff(base=1.0, cap=30.0, rng=lambda: 1.0)

    assert [backoff.next_delay() for _ in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_it_draws_each_delay_anywhere_below_the_ceiling():
    draws = iter([0.0, 0.5, 0.25])
    backoff = Backoff(base=1.0, cap=30.0, rng=lambda: next(draws))

    assert [backoff.next_delay() for _ in range(3)] == [0.0, 1.0, 1.0]


def test_it_keeps_real_jitter_within_bounds():
    backoff = Backoff(base=1.0, cap=8.0)
    delays = [backoff.next_delay() for _ in range(200)]

    assert all(0.0 <= d <= 8.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 150  # jittered, not a fixed schedule


def test_it_starts_over_after_a_reset():
    backoff = Backoff(base=1.0, cap=30.0, rng=lambda: 1.0)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()

    assert backoff.next_delay() == 1.0
    backoff.attempt = backoff.max_attempt()
    assert backoff.next_delay() == 30.0
