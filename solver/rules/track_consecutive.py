"""Soft: a track's blocks follow one another (each track with a gap between two of its blocks costs the weight).

Blocks are in time order across days. Off by default.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled, block_of, track_blocks

NAME = "track_consecutive"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "track whose blocks are not consecutive, times `multiplier`"
Params = Scaled


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track else []


def add(ctx: BuildContext) -> None:
    problem, model = ctx.problem, ctx.model
    used = track_blocks(ctx)
    by_track: dict[str, dict[int, Any]] = defaultdict(dict)
    for (track, block), y in used.items():
        by_track[track][problem.block_index[block]] = y
    for track, blocks in by_track.items():
        order = sorted(blocks)
        if len(order) < 2:
            continue
        gap = model.new_bool_var(f"gap[{track}]")
        before = model.new_bool_var(f"before[{track},0]")  # some block before the current one is used
        model.add(before == blocks[order[0]])
        after_flags = []
        for i in range(len(order)):  # after[i]: some block after order[i] is used
            flag = model.new_bool_var(f"after[{track},{i}]")
            later = [blocks[b] for b in order[i + 1:]]
            if later:
                model.add_max_equality(flag, later)
            else:
                model.add(flag == 0)
            after_flags.append(flag)
        for i in range(1, len(order) - 1):
            here = blocks[order[i]]
            # a gap: a used block before, none here, one after (indices between blocks never used are gaps too)
            model.add(gap >= before + after_flags[i] - here - 1)
            nxt = model.new_bool_var(f"before[{track},{i}]")
            model.add_max_equality(nxt, [before, here])
            before = nxt
        # blocks in between that no placement can use are gaps as soon as blocks on both sides are used
        for i in range(len(order) - 1):
            if order[i + 1] - order[i] > 1:
                prefix = [blocks[b] for b in order[: i + 1]]
                any_before = model.new_bool_var(f"upto[{track},{i}]")
                model.add_max_equality(any_before, prefix)
                model.add(gap >= any_before + after_flags[i] - 1)
        ctx.penalize(gap, ctx.params.multiplier)  # type: ignore[attr-defined]


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    blocks: dict[str, set[int]] = defaultdict(set)
    sessions: dict[str, list[str]] = defaultdict(list)
    for p in view.placed:
        if p.session.track:
            blocks[p.session.track].add(view.problem.block_index[block_of(view.problem, p)])
            sessions[p.session.track].append(p.session.session_id)
    out = []
    for track, used in sorted(blocks.items()):
        if len(used) > 1 and max(used) - min(used) + 1 != len(used):
            names = [view.problem.blocks[i] for i in sorted(used)]
            out.append(Violation(NAME, params.multiplier, say("Track {track} has a gap between its blocks: {blocks}",
                                                              track=track, blocks=", ".join(names)),
                                 tuple(sorted(sessions[track]))))
    return out


def tally(ctx: Counting) -> None:
    """A track whose blocks leave a gap costs `multiplier`."""
    problem, m = ctx.problem, ctx.params.multiplier  # type: ignore[attr-defined]
    ctx.grouped(lambda p: [(p.session.track, problem.block_index[block_of(problem, p)])] if p.session.track else [],
                lambda held: m * int(len(held) > 1 and max(held) - min(held) + 1 != len(held)))
