"""The tools the benchmark runs, by name: salle itself and the peers an organizer could use instead.

Each tool module defines `NAME`, `OBJECTIVES` (the objective sets of bench/common.py it can optimise),
`missing() -> str | None` (why it cannot run here, e.g. not installed), optionally `skip(instance, objective)
-> str | None` (why it is not run on that instance), and `run(instance, time_limit, seed, workdir, objective)
-> ToolRun`, which writes `workdir/schedule.csv`. `run` is called in a child process of its own
(bench/child.py), so imports, memory and crashes stay with the tool.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = {
    "salle": "bench.peers.salle_tool",
    "conference-scheduler": "bench.peers.conference_scheduler_peer",
    "timefold": "bench.peers.timefold_peer",
}


def tool(name: str) -> ModuleType:
    """The module of tool `name` (KeyError listing the valid names)."""
    if name not in MODULES:
        raise KeyError(f"unknown tool '{name}'. Valid: {', '.join(MODULES)}")
    return importlib.import_module(MODULES[name])


def why_not(name: str, instance: object, objective: str) -> str | None:
    """Why tool `name` is not run on `instance` with `objective`: not installed, objective or size unsupported."""
    module = tool(name)
    why = module.missing()
    if why:
        return why
    skip = getattr(module, "skip", None)
    why = skip(instance, objective) if skip else None
    if why is None and objective not in getattr(module, "OBJECTIVES", ("seats",)):
        why = f"does not model the '{objective}' objective"
    return why
