"""Soft: sessions one attendee wants both of are not in one block in two rooms.

Pairs come from interests.csv: an attendee of one who attends or presents the other, or chairs its (other) track.
Each pair costs once per block where both run in different rooms, times `multiplier`. Off by default.
"""

from __future__ import annotations

from solver.rules.base import RuleSettings
from solver.rules.blocks import Scaled, attendee_pairs, pair_conflict_rule, pair_conflict_tally

NAME = "attendee_block_conflicts"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "sessions an attendee wants: pair of sessions in one block, two rooms"
Params = Scaled
PER = "block"

relevant, links, add, judge = pair_conflict_rule(attendee_pairs, PER, NAME, "attendee")


tally = pair_conflict_tally(attendee_pairs, PER)
