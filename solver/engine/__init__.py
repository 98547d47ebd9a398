"""The engine: `solve(problem, config, options) -> Result`.

construct.py   a complete first schedule, fast (board.py: who holds which room and speaker when)
model.py       the CP-SAT model over allowed placements (candidates.py: where each session may go, at what cost)
lns.py         large neighbourhood search over sub-models of freed sessions (neighbourhoods.py: which to free)
delta.py       what a change of a few placements costs, rule by rule, from the rules' judge functions
parallel.py    partner processes searching alongside, their proposals applied or checked again
bounds.py      the room relaxation and per-scope lower bounds, each saying what it covers
price.py       the exact cost of a schedule as the model counts it
improve.py     the anytime path: repair, bound, neighbourhood search (with partners) until the time limit
solve.py       chooses and runs them (clock.py: time, stop, progress); cpsat.py runs CP-SAT so that Ctrl-C
               always stops it
"""

from solver.engine.result import EXACT, LNS, Progress, Result, SolveOptions, Status, Stop
from solver.engine.solve import LARGE, solve

__all__ = ["EXACT", "LARGE", "LNS", "Progress", "Result", "SolveOptions", "Status", "Stop", "solve"]
