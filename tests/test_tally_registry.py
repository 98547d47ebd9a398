"""Every rule of the catalogue is priced move by move by the local search's tally (solver.engine.tally), soft or
hard, and the tally counts what the rule's judge counts. Walked over the registry on the CoSPLib conferences (they
use the block rules, penalty tables, chairs, orders, positions and time zones) and on a conference with attendees'
wishes: a rule the tally cannot count, or counts otherwise than its judge, fails here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from solver.config import Config, load_config
from solver.engine.structure import recorded
from solver.importers.cosplib import import_cosplib
from solver.inputs import Problem, load_problem
from solver.rules import MODULES
from tests.test_engine_local import _random_moves

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cosplib"
needs_shared = pytest.mark.skipif(not (SHARED / "instances").is_dir(),
                                  reason=f"CoSPLib data not found at {SHARED} (the shared folder beside the repo)")
NAMES = ("GECCO20", "GECCO21", "OR60F")
_CACHE: dict[str, tuple[Problem, Config]] = {}


@pytest.fixture(scope="module")
def conference(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Problem, Config]]:
    def get(name: str) -> tuple[Problem, Config]:
        if name not in _CACHE:
            folder = tmp_path_factory.mktemp(name)
            import_cosplib(SHARED / "instances" / f"{name}.xlsx", folder)
            _CACHE[name] = load_problem(folder), load_config([folder / "constraints.yaml"])
        return _CACHE[name]
    return get


@needs_shared
@pytest.mark.parametrize("name", NAMES)
def test_every_rule_in_every_mode_is_counted_by_the_tally(conference: Callable, name: str) -> None:
    problem, config = conference(name)
    assert recorded(problem, config)[1] is None  # the conference as imported
    refused = []
    for module in MODULES:
        for hard in [mode == "hard" for mode in module.MODES]:
            why = recorded(problem, config.with_settings(module.NAME, enabled=True, hard=hard))[1]
            if why:
                refused.append(why)
    assert not refused


def _alone(config: Config, rule: str) -> Config:
    """`config` with `rule` the only soft rule on (hard rules as they are)."""
    for rc in config.rules:
        if rc.name != rule and rc.settings.enabled and not rc.settings.hard:
            config = config.with_settings(rc.name, enabled=False)
    return config.with_settings(rule, enabled=True, hard=False)


BLOCK_RULES = ("block_room_track", "track_block_penalty", "track_room_penalty", "block_room_penalty",
               "similar_tracks", "track_hopping", "track_block_rooms", "track_consecutive", "track_position",
               "presenter_block_conflicts", "presenter_slot_conflicts", "chair_conflicts")


@needs_shared
@pytest.mark.parametrize("rule", BLOCK_RULES)
def test_the_tally_of_each_block_rule_counts_what_its_judge_counts(conference: Callable, rule: str) -> None:
    """Random moves on GECCO20 (OR60F for block_room_penalty), where each of these rules has something to count
    (hard rules between sessions ignored: the soft counts do not care); after each, the tally's total equals the
    judge's."""
    problem, config = conference("OR60F" if rule == "block_room_penalty" else "GECCO20")
    totals = _random_moves(problem, _alone(config, rule), 7, 25)
    assert max(totals) > 0 and len(set(totals)) > 1  # the rule had something to count, and it changed


def test_the_tally_of_the_attendee_block_rules_counts_what_their_judge_counts(tmp_path: Path) -> None:
    """The attendees' pair rules on a grid of three blocks where twenty attendees wish six talks each."""
    import random

    from tests.test_rule_attendee_hops_changes import _grid

    rng = random.Random(4)
    sessions = [f"T{i:02d}" for i in range(30)]
    wishes = [(f"a{w}", sid) for w in range(20) for sid in rng.sample(sessions, 6)]
    problem = _grid(tmp_path, blocks="XYZ", rooms=4, positions=4, sessions=30, wishes=wishes)
    for rule in ("attendee_block_conflicts", "attendee_slot_conflicts"):
        totals = _random_moves(problem, _alone(load_config([]), rule), 5, 30)
        assert max(totals) > 0 and len(set(totals)) > 1
