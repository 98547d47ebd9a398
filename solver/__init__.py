"""salle: a conference room-and-slot scheduler built on OR-Tools CP-SAT.

Data flows one way: inputs -> problem -> model -> result -> outputs. As a library (README, "Python API"):

    import solver
    problem = solver.load("inputs")          # or a dict of DataFrames
    result = solver.solve(problem)           # solver.solve(problem, config, options) -> Result
    result.to_frame()                        # the assignments as a pandas DataFrame

The names below are imported on first use, so `import solver` (and the `salle` command's start) stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Config", "InputError", "Problem", "Result", "SolveOptions", "Status", "__version__", "load",
           "load_config", "solve"]

if TYPE_CHECKING:
    from solver.api import Result, load, solve
    from solver.config import Config, load_config
    from solver.engine import SolveOptions, Status
    from solver.errors import InputError
    from solver.inputs import Problem

_WHERE = {"load": "solver.api", "solve": "solver.api", "Result": "solver.api", "Config": "solver.config",
          "load_config": "solver.api", "SolveOptions": "solver.engine", "Status": "solver.engine",
          "InputError": "solver.errors", "Problem": "solver.inputs"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'solver' has no attribute {name!r}")
