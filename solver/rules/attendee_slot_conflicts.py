"""Soft: sessions one attendee wants both of do not run at the same slot.

Pairs come from interests.csv: an attendee of one who attends or presents the other, or chairs its (other) track.
Each pair costs once per slot where both run, times `multiplier`. Off by default.
"""

from __future__ import annotations

from solver.rules.base import RuleSettings
from solver.rules.blocks import Scaled, attendee_pairs, pair_conflict_rule, pair_conflict_tally

NAME = "attendee_slot_conflicts"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "sessions an attendee wants: pair of sessions at one slot, per slot"
Params = Scaled
PER = "slot"

relevant, links, add, judge = pair_conflict_rule(attendee_pairs, PER, NAME, "attendee")


tally = pair_conflict_tally(attendee_pairs, PER)
