"""Partners that cannot block: the links between the main process and its partners never wait, whatever the
other side does (sends as large as a big conference's changes, nobody reading, a side dying mid-message); and a
large conference with three partners ends on time with a valid schedule."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from solver.engine.parallel import Link, available

BIG = b"x" * (1 << 20)  # 1 MB: more than a pipe holds (64 KB), as a change on a 5,000-session conference


def _flood_then_read(link: Link, count: int) -> None:
    for _ in range(count):
        link.send(BIG)
    got = 0
    deadline = time.monotonic() + 60
    while got < count and time.monotonic() < deadline:
        got += len(link.received())
        time.sleep(0.01)
    link.send(("done", got))
    link.close(flush=5)


@pytest.mark.skipif(not available(), reason="partner processes need fork (Linux)")
def test_both_sides_sending_much_and_reading_late_never_block() -> None:
    """The hang of `--workers 4` on XL-1: each side sent more than a pipe holds before reading; with queues
    whose feeders write the pipes, both go on and read everything."""
    context = multiprocessing.get_context("fork")
    link = Link(context.Queue(), context.Queue())
    child = context.Process(target=_flood_then_read, args=(link.reversed(), 20), daemon=True)
    child.start()
    started = time.monotonic()
    for _ in range(20):
        link.send(BIG)  # returns at once although nobody reads yet
    assert time.monotonic() - started < 5
    got, done = 0, None
    deadline = time.monotonic() + 60
    while done is None and time.monotonic() < deadline:
        for message in link.received():
            if isinstance(message, tuple):
                done = message
            else:
                got += 1
        time.sleep(0.01)
    child.join(10)
    link.close()
    assert got == 20 and done == ("done", 20)


def _die_mid_message(link: Link) -> None:
    link.send(b"y" * (8 << 20))  # the feeder starts writing 8 MB …
    time.sleep(0.2)
    os._exit(0)  # … and the process dies with most of it unwritten


@pytest.mark.skipif(not available(), reason="partner processes need fork (Linux)")
def test_a_partner_dying_mid_message_never_blocks_the_main_process() -> None:
    context = multiprocessing.get_context("fork")
    link = Link(context.Queue(), context.Queue())
    child = context.Process(target=_die_mid_message, args=(link.reversed(),), daemon=True)
    child.start()
    child.join(10)
    started = time.monotonic()
    for _ in range(20):
        assert link.received() == []  # the half message never arrives, and reading never waits for it
        time.sleep(0.01)
    assert time.monotonic() - started < 5
    link.close()


@pytest.mark.slow
@pytest.mark.skipif(not available(), reason="partner processes need fork (Linux)")
def test_a_large_conference_with_three_partners_ends_on_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bench.generate import SIZES, generate
    from solver.config import default_config
    from solver.engine import SolveOptions, solve
    from solver.inputs import load_problem
    from solver.judge import judge

    problem = load_problem(generate(SIZES["L"], 1).write(tmp_path / "L-1"))
    config = default_config()
    started = time.monotonic()
    result = solve(problem, config, SolveOptions(time_limit=30, workers=4, seed=1))
    assert time.monotonic() - started < 30 * 1.1 + 5
    assert result.schedule is not None and judge(problem, result.schedule, config).ok
