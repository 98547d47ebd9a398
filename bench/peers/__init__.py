"""The tools the benchmark runs, by name: salle itself and the peers an organizer could use instead.

Each tool module defines `NAME`, `missing() -> str | None` (why it cannot run here, e.g. not installed) and
`run(instance, time_limit, seed, workdir) -> ToolRun`, which writes `workdir/schedule.csv`. `run` is called in
a child process of its own (bench/child.py), so imports, memory and crashes stay with the tool.
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
