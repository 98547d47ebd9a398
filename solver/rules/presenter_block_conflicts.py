"""Soft: sessions needing one presenter are not in one block in two rooms.

Pairs come from the sessions' `speakers` and tracks.csv `chairs` (a speaker chairing another track). Each pair costs
once per block where both run in different rooms, times `multiplier`. Off by default.
"""

from __future__ import annotations

from solver.rules.base import RuleSettings
from solver.rules.blocks import Scaled, pair_conflict_rule, pair_conflict_tally, presenter_pairs

NAME = "presenter_block_conflicts"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "sessions sharing a presenter: pair of sessions in one block, two rooms"
Params = Scaled
PER = "block"

relevant, links, add, judge = pair_conflict_rule(presenter_pairs, PER, NAME, "presenter")


tally = pair_conflict_tally(presenter_pairs, PER)
