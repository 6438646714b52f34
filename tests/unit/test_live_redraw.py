"""When the live chart is redrawn (seqlab.app.live.RedrawPolicy), on a clock the test moves by hand."""

from seqlab.app.live import DRAW_EVERY, DRAW_SHARE, EPOCH_SHARE, RedrawPolicy


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def replay(epoch_seconds: float, draw_cost: float, epochs: int = 10, runs: int = 6) -> tuple[list[int], float]:
    """Records of `runs` runs arriving evenly through each epoch, drawn when the policy says so at `draw_cost`
    seconds a drawing; returns the furthest epoch of every drawing and the share of the time spent drawing."""
    clock, drawn, drawing = Clock(), [], 0.0
    policy = RedrawPolicy(clock=clock)
    for epoch in range(epochs + 1):
        for _ in range(runs):
            clock.now += epoch_seconds / runs
            if policy.due((epoch,)):
                clock.now += draw_cost
                drawing += draw_cost
                policy.drawn((epoch,), draw_cost)
                drawn.append(epoch)
    return drawn, drawing / (clock.now - 100.0)


def test_a_short_run_shows_every_epoch_when_an_epoch_outlasts_a_few_drawings():
    # the 8-second forgetting demo: 10 epochs of about 0.8 s, six runs, both charts costing ~0.07 s of CPU
    drawn, _ = replay(epoch_seconds=0.8, draw_cost=0.07)
    assert set(range(11)) <= set(drawn)


def test_a_slow_first_drawing_does_not_starve_the_epochs_after_it():
    # the bug: a 0.33 s first drawing (Altair building the chart) held the next redraw off for 11 s
    clock = Clock()
    policy = RedrawPolicy(clock=clock)
    policy.drawn((0,), 0.01)  # the build itself is not counted (LiveCharts times only the redraw)
    clock.now += 0.5
    assert policy.due((1,))


def test_epochs_faster_than_drawing_are_skipped_so_drawing_stays_a_small_share():
    drawn, share = replay(epoch_seconds=0.02, draw_cost=0.05, epochs=500)
    assert share <= EPOCH_SHARE * 1.2
    assert 0 < len(set(drawn)) < 200 and drawn[-1] >= 480  # it still moves on, every dozen epochs or so


def test_within_an_epoch_a_redraw_waits_at_least_draw_every():
    clock = Clock()
    policy = RedrawPolicy(clock=clock)
    policy.drawn((3,), 0.001)
    clock.now += DRAW_EVERY / 2
    assert not policy.due((3,)) and policy.due((4,))  # the same epoch waits; a new one is drawn at once
    clock.now += DRAW_EVERY / 2
    assert policy.due((3,))


def test_an_expensive_chart_is_redrawn_less_often_within_an_epoch():
    clock = Clock()
    policy = RedrawPolicy(clock=clock)
    policy.drawn((2,), 0.1)  # 0.1 s a drawing
    clock.now += 0.1 / EPOCH_SHARE
    assert policy.due((3,)) and not policy.due((2,))  # a new epoch after four drawings' time; the same one waits
    clock.now = 100.0 + 0.1 / DRAW_SHARE + 1e-9
    assert policy.due((2,))


def test_any_part_of_the_progress_moving_on_counts_as_a_new_epoch():
    # (furthest epoch of any run, epoch every seed of the RNN reached, of the LSTM): a slow seed catching up is
    # progress too, for a chart of the mean over seeds
    clock = Clock()
    policy = RedrawPolicy(clock=clock)
    policy.drawn((4, 3, 4), 0.01)
    clock.now += 0.1
    assert not policy.due((4, 3, 4)) and policy.due((4, 4, 4)) and policy.due((5, 3, 4))
    policy.drawn((4, 4, 4), 0.01)
    assert policy.reached == (4, 4, 4)
